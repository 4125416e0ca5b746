package io.streamlake.pipelines.bench;

import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.join.BookingJoinPipeline;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Benchmark (not a test): the booking/payment join over topics already loaded into Kafka, as a
 * bounded replay on the runner given in the options (FlinkRunner by default). Prints records/s and
 * the join state left after the run (keys opened minus keys released by their timers).
 *
 * <pre>java -cp ... io.streamlake.pipelines.bench.JoinBenchmark --bootstrapServers=... --topicPrefix=bench-join- [--runner=...]</pre>
 */
public final class JoinBenchmark {
  private JoinBenchmark() {}

  public static void main(String[] args) {
    PipelineOptionsFactory.register(BookingJoinPipeline.Options.class);
    BookingJoinPipeline.Options options = PipelineOptionsFactory.fromArgs(args).as(BookingJoinPipeline.Options.class);
    options.setReadMode(KafkaOptions.ReadMode.REPLAY);
    options.setWriteKafka(false);
    options.setWriteWarehouse(false);
    long start = System.nanoTime();
    PipelineResult result = BookingJoinPipeline.run(options);
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Long> c = Preflight.counters(result);
    long records = c.getOrDefault("decode:bookings_decoded", 0L) + c.getOrDefault("decode:payments_decoded", 0L)
        + c.getOrDefault("decode:bookings_dead_letter", 0L) + c.getOrDefault("decode:payments_dead_letter", 0L);
    long live = c.getOrDefault("join_state:keys_opened", 0L) - c.getOrDefault("join_state:keys_released", 0L);
    System.out.printf("join on %s: %d records in %.1f s = %,.0f records/s%n", options.getRunner().getSimpleName(),
        records, seconds, records / seconds);
    System.out.printf("facts: paid=%d failed=%d unpaid=%d orphans=%d duplicates=%d%n", c.getOrDefault("join:paid", 0L),
        c.getOrDefault("join:payment_failed", 0L), c.getOrDefault("join:unpaid", 0L), c.getOrDefault("join:orphan", 0L),
        c.getOrDefault("join:duplicate", 0L));
    System.out.printf("join state after the run: %d keys still held (opened %d, released %d)%n", live,
        c.getOrDefault("join_state:keys_opened", 0L), c.getOrDefault("join_state:keys_released", 0L));
  }
}
