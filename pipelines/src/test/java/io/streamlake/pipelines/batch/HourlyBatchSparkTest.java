package io.streamlake.pipelines.batch;

import org.junit.jupiter.api.Test;

/** The hourly batch on Spark (local[2], batch) loads what the Direct runner loads. */
class HourlyBatchSparkTest {
  @Test
  void sparkBatchLoadsTheSameWarehouseAsDirect() {
    RunnerCases.sameWarehouseAsDirect("SparkRunner");
  }
}
