package io.streamlake.pipelines.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.ticketing.BookingStatus;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.common.Warehouse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same bounded input on Direct, Flink (embedded MiniCluster) and Spark (local) gives identical facts. */
class BookingJoinRunnersTest {
  static final GeneratorConfig CONFIG = GeneratorConfig.builder().seed(5).rate(2).events(400)
      .baseTime(Instant.parse("2026-03-01T09:00:00Z")).duplicateFraction(0.02).poisonFraction(0.01).build();
  static List<TimestampedValue<RawRecord>> records;
  static BookingJoinModelTest.Outcome direct;

  @BeforeAll
  static void runOnDirect() {
    records = JoinRunners.records(CONFIG);
    direct = BookingJoinModelTest.runBounded(JoinRunners.options("DirectRunner", false), records);
  }

  @Test
  void flinkBatchGivesTheSameFacts() {
    assertSame(BookingJoinModelTest.runBounded(JoinRunners.options("FlinkRunner", false), records));
  }

  @Test
  void sparkBatchGivesTheSameFacts() {
    assertSame(BookingJoinModelTest.runBounded(JoinRunners.options("SparkRunner", false), records));
  }

  /**
   * On Flink's batch runner the versions of a fact reach the warehouse write in any order (its grouping
   * keeps none): the table must still hold each booking's final fact.
   */
  @Test
  void flinkBatchLeavesEachBookingsFinalFactInTheWarehouse(@TempDir Path dir) throws Exception {
    BookingJoinPipeline.Options options = JoinRunners.options("FlinkRunner", false);
    options.setWriteWarehouse(true);
    options.setJdbcUrl("jdbc:duckdb:" + dir.resolve("facts.duckdb"));
    Warehouse warehouse = Warehouse.of(options);
    warehouse.migrate(BookingJoinPipeline.MIGRATIONS);
    Pipeline p = Pipeline.create(options);
    PCollection<RawRecord> all = p.apply("Records", Create.timestamped(records).withCoder(RawRecord.Coder.of()));
    BookingJoinPipeline.Outputs out = BookingJoinPipeline.join(
        all.apply("OnlyBookings", Filter.by((RawRecord r) -> r.topic().equals("bookings"))),
        all.apply("OnlyPayments", Filter.by((RawRecord r) -> r.topic().equals("payments"))), options);
    BookingJoinPipeline.write(out, options);
    p.run().waitUntilFinish();
    // paid bookings with more than one attempt: their fact is emitted at the first success and again for the
    // other attempt when that comes later, so their versions can reach the write in either order
    assertTrue(direct.facts().values().stream().anyMatch(f -> f.status() == BookingStatus.PAID && f.attempts() > 1),
        "the data has facts with more than one version");
    assertEquals(direct.facts(), BookingJoinReplayTest.facts(warehouse));
  }

  private static void assertSame(BookingJoinModelTest.Outcome other) {
    assertEquals(direct.facts(), other.facts());
    assertEquals(direct.orphans(), other.orphans());
    assertEquals(direct.deadLetters(), other.deadLetters());
    assertEquals(direct.late(), other.late());
  }
}
