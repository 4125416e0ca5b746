package io.streamlake.pipelines.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.pipelines.common.RawRecord;
import java.time.Instant;
import java.util.List;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same bounded input on Direct, Flink (embedded MiniCluster) and Spark (local) gives identical
 * rows, alerts and follow-ups, and the same late and dead-letter counts.
 */
class WindowsRunnersTest {
  static final Instant BASE = Instant.parse("2026-03-01T09:00:00Z");
  static final GeneratorConfig SHOP = GeneratorConfig.builder().seed(7).rate(1).events(200).baseTime(BASE)
      .duplicateFraction(0.02).poisonFraction(0.01).build();
  static final GeneratorConfig BOX_OFFICE = GeneratorConfig.builder().seed(8).rate(0.5).events(60).baseTime(BASE)
      .duplicateFraction(0.02).poisonFraction(0.01).build();
  static final GeneratorConfig FLIGHTS = GeneratorConfig.builder().seed(9).rate(1).events(200).baseTime(BASE)
      .duplicateFraction(0.02).poisonFraction(0.01).build();
  static List<TimestampedValue<RawRecord>> records;
  static WindowsData.Outcome direct;

  @BeforeAll
  static void runOnDirect() {
    records = WindowsData.records(SHOP, BOX_OFFICE, FLIGHTS);
    direct = run("DirectRunner");
    assertEquals(WindowsModelTest.model(records, WindowsData.options("DirectRunner", false)).pageViews,
        direct.pageViews(), "the Direct runner agrees with the model");
    assertFalse(direct.followups().isEmpty());
  }

  private static WindowsData.Outcome run(String runner) {
    return WindowsData.runBounded(WindowsData.options(runner, false), records, WindowsData.usersFile(), WindowsData.VIP);
  }

  @Test
  void flinkBatchGivesTheSameResults() {
    assertSame(run("FlinkRunner"));
  }

  @Test
  void sparkBatchGivesTheSameResults() {
    assertSame(run("SparkRunner"));
  }

  private static void assertSame(WindowsData.Outcome other) {
    assertEquals(direct.pageViews(), other.pageViews());
    assertEquals(direct.boxOffice(), other.boxOffice());
    assertEquals(direct.flights(), other.flights());
    assertEquals(direct.latencyAlerts(), other.latencyAlerts());
    assertEquals(direct.vipAlerts(), other.vipAlerts());
    assertEquals(direct.followups(), other.followups());
    assertEquals(direct.late(), other.late());
    assertEquals(direct.deadLetters(), other.deadLetters());
    assertEquals(direct.rowEmissions(), other.rowEmissions(), "no row emitted twice");
  }
}
