package io.streamlake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.generators.cli.TopicReader;
import io.streamlake.schemas.InvoiceLineRules;
import io.streamlake.schemas.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real HTTP requests against the running API, producing to an in-process Kafka broker. */
class IngestApiTest {
  static final String PREFIX = "ingest-api-";
  static final String TOKEN = "test-token-4f1c";
  static final String JSON = "application/json";
  static final ObjectMapper MAPPER = new ObjectMapper();
  static EmbeddedKafka kafka;
  static IngestServer server;
  static Http http;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.shared();
    kafka.createTopics(PREFIX, List.of(Topics.RETAIL_INVOICE_LINES));
    server = IngestServer.start(IngestConfig.defaults(kafka.bootstrapServers(), 0).withTopicPrefix(PREFIX)
        .withMaxBodyBytes(64 * 1024).withToken(TOKEN));
    http = new Http(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String line(String invoiceNo, String extra) {
    return InvoiceLinesParserTest.line(invoiceNo, extra);
  }

  /** The records of these invoices on the topic, in offset order per partition. */
  static List<InvoiceLine> produced(String... invoiceNos) {
    List<String> wanted = List.of(invoiceNos);
    return TopicReader.readAll(kafka.bootstrapServers(), PREFIX + Topics.RETAIL_INVOICE_LINES.name(), Duration.ofSeconds(30))
        .stream().map(r -> Topics.RETAIL_INVOICE_LINES.codec().decode(r.value()))
        .filter(l -> wanted.contains(l.getInvoiceNo())).collect(Collectors.toList());
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return MAPPER.readTree(response.body());
  }

  @Test
  void oneObjectIsProducedKeyedByInvoiceAtItsInvoiceTime() throws Exception {
    HttpResponse<String> r = http.post(JSON, TOKEN, line("100001", ""));
    assertEquals(201, r.statusCode(), r.body());
    assertEquals(1, json(r).get("accepted").asInt());
    List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(kafka.bootstrapServers(),
        PREFIX + Topics.RETAIL_INVOICE_LINES.name(), Duration.ofSeconds(30)).stream()
        .filter(c -> new String(c.key(), StandardCharsets.UTF_8).equals("100001")).toList();
    assertEquals(1, records.size());
    assertEquals(Instant.parse("2010-12-01T08:26:00Z").toEpochMilli(), records.get(0).timestamp());
    InvoiceLine l = Topics.RETAIL_INVOICE_LINES.codec().decode(records.get(0).value());
    assertEquals(InvoiceLine.newBuilder().setEventId(InvoiceLineRules.eventId("100001", 1)).setInvoiceNo("100001")
        .setLineNo(1).setStockCode("85123A").setDescription("WHITE HANGING HEART T-LIGHT HOLDER").setQuantity(6)
        .setInvoiceDate(Instant.parse("2010-12-01T08:26:00Z")).setUnitPriceMinor(255).setCustomerId("17850")
        .setCountry("United Kingdom").build(), l);
  }

  @Test
  void anArrayAndNdjsonAreAcceptedWhole() throws Exception {
    HttpResponse<String> array = http.post(JSON, TOKEN, "[" + line("100002", "") + "," + line("100002", "") + ","
        + line("C100003", "").replace("\"Quantity\":6", "\"Quantity\":-2") + "]");
    assertEquals(201, array.statusCode(), array.body());
    assertEquals(3, json(array).get("accepted").asInt());
    HttpResponse<String> ndjson = http.post("application/x-ndjson; charset=utf-8", TOKEN,
        line("100004", "") + "\n" + line("100004", "") + "\n");
    assertEquals(201, ndjson.statusCode(), ndjson.body());
    assertEquals(2, json(ndjson).get("accepted").asInt());
    assertEquals(List.of("100002#1", "100002#2", "100004#1", "100004#2", "C100003#1"),
        produced("100002", "C100003", "100004").stream().map(l -> l.getInvoiceNo() + "#" + l.getLineNo()).sorted().toList());
  }

  @Test
  void aBadLineRejectsTheWholeRequestWithFieldErrors() throws Exception {
    long acceptedBefore = server.metrics().linesAccepted();
    HttpResponse<String> r = http.post(JSON, TOKEN, "[" + line("100005", "") + ","
        + line("100005", "").replace("\"Quantity\":6", "\"Quantity\":\"six\"") + ","
        + line("100005", "").replace("\"Country\":\"United Kingdom\"", "\"Country\":\"\"") + "]");
    assertEquals(400, r.statusCode(), r.body());
    JsonNode body = json(r);
    assertEquals(2, body.get("badLines").asInt());
    assertEquals("2 Quantity,3 Country", IntStream.range(0, body.get("errors").size()).mapToObj(i -> body.get("errors").get(i))
        .map(e -> e.get("line").asInt() + " " + e.get("field").asText()).collect(Collectors.joining(",")));
    assertEquals(201, http.post(JSON, TOKEN, line("100006", "")).statusCode(), "a later good request");
    assertEquals(List.of(), produced("100005"), "nothing of the bad request reached Kafka");
    assertEquals(acceptedBefore + 1, server.metrics().linesAccepted());
  }

  @Test
  void malformedJsonIs400() throws Exception {
    HttpResponse<String> r = http.post(JSON, TOKEN, "{\"InvoiceNo\": \"1\",");
    assertEquals(400, r.statusCode());
    assertTrue(json(r).get("errors").get(0).get("message").asText().startsWith("malformed JSON"), r.body());
  }

  @Test
  void oversizedBodiesAre413() throws Exception {
    String big = "[" + IntStream.range(0, 400).mapToObj(i -> line("100007", "")).collect(Collectors.joining(",")) + "]";
    assertTrue(big.length() > 64 * 1024);
    HttpResponse<String> declared = http.post(JSON, TOKEN, big);
    assertEquals(413, declared.statusCode(), declared.body());
    HttpResponse<String> chunked = http.postChunked(JSON, TOKEN, big.getBytes(StandardCharsets.UTF_8));
    assertEquals(413, chunked.statusCode(), chunked.body());
    assertEquals(List.of(), produced("100007"));
  }

  @Test
  void missingOrWrongTokenIs401() throws Exception {
    HttpResponse<String> missing = http.post(JSON, null, line("100008", ""));
    assertEquals(401, missing.statusCode());
    assertEquals("Bearer realm=\"streamlake-ingest\"", missing.headers().firstValue("WWW-Authenticate").orElse(""));
    assertEquals(401, http.post(JSON, TOKEN + "x", line("100008", "")).statusCode());
    assertEquals(401, http.post("text/plain", "wrong", "not even JSON").statusCode(), "authentication comes first");
    assertTrue(!missing.body().contains(TOKEN), "the answer never shows the token");
    assertEquals(List.of(), produced("100008"));
  }

  @Test
  void otherContentTypesAre415() throws Exception {
    assertEquals(415, http.post("text/csv", TOKEN, "InvoiceNo,StockCode\n1,2\n").statusCode());
    assertEquals(415, http.post(null, TOKEN, line("100009", "")).statusCode());
    assertEquals(415, http.post("application/json; charset=iso-8859-1", TOKEN, line("100009", "")).statusCode());
  }

  @Test
  void aRetriedRequestCarriesTheSameEventIds() throws Exception {
    String body = "[" + line("100010", "") + "," + line("100010", "").replace("85123A", "71053") + "]";
    assertEquals(201, http.post(JSON, TOKEN, body).statusCode());
    assertEquals(201, http.post(JSON, TOKEN, body).statusCode());
    List<InvoiceLine> lines = produced("100010");
    assertEquals(4, lines.size(), "Kafka holds both copies");
    assertEquals(java.util.stream.Stream.of(InvoiceLineRules.eventId("100010", 1), InvoiceLineRules.eventId("100010", 1),
            InvoiceLineRules.eventId("100010", 2), InvoiceLineRules.eventId("100010", 2)).sorted().toList(),
        lines.stream().map(InvoiceLine::getEventId).sorted().toList(), "with the same two ids");
  }

  @Test
  void healthAndMetricsAnswerWithoutAToken() throws Exception {
    HttpResponse<String> health = http.get("/health");
    assertEquals(200, health.statusCode(), health.body());
    assertEquals("UP", json(health).get("kafka").asText());
    assertEquals(201, http.post(JSON, TOKEN, line("100011", "")).statusCode());
    assertEquals(415, http.post("text/csv", TOKEN, "x").statusCode());
    String metrics = http.get("/metrics").body();
    assertTrue(metrics.contains("ingest_requests_total{path=\"/v1/retail/invoice-lines\",status=\"201\"}"), metrics);
    assertTrue(metrics.contains("ingest_errors_total{reason=\"unsupported_media_type\"}"), metrics);
    assertTrue(metrics.matches("(?s).*ingest_lines_accepted_total [1-9].*"), metrics);
    assertTrue(metrics.matches("(?s).*ingest_request_duration_seconds_count [1-9].*"), metrics);
  }
}
