package io.streamlake.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class EventTimePolicyTest {
  private static final Duration MAX_DELAY = Duration.standardSeconds(30);
  private static final Duration IDLE = Duration.standardSeconds(60);
  private static final Instant T = Instant.parse("2026-05-01T12:00:00Z");

  private static final class Context extends TimestampPolicy.PartitionContext {
    long backlog;
    Instant checkTime;

    @Override
    public long getMessageBacklog() {
      return backlog;
    }

    @Override
    public Instant getBacklogCheckTime() {
      return checkTime;
    }
  }

  private static KafkaRecord<byte[], byte[]> record(Instant ts) {
    return new KafkaRecord<>("t", 0, 0, ts.getMillis(), KafkaTimestampType.CREATE_TIME, null, KV.of(null, new byte[0]));
  }

  @Test
  void watermarkTrailsTheHighestEventTimeByTheOutOfOrderBound() {
    EventTimePolicy policy = new EventTimePolicy(MAX_DELAY, IDLE, Optional.empty());
    Context ctx = new Context();
    ctx.backlog = 100;
    ctx.checkTime = T;
    assertEquals(T.minus(Duration.standardMinutes(5)), policy.getTimestampForRecord(ctx, record(T.minus(Duration.standardMinutes(5)))));
    policy.getTimestampForRecord(ctx, record(T));
    policy.getTimestampForRecord(ctx, record(T.minus(Duration.standardSeconds(10))));
    assertEquals(T.minus(MAX_DELAY), policy.getWatermark(ctx));
  }

  @Test
  void idlePartition() {
    // a partition that is caught up follows the wall clock, so it does not hold the pipeline back
    EventTimePolicy idle = new EventTimePolicy(MAX_DELAY, IDLE, Optional.empty());
    Context ctx = new Context();
    ctx.backlog = 0;
    ctx.checkTime = T;
    assertEquals(T.minus(MAX_DELAY).minus(IDLE), idle.getWatermark(ctx));
    ctx.checkTime = T.plus(Duration.standardMinutes(10));
    assertEquals(T.plus(Duration.standardMinutes(10)).minus(MAX_DELAY).minus(IDLE), idle.getWatermark(ctx));
    // KafkaIO's SDF reader reports a backlog of 1 when caught up
    ctx.backlog = 1;
    ctx.checkTime = T.plus(Duration.standardMinutes(11));
    assertEquals(T.plus(Duration.standardMinutes(11)).minus(MAX_DELAY).minus(IDLE), idle.getWatermark(ctx));
  }

  @Test
  void aPartitionWithBacklogIsNeverAdvancedByTheWallClock() {
    EventTimePolicy busy = new EventTimePolicy(MAX_DELAY, IDLE, Optional.empty());
    Context ctx = new Context();
    ctx.backlog = 5000;
    ctx.checkTime = T.plus(Duration.standardDays(1));
    busy.getTimestampForRecord(ctx, record(T));
    assertEquals(T.minus(MAX_DELAY), busy.getWatermark(ctx));
  }

  @Test
  void theWatermarkNeverMovesBack() {
    EventTimePolicy rebuilt = new EventTimePolicy(MAX_DELAY, IDLE, Optional.of(T));
    Context ctx = new Context();
    ctx.backlog = 10;
    ctx.checkTime = T;
    rebuilt.getTimestampForRecord(ctx, record(T.minus(Duration.standardMinutes(1))));
    assertEquals(T, rebuilt.getWatermark(ctx));
    EventTimePolicy fresh = new EventTimePolicy(MAX_DELAY, IDLE, Optional.empty());
    ctx.backlog = 10;
    assertEquals(BoundedWindow.TIMESTAMP_MIN_VALUE, fresh.getWatermark(ctx), "no data, backlog: no progress yet");
  }
}
