package io.streamlake.pipelines.common;

import java.util.Optional;
import java.util.function.Supplier;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Kafka timestamps as event time (the platform's producers set the record timestamp to the event's
 * own time), with a watermark that trails the highest event time seen by {@code maxOutOfOrder}. A
 * partition that is caught up (no backlog) lets its watermark follow the wall clock minus {@code
 * maxOutOfOrder + idleTimeout}, so one idle partition cannot stall the pipeline. That assumes event
 * time tracks the wall clock, which holds for live streams; historical ranges use the replay mode.
 *
 * <p>A record moves the watermark at most to {@code maxFutureSkew} ahead of the wall clock: one record
 * from a producer whose clock is wrong (or with a bogus timestamp, such as nanoseconds in the
 * millisecond field) would otherwise push the partition's watermark years ahead, and every later
 * record of the partition would be late. Decoding then sends such a record to the
 * dead letters ({@link DecodeRecords#withMaxFutureSkew}). A zero skew turns this off.
 *
 * <p>The policy object is rebuilt by KafkaIO from time to time; it keeps the previous watermark as
 * its floor, so the watermark never moves back.
 */
public final class EventTimePolicy extends TimestampPolicy<byte[], byte[]> {
  private final Duration maxOutOfOrder;
  private final Duration idleTimeout;
  private final Duration maxFutureSkew;
  private final Supplier<Instant> clock;
  private Instant maxEventTime = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private Instant watermark;

  EventTimePolicy(Duration maxOutOfOrder, Duration idleTimeout, Duration maxFutureSkew, Supplier<Instant> clock,
      Optional<Instant> previousWatermark) {
    this.maxOutOfOrder = maxOutOfOrder;
    this.idleTimeout = idleTimeout;
    this.maxFutureSkew = maxFutureSkew;
    this.clock = clock;
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /** A factory for KafkaIO; {@code maxFutureSkew} zero: every timestamp may move the watermark. */
  public static TimestampPolicyFactory<byte[], byte[]> factory(Duration maxOutOfOrder, Duration idleTimeout,
      Duration maxFutureSkew) {
    return (TopicPartition tp, Optional<Instant> previous) ->
        new EventTimePolicy(maxOutOfOrder, idleTimeout, maxFutureSkew, Instant::now, previous);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    Instant ts = new Instant(record.getTimestamp());
    Instant counted = capped(ts);
    if (counted.isAfter(maxEventTime)) {
      maxEventTime = counted;
    }
    return ts;
  }

  /**
   * The time a record moves the watermark to: its own, but at most {@code maxFutureSkew} ahead of the
   * wall clock (any, when the skew is zero). Capped rather than ignored: a partition whose records are
   * all that far ahead still moves, with the clock, instead of holding the pipeline's watermark back.
   */
  private Instant capped(Instant ts) {
    if (maxFutureSkew.getMillis() <= 0) {
      return ts;
    }
    long limit = clock.get().getMillis() + maxFutureSkew.getMillis();
    return ts.getMillis() > limit ? new Instant(limit) : ts;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    Instant candidate = maxEventTime.equals(BoundedWindow.TIMESTAMP_MIN_VALUE)
        ? watermark : maxEventTime.minus(maxOutOfOrder);
    // Caught up: KafkaIO's legacy reader (what the Direct, Flink and Spark runners get) reports a backlog of
    // 0, its SDF read (Dataflow, or --experiments=use_sdf_read) 1. An unknown backlog (-1: no end offset
    // fetched yet) is not caught up: following the wall clock then would make an unread backlog late.
    long backlog = ctx.getMessageBacklog();
    if (backlog >= 0 && backlog <= 1 && ctx.getBacklogCheckTime() != null) {
      Instant idle = ctx.getBacklogCheckTime().minus(maxOutOfOrder).minus(idleTimeout);
      if (idle.isAfter(candidate)) {
        candidate = idle;
      }
    }
    if (candidate.isAfter(watermark)) {
      watermark = candidate;
    }
    return watermark;
  }
}
