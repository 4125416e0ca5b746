package io.streamlake.ingest.bench;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.ingest.IngestServer;
import io.streamlake.ingest.client.InvoiceLineJson;
import io.streamlake.schemas.InvoiceLineRules;
import io.streamlake.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmark (not a test), the load side: run in its own process against a running ingest API on
 * loopback. Sends the same seeded invoice lines (a) through the API, from {@code --concurrency}
 * threads each posting JSON arrays of {@code --batch} lines and waiting for each 201 (the API waits for
 * Kafka's acks=all), and (b) with a plain kafka-clients producer in this process, with the platform's
 * producer settings ({@link KafkaRecordSink#producerConfig}), the same Avro bytes and keys, to a topic
 * of its own, timed until every ack is in. Runs A-B-B-A pairs after a warm-up of each side, then prints
 * each run, the medians, the API's p50/p99 request latency, and the API/producer ratio.
 *
 * <pre>
 * java -cp ... io.streamlake.ingest.bench.IngestBenchmark --url http://127.0.0.1:8088 \
 *     --bootstrap-servers 127.0.0.1:9092 --plain-topic-prefix bench-plain- --lines 100000 --batch 100 --concurrency 8
 * </pre>
 */
@Command(name = "bench-ingest", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Lines/s through the ingest API under concurrent load vs a plain Kafka producer.")
public final class IngestBenchmark implements Callable<Integer> {
  @Option(names = "--url", defaultValue = "http://127.0.0.1:8088", description = "The API's base URL (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--token-env", defaultValue = "STREAMLAKE_INGEST_TOKEN", description = "Variable holding the bearer token, if the API wants one.")
  String tokenEnv;

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka, for the plain producer.")
  String bootstrapServers;

  @Option(names = "--plain-topic-prefix", defaultValue = "bench-plain-", description = "Topic prefix of the plain producer's runs.")
  String plainTopicPrefix;

  @Option(names = "--lines", defaultValue = "100000", description = "Lines per run (default: ${DEFAULT-VALUE}).")
  int lines;

  @Option(names = "--batch", defaultValue = "100", description = "Lines per request (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--concurrency", defaultValue = "8", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--pairs", defaultValue = "2", description = "A-B-B-A pairs of runs (default: ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the lines (default: ${DEFAULT-VALUE}).")
  long seed;

  public static void main(String[] args) {
    System.exit(new CommandLine(new IngestBenchmark()).execute(args));
  }

  /** One timed run: lines per second, and the request latencies (API runs only), in ns. */
  record RunResult(String side, double linesPerSecond, long[] latencies) {}

  @Override
  public Integer call() throws Exception {
    List<InvoiceLine> data = lines(seed, lines);
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < data.size(); i += batch) {
      bodies.add(InvoiceLineJson.array(data.subList(i, Math.min(data.size(), i + batch))));
    }
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(data.size());
    String topic = plainTopicPrefix + Topics.RETAIL_INVOICE_LINES.name();
    for (InvoiceLine l : data) {
      records.add(new ProducerRecord<>(topic, null, l.getInvoiceDate().toEpochMilli(),
          Topics.RETAIL_INVOICE_LINES.keyOf(l).getBytes(StandardCharsets.UTF_8), Topics.RETAIL_INVOICE_LINES.codec().encode(l)));
    }
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String token = System.getenv(tokenEnv);
    System.out.printf(Locale.ROOT, "bench-ingest: %d lines per run, %d lines per request, %d concurrent clients, %d pairs%n",
        lines, batch, concurrency, pairs);
    api(client, token, bodies); // warm-up, not counted
    plain(records);
    List<RunResult> api = new ArrayList<>();
    List<RunResult> plain = new ArrayList<>();
    for (int p = 0; p < pairs; p++) {
      for (String side : p % 2 == 0 ? List.of("api", "plain") : List.of("plain", "api")) {
        RunResult r = side.equals("api") ? api(client, token, bodies) : plain(records);
        (side.equals("api") ? api : plain).add(r);
        System.out.printf(Locale.ROOT, "  run %-5s %10.0f lines/s%n", side, r.linesPerSecond());
      }
    }
    double apiRate = median(api.stream().mapToDouble(RunResult::linesPerSecond).toArray());
    double plainRate = median(plain.stream().mapToDouble(RunResult::linesPerSecond).toArray());
    long[] latencies = api.stream().flatMapToLong(r -> Arrays.stream(r.latencies())).sorted().toArray();
    System.out.printf(Locale.ROOT, "api      %10.0f lines/s (median)   request latency p50 %.1f ms, p99 %.1f ms (%d requests of %d lines)%n",
        apiRate, percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6, latencies.length, batch);
    System.out.printf(Locale.ROOT, "producer %10.0f lines/s (median)%n", plainRate);
    System.out.printf(Locale.ROOT, "ratio    api/producer = %.2f%n", apiRate / plainRate);
    return 0;
  }

  private RunResult api(HttpClient client, String token, List<String> bodies) throws Exception {
    AtomicInteger next = new AtomicInteger();
    long[] latencies = new long[bodies.size()];
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    try {
      List<Future<Void>> workers = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        workers.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + IngestServer.INGEST_PATH))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i)));
            if (token != null && !token.isBlank()) {
              request.header("Authorization", "Bearer " + token);
            }
            long t0 = System.nanoTime();
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            latencies[i] = System.nanoTime() - t0;
            if (r.statusCode() != 201) {
              throw new IllegalStateException("the API answered " + r.statusCode() + ": " + r.body());
            }
          }
          return null;
        }));
      }
      for (Future<Void> w : workers) {
        w.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new RunResult("api", lines / seconds, latencies);
  }

  private RunResult plain(List<ProducerRecord<byte[], byte[]>> records) {
    AtomicInteger failed = new AtomicInteger();
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        KafkaRecordSink.producerConfig(bootstrapServers, java.util.Map.of("client.id", "bench-plain")),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r, (m, e) -> {
          if (e != null) {
            failed.incrementAndGet();
          }
        });
      }
      producer.flush();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " records failed");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new RunResult("plain", records.size() / seconds, new long[0]);
  }

  /** Seeded lines in the Online Retail shape: invoices of 1 to 20 lines, a tenth of them guests. */
  static List<InvoiceLine> lines(long seed, int count) {
    Random random = new Random(seed);
    List<InvoiceLine> out = new ArrayList<>(count);
    Instant base = Instant.parse("2010-12-01T08:00:00Z");
    int invoice = 0;
    while (out.size() < count) {
      String invoiceNo = Integer.toString(700_000 + invoice);
      String customer = random.nextInt(10) == 0 ? null : Integer.toString(12_000 + random.nextInt(4_000));
      int n = 1 + random.nextInt(20);
      for (int line = 1; line <= n && out.size() < count; line++) {
        out.add(InvoiceLine.newBuilder().setEventId(InvoiceLineRules.eventId(invoiceNo, line)).setInvoiceNo(invoiceNo)
            .setLineNo(line).setStockCode(Integer.toString(20_000 + random.nextInt(3_000)))
            .setDescription("ITEM " + random.nextInt(3_000)).setQuantity(1 + random.nextInt(24))
            .setInvoiceDate(base.plusSeconds(60L * invoice)).setUnitPriceMinor(10 + random.nextInt(2_000))
            .setCustomerId(customer).setCountry("United Kingdom").build());
      }
      invoice++;
    }
    return out;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
