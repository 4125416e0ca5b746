package io.streamlake.pipelines.join;

import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.events.ticketing.PaymentMethod;
import io.streamlake.events.ticketing.PaymentStatus;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.TimestampedValue;

/** Small builders for join test events. */
final class JoinFixtures {
  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final AtomicLong OFFSETS = new AtomicLong();

  private JoinFixtures() {}

  static BookingJoinPipeline.Options options() {
    BookingJoinPipeline.Options o = PipelineOptionsFactory.as(BookingJoinPipeline.Options.class);
    o.setPaymentWindowMinutes(15L);
    o.setAllowedLatenessMinutes(5L);
    o.setWriteKafka(false);
    o.setWriteWarehouse(false);
    return o;
  }

  static Booking booking(String id, Instant at) {
    return new Booking("ev-" + id, id, "u-1", "sh-hamlet", "Hamlet", "Globe Theatre", "London", 2, 4500L, 9000L,
        "EUR", at, "web");
  }

  static Payment payment(String id, String bookingId, PaymentStatus status, int attempt, Instant at) {
    return new Payment("ev-" + id, id, bookingId, 9000L, "EUR", PaymentMethod.CARD, status, attempt, at);
  }

  static Instant at(Duration offset) {
    return T0.plus(offset);
  }

  static Instant minutes(long m) {
    return T0.plus(Duration.ofMinutes(m));
  }

  /** The Kafka record our producers would write for a booking. */
  static TimestampedValue<RawRecord> raw(Booking b) {
    return raw("bookings", b.getBookingId(), Topics.BOOKINGS.codec().encode(b), b.getBookedAt());
  }

  static TimestampedValue<RawRecord> raw(Payment p) {
    return raw("payments", p.getBookingId(), Topics.PAYMENTS.codec().encode(p), p.getPaidAt());
  }

  static TimestampedValue<RawRecord> raw(String topic, String key, byte[] value, Instant at) {
    RawRecord r = new RawRecord(topic, 0, OFFSETS.incrementAndGet(), key.getBytes(StandardCharsets.UTF_8), value,
        at.toEpochMilli());
    return TimestampedValue.of(r, org.joda.time.Instant.ofEpochMilli(at.toEpochMilli()));
  }

  static org.joda.time.Instant wm(Instant at) {
    return org.joda.time.Instant.ofEpochMilli(at.toEpochMilli());
  }
}
