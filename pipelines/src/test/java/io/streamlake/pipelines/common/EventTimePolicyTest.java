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

  /** A policy with the default future skew (an hour) whose wall clock is {@code T}. */
  private static EventTimePolicy policy(Optional<Instant> previous) {
    return new EventTimePolicy(MAX_DELAY, IDLE, Duration.standardHours(1), () -> T, previous);
  }

  /** A partition's context: its backlog, checked at {@code T}. */
  private static Context context(long backlog) {
    Context ctx = new Context();
    ctx.backlog = backlog;
    ctx.checkTime = T;
    return ctx;
  }

  private static KafkaRecord<byte[], byte[]> record(Instant ts) {
    return new KafkaRecord<>("t", 0, 0, ts.getMillis(), KafkaTimestampType.CREATE_TIME, null, KV.of(null, new byte[0]));
  }

  @Test
  void watermarkTrailsTheHighestEventTimeByTheOutOfOrderBound() {
    EventTimePolicy policy = policy(Optional.empty());
    Context ctx = context(100);
    assertEquals(T.minus(Duration.standardMinutes(5)), policy.getTimestampForRecord(ctx, record(T.minus(Duration.standardMinutes(5)))));
    policy.getTimestampForRecord(ctx, record(T));
    policy.getTimestampForRecord(ctx, record(T.minus(Duration.standardSeconds(10))));
    assertEquals(T.minus(MAX_DELAY), policy.getWatermark(ctx));
  }

  @Test
  void idlePartition() {
    // a partition that is caught up follows the wall clock, so it does not hold the pipeline back
    EventTimePolicy idle = policy(Optional.empty());
    Context ctx = context(0);
    assertEquals(T.minus(MAX_DELAY).minus(IDLE), idle.getWatermark(ctx));
    ctx.checkTime = T.plus(Duration.standardMinutes(10));
    assertEquals(T.plus(Duration.standardMinutes(10)).minus(MAX_DELAY).minus(IDLE), idle.getWatermark(ctx));
    // KafkaIO's SDF reader reports a backlog of 1 when caught up
    ctx.backlog = 1;
    ctx.checkTime = T.plus(Duration.standardMinutes(11));
    assertEquals(T.plus(Duration.standardMinutes(11)).minus(MAX_DELAY).minus(IDLE), idle.getWatermark(ctx));
  }

  @Test
  void aPartitionWhoseRecordsAreAllFarAheadStillMovesWithTheClock() {
    // a busy partition of a producer whose clock is two hours fast must not hold the pipeline back
    Instant[] now = {T};
    EventTimePolicy policy = new EventTimePolicy(MAX_DELAY, IDLE, Duration.standardHours(1), () -> now[0],
        Optional.empty());
    Context ctx = context(500);
    policy.getTimestampForRecord(ctx, record(T.plus(Duration.standardHours(2))));
    assertEquals(T.plus(Duration.standardHours(1)).minus(MAX_DELAY), policy.getWatermark(ctx));
    now[0] = T.plus(Duration.standardMinutes(10));
    policy.getTimestampForRecord(ctx, record(T.plus(Duration.standardHours(2)).plus(Duration.standardMinutes(10))));
    assertEquals(T.plus(Duration.standardMinutes(70)).minus(MAX_DELAY), policy.getWatermark(ctx));
  }

  @Test
  void anUnknownBacklogIsNotCaughtUp() {
    // the legacy reader's backlog before it knows the end offset: UNKNOWN_SIZE (-1)
    EventTimePolicy policy = policy(Optional.empty());
    Context ctx = context(-1);
    policy.getTimestampForRecord(ctx, record(T.minus(Duration.standardHours(3))));
    assertEquals(T.minus(Duration.standardHours(3)).minus(MAX_DELAY), policy.getWatermark(ctx));
  }

  @Test
  void aPartitionWithBacklogIsNeverAdvancedByTheWallClock() {
    EventTimePolicy busy = policy(Optional.empty());
    Context ctx = new Context();
    ctx.backlog = 5000;
    ctx.checkTime = T.plus(Duration.standardDays(1));
    busy.getTimestampForRecord(ctx, record(T));
    assertEquals(T.minus(MAX_DELAY), busy.getWatermark(ctx));
  }

  @Test
  void theWatermarkNeverMovesBack() {
    EventTimePolicy rebuilt = policy(Optional.of(T));
    Context ctx = context(10);
    rebuilt.getTimestampForRecord(ctx, record(T.minus(Duration.standardMinutes(1))));
    assertEquals(T, rebuilt.getWatermark(ctx));
    EventTimePolicy fresh = policy(Optional.empty());
    ctx.backlog = 10;
    assertEquals(BoundedWindow.TIMESTAMP_MIN_VALUE, fresh.getWatermark(ctx), "no data, backlog: no progress yet");
  }

  @Test
  void aRecordStampedFarAheadOfTheWallClockMovesTheWatermarkOnlyToTheSkew() {
    // one record from a producer whose clock is a year fast: the partition's later records must not all be late
    EventTimePolicy policy = policy(Optional.empty());
    Context ctx = context(100);
    policy.getTimestampForRecord(ctx, record(T.minus(Duration.standardMinutes(5))));
    Instant wrong = T.plus(Duration.standardDays(365));
    assertEquals(wrong, policy.getTimestampForRecord(ctx, record(wrong)), "the record keeps its timestamp");
    assertEquals(T.plus(Duration.standardHours(1)).minus(MAX_DELAY), policy.getWatermark(ctx),
        "it moves the watermark only to the skew ahead of the clock");
    // within the skew, a record ahead of the clock counts as it is
    EventTimePolicy near = policy(Optional.empty());
    Instant ahead = T.plus(Duration.standardMinutes(59));
    near.getTimestampForRecord(ctx, record(ahead));
    assertEquals(ahead.minus(MAX_DELAY), near.getWatermark(ctx));
    // a zero skew turns the check off
    EventTimePolicy unchecked = new EventTimePolicy(MAX_DELAY, IDLE, Duration.ZERO, () -> T, Optional.empty());
    unchecked.getTimestampForRecord(ctx, record(wrong));
    assertEquals(wrong.minus(MAX_DELAY), unchecked.getWatermark(ctx));
  }
}
