package io.streamlake.pipelines.common;

import java.util.Optional;
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
 * <p>The policy object is rebuilt by KafkaIO from time to time; it keeps the previous watermark as
 * its floor, so the watermark never moves back.
 */
public final class EventTimePolicy extends TimestampPolicy<byte[], byte[]> {
  private final Duration maxOutOfOrder;
  private final Duration idleTimeout;
  private Instant maxEventTime = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private Instant watermark;

  EventTimePolicy(Duration maxOutOfOrder, Duration idleTimeout, Optional<Instant> previousWatermark) {
    this.maxOutOfOrder = maxOutOfOrder;
    this.idleTimeout = idleTimeout;
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /** A factory for KafkaIO. */
  public static TimestampPolicyFactory<byte[], byte[]> factory(Duration maxOutOfOrder, Duration idleTimeout) {
    return (TopicPartition tp, Optional<Instant> previous) -> new EventTimePolicy(maxOutOfOrder, idleTimeout, previous);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    Instant ts = new Instant(record.getTimestamp());
    if (ts.isAfter(maxEventTime)) {
      maxEventTime = ts;
    }
    return ts;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    Instant candidate = maxEventTime.equals(BoundedWindow.TIMESTAMP_MIN_VALUE)
        ? watermark : maxEventTime.minus(maxOutOfOrder);
    // KafkaIO's SDF read reports a backlog of 1 for a caught-up partition, so <= 1 means "caught up".
    if (ctx.getMessageBacklog() <= 1 && ctx.getBacklogCheckTime() != null) {
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
