package io.streamlake.pipelines.join;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.events.ticketing.BookingStatus;
import io.streamlake.generators.cli.GeneratorRunner;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.generators.core.DisorderedStream;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.ticketing.TicketingScenario;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.testing.Await;
import io.streamlake.schemas.Topics;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.Test;

/**
 * Generator -> in-process Kafka -> the join on the Flink runner (embedded MiniCluster, streaming,
 * detached) -> DuckDB warehouse, compared with the reference model.
 */
class BookingJoinFlinkStreamingTest {

  @Test
  void streamingJoinOnFlinkFillsTheWarehouseAsTheModelSays() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    String prefix = "it-join-";
    kafka.createTopics(prefix, Topics.all());
    // event time an hour ago, so every window has closed by the time the partitions go idle
    GeneratorConfig config = GeneratorConfig.builder().seed(99).rate(2).events(300)
        .baseTime(Instant.now().minus(Duration.ofMinutes(75)).truncatedTo(ChronoUnit.MINUTES))
        .duplicateFraction(0.02).poisonFraction(0.01).build();
    try (KafkaRecordSink sink = new KafkaRecordSink(kafka.bootstrapServers(), prefix, Map.of())) {
      new GeneratorRunner(sink, 0, Duration.ofHours(1), new PrintStream(OutputStream.nullOutputStream()))
          .run(List.of(DisorderedStream.of(new TicketingScenario(), config)), config.baseTime(), () -> false);
      assertEquals(0, sink.failed(), () -> "producing the test data failed: " + sink.firstError());
    }
    List<TimestampedValue<RawRecord>> records = JoinRunners.records(config);
    JoinModel model = JoinModel.of(JoinRunners.bookings(records), JoinRunners.payments(records), Duration.ofMinutes(15));

    Path dir = Files.createTempDirectory("it-join");
    BookingJoinPipeline.Options options = JoinRunners.options("FlinkRunner", true);
    options.setBootstrapServers(kafka.bootstrapServers());
    options.setTopicPrefix(prefix);
    options.setReadMode(KafkaOptions.ReadMode.STREAMING);
    options.setIdleTimeoutMs(5_000L);
    options.setWriteKafka(true);
    options.setWriteWarehouse(true);
    options.setJdbcUrl("jdbc:duckdb:" + dir.resolve("warehouse.duckdb"));
    options.as(org.apache.beam.runners.flink.FlinkPipelineOptions.class).setAttachedMode(false);
    PipelineResult result = BookingJoinPipeline.run(options);
    try {
      Warehouse warehouse = Warehouse.of(options);
      Map<String, JoinModel.Fact> expected = new TreeMap<>(model.facts);
      Await.until(() -> expected.equals(facts(warehouse)) && model.orphanPaymentIds.equals(orphans(warehouse)),
          Duration.ofMinutes(3), Duration.ofMillis(500),
          () -> "facts " + facts(warehouse).size() + "/" + expected.size() + ", orphans "
              + orphans(warehouse).size() + "/" + model.orphanPaymentIds.size());
      assertEquals(expected, facts(warehouse));
      assertEquals(model.orphanPaymentIds, orphans(warehouse));
    } finally {
      result.cancel();
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
