package io.streamlake.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.pipelines.batch.HourlyBatch;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

class PreflightTest {
  /** An unreachable warehouse is one sentence (exit 2 in the pipelines' mains), not a stack trace. */
  @Test
  void anUnreachableWarehouseIsAPreflightSentence() {
    HourlyBatch.Options options = PipelineOptionsFactory.fromArgs(
        "--jdbcUrl=jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2").as(HourlyBatch.Options.class);
    Preflight.PreflightException e = assertThrows(Preflight.PreflightException.class,
        () -> Preflight.check(options, RunnerMatrix.PipelineName.HOURLY_BATCH));
    assertTrue(e.getMessage().contains("is unreachable"), e.getMessage());
  }
}
