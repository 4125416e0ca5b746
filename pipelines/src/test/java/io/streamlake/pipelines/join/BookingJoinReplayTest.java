package io.streamlake.pipelines.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.devservices.PostgresServer;
import io.streamlake.events.ticketing.BookingStatus;
import io.streamlake.generators.cli.GeneratorRunner;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.generators.cli.TopicReader;
import io.streamlake.generators.core.DisorderedStream;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.ticketing.TicketingScenario;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.schemas.Topics;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Bounded replay of the Kafka topics (the backfill mode) into a real warehouse, DuckDB and
 * PostgreSQL: the table equals the model, and a second replay changes nothing (idempotent upserts).
 */
class BookingJoinReplayTest {
  static final String PREFIX = "replay-";
  static final GeneratorConfig CONFIG = GeneratorConfig.builder().seed(17).rate(2).events(300)
      .baseTime(Instant.parse("2026-04-01T06:00:00Z")).duplicateFraction(0.02).poisonFraction(0.01).build();
  static EmbeddedKafka kafka;
  static JoinModel model;
  static long poison;

  @BeforeAll
  static void produce() {
    kafka = EmbeddedKafka.shared();
    kafka.createTopics(PREFIX, Topics.all());
    try (KafkaRecordSink sink = new KafkaRecordSink(kafka.bootstrapServers(), PREFIX, Map.of())) {
      new GeneratorRunner(sink, 0, Duration.ofHours(1), new PrintStream(OutputStream.nullOutputStream()))
          .run(List.of(DisorderedStream.of(new TicketingScenario(), CONFIG)), CONFIG.baseTime(), () -> false);
      assertEquals(0, sink.failed(), () -> "producing the test data failed: " + sink.firstError());
    }
    List<TimestampedValue<RawRecord>> records = JoinRunners.records(CONFIG);
    model = JoinModel.of(JoinRunners.bookings(records), JoinRunners.payments(records), Duration.ofMinutes(15));
    poison = records.size() - JoinRunners.bookings(records).size() - JoinRunners.payments(records).size();
  }

  private static BookingJoinPipeline.Options options(String jdbcUrl) {
    BookingJoinPipeline.Options options = JoinRunners.options("DirectRunner", false);
    options.setBootstrapServers(kafka.bootstrapServers());
    options.setTopicPrefix(PREFIX);
    options.setReadMode(KafkaOptions.ReadMode.REPLAY);
    options.setWriteWarehouse(true);
    options.setJdbcUrl(jdbcUrl);
    return options;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void replayFillsTheWarehouseAsTheModelSaysAndAReplayChangesNothing(String engine) throws Exception {
    String url = engine.equals("duckdb")
        ? "jdbc:duckdb:" + Files.createTempDirectory("replay").resolve("w.duckdb")
        : PostgresServer.shared().jdbcUrl("replay");
    BookingJoinPipeline.Options options = options(url);
    Warehouse warehouse = Warehouse.of(options);

    PipelineResult first = BookingJoinPipeline.run(options);
    first.waitUntilFinish();
    assertEquals(new TreeMap<>(model.facts), facts(warehouse));
    assertEquals(model.orphanPaymentIds.size(), count(warehouse, "bookings_orphan_payments"));
    Map<String, Long> counters = Preflight.counters(first);
    assertEquals(poison, counters.get("decode:bookings_dead_letter") + counters.get("decode:payments_dead_letter"));

    options.setWriteKafka(false);
    BookingJoinPipeline.run(options).waitUntilFinish();
    assertEquals(new TreeMap<>(model.facts), facts(warehouse), "a replay gives the same table");
    assertEquals(model.facts.size(), count(warehouse, "bookings_fact"), "and no duplicate rows");
    assertEquals(1, count(warehouse, "schema_version"), "migrations ran once");
  }

  @Test
  void deadLettersAndFactsReachTheirTopics() throws Exception {
    BookingJoinPipeline.Options options = options("jdbc:duckdb:/tmp/never-used.duckdb");
    options.setWriteWarehouse(false);
    options.setWriteKafka(true);
    BookingJoinPipeline.run(options).waitUntilFinish();
    long deadLetters = TopicReader.readAll(kafka.bootstrapServers(), PREFIX + "deadletter", Duration.ofSeconds(30)).size();
    assertTrue(deadLetters >= poison, "every poison record is on the dead-letter topic");
    long facts = TopicReader.readAll(kafka.bootstrapServers(), PREFIX + "bookings_fact", Duration.ofSeconds(30)).size();
    assertTrue(facts >= model.facts.size());
  }

  @Test
  void sparkStreamingFailsFastWithAClearSentence() {
    BookingJoinPipeline.Options options = JoinRunners.options("SparkRunner", true);
    options.setBootstrapServers(kafka.bootstrapServers());
    options.setReadMode(KafkaOptions.ReadMode.STREAMING);
    Preflight.PreflightException e = assertThrows(Preflight.PreflightException.class, () -> BookingJoinPipeline.run(options));
    assertTrue(e.getMessage().contains("cannot run event-time timers"), e.getMessage());
  }

  @Test
  void unreachableKafkaFailsFastWithAClearSentence() {
    BookingJoinPipeline.Options options = options("jdbc:duckdb:/tmp/never-used.duckdb");
    options.setBootstrapServers("127.0.0.1:1");
    Preflight.PreflightException e = assertThrows(Preflight.PreflightException.class, () -> BookingJoinPipeline.run(options));
    assertTrue(e.getMessage().contains("Kafka is unreachable at 127.0.0.1:1"), e.getMessage());
  }

  static Map<String, JoinModel.Fact> facts(Warehouse warehouse) throws SQLException {
    Map<String, JoinModel.Fact> table = new TreeMap<>();
    try (Connection c = warehouse.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT booking_id, status, attempts, payment_id, payment_delay_ms FROM bookings_fact")) {
      while (rs.next()) {
        long delay = rs.getLong(5);
        table.put(rs.getString(1), new JoinModel.Fact(rs.getString(1), BookingStatus.valueOf(rs.getString(2)),
            rs.getInt(3), rs.getString(4), rs.wasNull() ? null : delay));
      }
    }
    return table;
  }

  static long count(Warehouse warehouse, String table) throws SQLException {
    try (Connection c = warehouse.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
