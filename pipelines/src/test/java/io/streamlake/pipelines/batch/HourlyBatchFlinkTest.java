package io.streamlake.pipelines.batch;

import org.junit.jupiter.api.Test;

/** The hourly batch on Flink (embedded MiniCluster, batch mode) loads what the Direct runner loads. */
class HourlyBatchFlinkTest {
  @Test
  void flinkBatchLoadsTheSameWarehouseAsDirect() {
    RunnerCases.sameWarehouseAsDirect("FlinkRunner");
  }
}
