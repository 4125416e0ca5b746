package io.streamlake.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.Test;

/** Decoding: every record comes out once, decoded with its event time or as a dead letter with the reason. */
class DecodeRecordsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private static Booking booking(String id, Instant at) {
    return new Booking("ev-" + id, id, "u-1", "sh-hamlet", "Hamlet", "Globe Theatre", "London", 2, 4500L, 9000L,
        "EUR", at, "web");
  }

  private static TimestampedValue<RawRecord> raw(long offset, byte[] value) {
    RawRecord r = new RawRecord("bookings", 0, offset, "k".getBytes(StandardCharsets.UTF_8), value, T0.toEpochMilli());
    return TimestampedValue.of(r, org.joda.time.Instant.ofEpochMilli(T0.toEpochMilli()));
  }

  /** Emits {@code name(element) + "@" + Beam timestamp}, for the test to compare with the time it expects. */
  private static final class NameAndTimestamp<T> extends DoFn<T, String> {
    private final org.apache.beam.sdk.transforms.SerializableFunction<T, Object> name;

    NameAndTimestamp(org.apache.beam.sdk.transforms.SerializableFunction<T, Object> name) {
      this.name = name;
    }

    @ProcessElement
    public void process(@Element T element, @Timestamp org.joda.time.Instant ts, OutputReceiver<String> out) {
      out.output(name.apply(element) + "@" + ts.getMillis());
    }
  }

  /** A decoded booking's id and Beam timestamp. */
  private static NameAndTimestamp<Booking> idAndTimestamp() {
    return new NameAndTimestamp<>(Booking::getBookingId);
  }

  @Test
  void anEventTimeBeamCannotCarryIsADeadLetterNotACrash() {
    // nanoseconds written into the millisecond field (a foreign producer's mistake), and the far past
    Instant nanosAsMillis = Instant.ofEpochMilli(T0.toEpochMilli() * 1_000_000L);
    Instant farPast = Instant.ofEpochMilli(-Long.MAX_VALUE / 2);
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<RawRecord> input = p.apply(Create.timestamped(List.of(
        raw(1, Topics.BOOKINGS.codec().encode(booking("b-ok", T0))),
        raw(2, Topics.BOOKINGS.codec().encode(booking("b-nanos", nanosAsMillis))),
        raw(3, Topics.BOOKINGS.codec().encode(booking("b-past", farPast))),
        raw(4, "not avro".getBytes(StandardCharsets.UTF_8)))));
    DecodeRecords<Booking> decode = DecodeRecords.of(Topics.BOOKINGS, Booking::getBookedAt);
    PCollectionTuple out = input.apply(decode);
    Collected<String> decoded = Collected.of(out.get(decode.decoded()).apply(ParDo.of(idAndTimestamp())), "decoded");
    Collected<DeadLetter> dead = Collected.of(out.get(decode.failures()), "dead");
    PipelineResult result = p.run();
    result.waitUntilFinish();

    assertEquals(List.of("b-ok@" + T0.toEpochMilli()), decoded.get());
    Map<Long, String> reasons = new java.util.TreeMap<>();
    dead.get().forEach(d -> reasons.put(d.getSourceOffset(), d.getError()));
    assertEquals(List.of(2L, 3L, 4L), List.copyOf(reasons.keySet()), "every bad record is a dead letter: " + reasons);
    assertTrue(reasons.get(2L).contains("event time") && reasons.get(2L).contains(nanosAsMillis.toString()),
        reasons.get(2L));
    assertTrue(reasons.get(3L).contains("outside the event times"), reasons.get(3L));
    Map<String, Long> counters = Preflight.counters(result);
    assertEquals(1L, counters.get("decode:bookings_decoded"));
    assertEquals(3L, counters.get("decode:bookings_dead_letter"));
  }

  @Test
  void anEventFarAheadOfTheWallClockIsADeadLetterPlacedAtItsDecoding() {
    // a producer whose clock is two hours fast, one a few minutes fast; the default skew allows an hour
    Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Instant twoHoursAhead = before.plus(java.time.Duration.ofHours(2));
    Instant minutesAhead = before.plus(java.time.Duration.ofMinutes(10));
    List<TimestampedValue<RawRecord>> records = List.of(
        raw(1, Topics.BOOKINGS.codec().encode(booking("b-ahead", twoHoursAhead))),
        raw(2, Topics.BOOKINGS.codec().encode(booking("b-near", minutesAhead))));
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    DecodeRecords<Booking> decode = DecodeRecords.of(Topics.BOOKINGS, Booking::getBookedAt);
    PCollectionTuple out = p.apply("Records", Create.timestamped(records)).apply("Default", decode);
    Collected<String> decoded = Collected.of(out.get(decode.decoded()).apply(ParDo.of(idAndTimestamp())), "near");
    Collected<DeadLetter> dead = Collected.of(out.get(decode.failures()), "ahead");
    Collected<String> deadAt = Collected.of(out.get(decode.failures()).apply(ParDo.of(new NameAndTimestamp<>(DeadLetter::getSourceOffset))),
        "aheadAt");
    // the check off: both decode
    DecodeRecords<Booking> unchecked = DecodeRecords.of(Topics.BOOKINGS, Booking::getBookedAt)
        .withMaxFutureSkew(java.time.Duration.ZERO);
    PCollectionTuple all = p.apply("Again", Create.timestamped(records)).apply("Unchecked", unchecked);
    Collected<String> allDecoded = Collected.of(all.get(unchecked.decoded()).apply("Ids", ParDo.of(idAndTimestamp())),
        "all");
    p.run().waitUntilFinish();
    Instant after = Instant.now();

    assertEquals(List.of("b-near@" + minutesAhead.toEpochMilli()), decoded.get());
    assertEquals(1, dead.get().size(), dead.get().toString());
    DeadLetter d = dead.get().get(0);
    assertEquals(1L, d.getSourceOffset());
    assertTrue(d.getError().contains("ahead of the wall clock") && d.getError().contains(twoHoursAhead.toString())
        && d.getError().contains("--maxFutureSkewMinutes=60"), d.getError());
    long placedAt = Long.parseLong(deadAt.get().get(0).split("@")[1]);
    assertTrue(placedAt >= before.toEpochMilli() && placedAt <= after.toEpochMilli(),
        "the dead letter is stamped when it was decoded, not at its bogus event time: " + Instant.ofEpochMilli(placedAt));
    assertEquals(2, allDecoded.get().size(), allDecoded.get().toString());
    assertTrue(allDecoded.get().contains("b-ahead@" + twoHoursAhead.toEpochMilli()), allDecoded.get().toString());
  }
}
