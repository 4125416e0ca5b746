package io.streamlake.pipelines.join;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.pipelines.common.RawRecord;
import java.time.Instant;
import java.util.List;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

  private static void assertSame(BookingJoinModelTest.Outcome other) {
    assertEquals(direct.facts(), other.facts());
    assertEquals(direct.orphans(), other.orphans());
    assertEquals(direct.deadLetters(), other.deadLetters());
    assertEquals(direct.late(), other.late());
  }
}
