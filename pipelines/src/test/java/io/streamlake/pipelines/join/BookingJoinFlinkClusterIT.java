package io.streamlake.pipelines.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.devservices.PostgresServer;
import io.streamlake.events.ticketing.BookingStatus;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.generators.core.DisorderedStream;
import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.ticketing.TicketingScenario;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.testing.Await;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The join on a real Flink session cluster, driven through the scripts a user runs: {@code
 * scripts/flink-cluster.sh start}, {@code scripts/run-on-flink.sh join ...} (the shaded jar, streaming,
 * detached), {@code run-on-flink.sh cancel|checkpoint}, {@code flink-cluster.sh stop}. Kafka is the
 * in-process broker and the warehouse a PostgreSQL server, both on 127.0.0.1 so the TaskManager reaches
 * them (a DuckDB file could not be read here while the TaskManager writes it).
 *
 * <p>The first ten minutes (event time) of a generated stream are joined with checkpoints every two
 * seconds; once rows are in the warehouse the job is cancelled (its checkpoint is retained). The rest is
 * produced while no job runs, and a new job restored from that checkpoint must leave the warehouse
 * exactly as the reference model says for the whole stream: nothing lost, nothing twice.
 *
 * <p>Run with {@code mvn -B -Pflink-cluster -pl flinkcluster,pipelines -am verify -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false}; it needs port 8081 (REST) and 6123 (RPC) free.
 */
class BookingJoinFlinkClusterIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Pattern JOB_ID = Pattern.compile("^[0-9a-f]{32}$");
  private static final String REST = "http://127.0.0.1:" + System.getenv().getOrDefault("FLINK_REST_PORT", "8081");

  private final Path flinkDir = ROOT.resolve("pipelines/target/flink-cluster-it");

  @Test
  void streamingJoinOnAClusterRestartsFromItsCheckpointWithoutLosingOrDuplicatingRows() throws Exception {
    assertTrue(Files.isExecutable(ROOT.resolve("scripts/flink-cluster.sh")), "run from the pipelines module");
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    String prefix = "cluster-it-";
    kafka.createTopics(prefix, Topics.all());
    // event time hours ago: the data is all there before the job reads it, as in a replayed backlog
    GeneratorConfig config = GeneratorConfig.builder().seed(23).rate(2).events(300)
        .baseTime(Instant.now().minus(Duration.ofHours(4)).truncatedTo(ChronoUnit.MINUTES))
        .duplicateFraction(0.02).poisonFraction(0.01).build();
    List<GeneratedRecord> stream = new ArrayList<>();
    DisorderedStream.of(new TicketingScenario(), config).forEachRemaining(stream::add);
    // the first ten minutes of event time: every booking, and the payments made within ten minutes
    Instant split = config.baseTime().plus(Duration.ofMinutes(10));
    List<GeneratedRecord> before = stream.stream().filter(r -> r.eventTime().isBefore(split)).toList();
    List<GeneratedRecord> after = stream.stream().filter(r -> !r.eventTime().isBefore(split)).toList();
    List<TimestampedValue<RawRecord>> records = JoinRunners.records(config);
    JoinModel model = JoinModel.of(JoinRunners.bookings(records), JoinRunners.payments(records), Duration.ofMinutes(15));
    String jdbcUrl = PostgresServer.shared().jdbcUrl("flink_cluster_it");
    Warehouse warehouse = new Warehouse(jdbcUrl, null, null);
    List<String> jobOptions = List.of("--bootstrapServers=" + kafka.bootstrapServers(), "--topicPrefix=" + prefix,
        "--jdbcUrl=" + jdbcUrl, "--parallelism=2",
        // no wall-clock idle watermark: this event time is hours old, and the watermark must come from the
        // data alone for the restored job to take the rest of the stream as on time (see docs/flink.md)
        "--idleTimeoutMs=" + Duration.ofDays(1).toMillis(),
        "--checkpointingInterval=2000", "--externalizedCheckpointsEnabled=true",
        "--retainExternalizedCheckpointsOnCancellation=true");

    script(Duration.ofMinutes(3), "scripts/flink-cluster.sh", "start");
    step("cluster started");
    try {
      send(kafka, prefix, before);
      String first = submit(jobOptions);
      step("first job " + first + " running");
      Await.until(() -> facts(warehouse).size() >= 50, Duration.ofMinutes(3), Duration.ofSeconds(1),
          () -> "facts in the warehouse: " + facts(warehouse).size());
      step(facts(warehouse).size() + " facts in the warehouse");
      awaitCheckpoint(first);
      script(Duration.ofMinutes(2), "scripts/run-on-flink.sh", "cancel", first);
      assertEquals("CANCELED", jobState(first));
      // the last checkpoint may be older than the rows written before the cancel: those records are read again
      String checkpoint = script(Duration.ofMinutes(1), "scripts/run-on-flink.sh", "checkpoint", first).strip();
      int afterFirstJob = facts(warehouse).size();
      assertTrue(afterFirstJob < model.facts.size(), "the first part already gave every fact: " + afterFirstJob);
      step("first job cancelled with " + afterFirstJob + "/" + model.facts.size() + " facts; checkpoint " + checkpoint);

      send(kafka, prefix, after);
      watermarkTicks(kafka, prefix, config.baseTime().plus(Duration.ofHours(3)));
      List<String> restore = new ArrayList<>(jobOptions);
      restore.add("--savepointPath=" + checkpoint);
      String second = submit(restore);
      assertTrue(get("/jobs/" + second + "/checkpoints").contains(checkpoint.replace("file:", "")),
          "the second job was not restored from " + checkpoint);
      step("second job " + second + " running, restored from the checkpoint");
      Map<String, JoinModel.Fact> expected = new TreeMap<>(model.facts);
      Await.until(() -> expected.equals(facts(warehouse)) && model.orphanPaymentIds.equals(orphans(warehouse)),
          Duration.ofMinutes(3), Duration.ofSeconds(1),
          () -> "facts " + facts(warehouse).size() + "/" + expected.size() + ", orphans "
              + orphans(warehouse).size() + "/" + model.orphanPaymentIds.size());
      assertEquals(expected, facts(warehouse));
      assertEquals(model.orphanPaymentIds, orphans(warehouse));
      step("warehouse as the model says: " + expected.size() + " facts, " + model.orphanPaymentIds.size() + " orphans");
      script(Duration.ofMinutes(2), "scripts/run-on-flink.sh", "cancel", second);
      assertEquals("CANCELED", jobState(second));
    } finally {
      script(Duration.ofMinutes(2), "scripts/flink-cluster.sh", "stop");
      step("cluster stopped");
    }
    assertEquals(3, run(Duration.ofMinutes(1), "scripts/flink-cluster.sh", "status").exitCode,
        "the cluster is still running after stop");
  }

  private final long started = System.nanoTime();

  private void step(String what) {
    System.out.printf("[cluster IT +%3d s] %s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), what);
  }

  /** Submits the join detached; returns its job id (the last line run-on-flink.sh prints). */
  private String submit(List<String> options) throws Exception {
    List<String> command = new ArrayList<>(List.of("scripts/run-on-flink.sh", "join"));
    command.addAll(options);
    String out = script(Duration.ofMinutes(4), command.toArray(String[]::new));
    List<String> lines = out.strip().lines().toList();
    String id = lines.get(lines.size() - 1).strip();
    assertTrue(JOB_ID.matcher(id).matches(), () -> "no job id at the end of:\n" + out);
    assertEquals("RUNNING", jobState(id));
    return id;
  }

  /** Waits until the job has completed a checkpoint. */
  private void awaitCheckpoint(String jobId) throws InterruptedException {
    Await.until(() -> run(Duration.ofMinutes(1), "scripts/run-on-flink.sh", "checkpoint", jobId).exitCode == 0,
        Duration.ofMinutes(2), Duration.ofSeconds(1), () -> "no completed checkpoint of " + jobId);
  }

  private static void send(EmbeddedKafka kafka, String prefix, List<GeneratedRecord> records) {
    try (KafkaRecordSink sink = new KafkaRecordSink(kafka.bootstrapServers(), prefix, Map.of())) {
      records.forEach(sink::send);
      sink.flush();
      assertEquals(0, sink.failed(), () -> "producing the test data failed: " + sink.firstError());
    }
  }

  /**
   * One undecodable record far ahead in event time on every partition of both input topics: it moves the
   * watermark past every window (as newer traffic would), and the pipeline dead-letters it.
   */
  private static void watermarkTicks(EmbeddedKafka kafka, String prefix, Instant time) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
        kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Topic<?> topic : List.of(Topics.BOOKINGS, Topics.PAYMENTS)) {
        for (int p = 0; p < topic.partitions(); p++) {
          producer.send(new ProducerRecord<>(prefix + topic.name(), p, time.toEpochMilli(),
              "tick".getBytes(StandardCharsets.UTF_8), "watermark tick".getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.flush();
    }
  }

  private static String jobState(String jobId) throws Exception {
    var m = Pattern.compile("\"state\":\"([A-Z]+)\"").matcher(get("/jobs/" + jobId));
    return m.find() ? m.group(1) : "?";
  }

  private static String get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(REST + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private record ProcessResult(int exitCode, String output) {}

  /** Runs a script from the repository root with this test's cluster folder; fails unless it exits 0. */
  private String script(Duration timeout, String... command) {
    ProcessResult r = run(timeout, command);
    if (r.exitCode != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + r.exitCode + ":\n" + r.output);
    }
    return r.output;
  }

  private ProcessResult run(Duration timeout, String... command) {
    try {
      Path log = Files.createTempFile("cluster-it", ".log");
      ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().put("FLINK_DIR", flinkDir.toString());
      Process p = pb.start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout + ":\n"
            + Files.readString(log));
      }
      String output = Files.readString(log);
      Files.delete(log);
      return new ProcessResult(p.exitValue(), output);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Map<String, JoinModel.Fact> facts(Warehouse warehouse) {
    Map<String, JoinModel.Fact> table = new TreeMap<>();
    try (Connection c = warehouse.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT booking_id, status, attempts, payment_id, payment_delay_ms FROM bookings_fact")) {
      while (rs.next()) {
        long delay = rs.getLong(5);
        table.put(rs.getString(1), new JoinModel.Fact(rs.getString(1), BookingStatus.valueOf(rs.getString(2)),
            rs.getInt(3), rs.getString(4), rs.wasNull() ? null : delay));
      }
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("does not exist")) {
        return table; // not migrated yet
      }
      throw new IllegalStateException(e);
    }
    return table;
  }

  private static TreeSet<String> orphans(Warehouse warehouse) {
    TreeSet<String> out = new TreeSet<>();
    try (Connection c = warehouse.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT payment_id FROM bookings_orphan_payments")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
