package io.streamlake.pipelines.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.devservices.PostgresServer;
import io.streamlake.events.DeadLetter;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.generators.cli.TopicReader;
import io.streamlake.ingest.IngestConfig;
import io.streamlake.ingest.IngestServer;
import io.streamlake.ingest.client.InvoiceLineJson;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.testing.Await;
import io.streamlake.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The whole path, end to end: real HTTP requests to the ingest API -> in-process Kafka -> the OLTP
 * pipeline in streaming mode on a runner -> a real PostgreSQL server -> the three customer views, which
 * must equal the reference model of the lines the API accepted.
 */
final class RetailEndToEnd {
  private RetailEndToEnd() {}

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static void run(String name, List<String> runnerArgs) throws Exception {
    // the two servers start side by side (each is started once per JVM)
    java.util.concurrent.CompletableFuture<PostgresServer> postgres =
        java.util.concurrent.CompletableFuture.supplyAsync(PostgresServer::shared);
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    postgres.join();
    String prefix = "e2e-" + name + "-";
    kafka.createTopics(prefix, List.of(Topics.RETAIL_INVOICE_LINES, Topics.DEAD_LETTERS));
    List<InvoiceLine> lines = RetailFixtures.scenario(7, 24);
    RetailModel model = RetailModel.of(lines);
    List<List<InvoiceLine>> requests = new ArrayList<>();
    for (int i = 0; i < lines.size(); i += 40) {
      requests.add(lines.subList(i, Math.min(lines.size(), i + 40)));
    }

    org.apache.beam.sdk.options.PipelineOptionsFactory.register(RetailOltpPipeline.Options.class);
    RetailOltpPipeline.Options options = org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(runnerArgs.toArray(String[]::new))
        .as(RetailOltpPipeline.Options.class);
    options.setJdbcUrl(PostgresServer.shared().jdbcUrl("retail_" + name));
    options.setJdbcBatchSize(200);
    options.setBootstrapServers(kafka.bootstrapServers());
    options.setTopicPrefix(prefix);
    options.setReadMode(KafkaOptions.ReadMode.STREAMING);
    options.setIdleTimeoutMs(5_000L);
    Warehouse warehouse = Warehouse.of(options);

    try (IngestServer api = IngestServer.start(IngestConfig.defaults(kafka.bootstrapServers(), 0).withTopicPrefix(prefix))) {
      String url = "http://127.0.0.1:" + api.port() + IngestServer.INGEST_PATH;
      int half = requests.size() / 2;
      for (int i = 0; i < half; i++) {
        post(url, requests.get(i), i % 2 == 0);
      }
      PipelineResult result = RetailOltpPipeline.run(options);
      try {
        for (int i = half; i < requests.size(); i++) {
          post(url, requests.get(i), i % 2 == 0);
        }
        post(url, requests.get(1), true); // a retried request: same ids, no new rows
        // a request with one bad line is refused whole: its good line must never reach the store
        InvoiceLine refused = RetailFixtures.line("990001", 1, "85123A", 6, 255, "12001", "France", RetailFixtures.minutes(5));
        InvoiceLine bad = RetailFixtures.line("990001", 2, "85123A", 0, 255, "12001", "France", RetailFixtures.minutes(5));
        assertEquals(400, send(url, "application/json", "[" + InvoiceLineJson.object(refused) + "," + InvoiceLineJson.object(bad) + "]")
            .statusCode());
        // records from another producer that skipped the API: undecodable, and decodable but invalid
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
            KafkaRecordSink.producerConfig(kafka.bootstrapServers(), Map.of()), new ByteArraySerializer(), new ByteArraySerializer())) {
          String topic = prefix + Topics.RETAIL_INVOICE_LINES.name();
          producer.send(new ProducerRecord<>(topic, "x".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8)));
          producer.send(new ProducerRecord<>(topic, "990002".getBytes(StandardCharsets.UTF_8),
              Topics.RETAIL_INVOICE_LINES.codec().encode(RetailFixtures.line("C990002", 1, "22633", 5, 185, "12002",
                  "France", RetailFixtures.minutes(9)))));
          producer.flush();
        }

        Await.until(() -> RetailViews.read(warehouse).matches(model), Duration.ofMinutes(2), Duration.ofMillis(500),
            () -> RetailViews.read(warehouse).progress(model));
        RetailViews views = RetailViews.read(warehouse);
        assertEquals(model.spend, views.spend);
        assertEquals(model.history, views.history);
        assertEquals(model.returned, views.returned);
        assertEquals(lines.size(), RetailViews.count(warehouse, "invoice_lines") + RetailViews.count(warehouse, "returns"),
            "one row per line, the retried request added none");

        String deadTopic = prefix + Topics.DEAD_LETTERS.name();
        Await.until(() -> TopicReader.readAll(kafka.bootstrapServers(), deadTopic, Duration.ofSeconds(10)).size() >= 2,
            Duration.ofMinutes(1), Duration.ofMillis(500), () -> "two dead letters on " + deadTopic);
        List<String> steps = TopicReader.readAll(kafka.bootstrapServers(), deadTopic, Duration.ofSeconds(10)).stream()
            .map(r -> Topics.DEAD_LETTERS.codec().decode(r.value())).map(DeadLetter::getFailedStep).sorted()
            .collect(Collectors.toList());
        assertEquals(List.of("CheckInvoiceLineRules", "DecodeInvoiceLine"), steps);
        assertTrue(!RetailViews.read(warehouse).history.containsKey("990001"), "nothing of the refused request");
        assertEquals(0, countWhere(warehouse, "invoices", "invoice_no LIKE '%99000%'"));
      } finally {
        result.cancel();
      }
    }
  }

  private static void post(String url, List<InvoiceLine> lines, boolean ndjson) throws Exception {
    String body = ndjson
        ? lines.stream().map(InvoiceLineJson::object).collect(Collectors.joining("\n"))
        : lines.stream().map(InvoiceLineJson::object).collect(Collectors.joining(",", "[", "]"));
    HttpResponse<String> r = send(url, ndjson ? "application/x-ndjson" : "application/json", body);
    assertEquals(201, r.statusCode(), r.body());
    assertEquals("{\"accepted\":" + lines.size() + "}", r.body());
  }

  private static HttpResponse<String> send(String url, String contentType, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long countWhere(Warehouse warehouse, String table, String where) throws Exception {
    try (var c = warehouse.connect(); var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM " + table + " WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
