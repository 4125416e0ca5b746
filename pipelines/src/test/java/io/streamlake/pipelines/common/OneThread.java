package io.streamlake.pipelines.common;

import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * One Direct runner thread, so one instance of each step. A stateful step tells late data of a key
 * without state by the timers its instance fired (any key); the Direct runner keeps an instance per
 * thread, so with several threads a timer and a later element may meet different instances (on Flink
 * one instance holds all of a subtask's keys).
 */
public final class OneThread {
  private OneThread() {}

  public static <T extends PipelineOptions> T of(T options) {
    options.as(DirectOptions.class).setTargetParallelism(1);
    return options;
  }
}
