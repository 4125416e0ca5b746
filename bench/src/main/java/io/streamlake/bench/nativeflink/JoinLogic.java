package io.streamlake.bench.nativeflink;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.BookingFact;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.pipelines.join.BookingPaymentJoin;
import io.streamlake.schemas.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/**
 * The booking/payment join's rules as plain Java, shared by the native Flink job's operator: the fact
 * of a booking given its payments, the window test, and the dead letters for orphan and late
 * records. Each mirrors {@code io.streamlake.pipelines.join.BookingPaymentJoin} (same fields, same
 * reason texts), so the two jobs' outputs can be compared byte for byte.
 */
public final class JoinLogic {
  /** The step name the Beam join gives its orphan and late records. */
  public static final String STEP = "JoinWithPayments";

  private JoinLogic() {}

  /** The fact of a booking given its in-window payments: the Beam join's own rule, so both sides decide alike. */
  public static BookingFact fact(Booking b, List<Payment> payments) {
    return BookingPaymentJoin.fact(b, payments);
  }

  /** A payment belongs to its booking when paid within [booked_at, booked_at + window]. */
  public static boolean inWindow(Booking b, Payment p, long windowMillis) {
    long delay = p.getPaidAt().toEpochMilli() - b.getBookedAt().toEpochMilli();
    return delay >= 0 && delay <= windowMillis;
  }

  public static String outsideWindow(Booking b, Payment p, long windowMillis) {
    long delay = p.getPaidAt().toEpochMilli() - b.getBookedAt().toEpochMilli();
    return "paid " + (delay / 1000) + " s after booking " + b.getBookingId() + ", outside the payment window of "
        + (windowMillis / 1000) + " s";
  }

  public static String noBooking(Payment p, long latenessMillis) {
    return "booking " + p.getBookingId() + " did not arrive by paid_at + allowed lateness ("
        + (latenessMillis / 1000) + " s)";
  }

  /** An orphan payment as the Beam job writes it to {@code payments-orphans}. */
  public static DeadLetter orphan(Payment p, String reason) {
    return letter(Topics.PAYMENTS.name(), Topics.PAYMENTS.codec().encode(p), "orphan: " + reason, p.getEventId());
  }

  /** A record for a closed booking, as the Beam job writes it to {@code late-events}. */
  public static DeadLetter late(Object value, String bookingId) {
    String reason = "late: booking " + bookingId + " was already closed (its payment window"
        + " plus the allowed lateness had passed) when this record arrived";
    if (value instanceof Booking b) {
      return letter(Topics.BOOKINGS.name(), Topics.BOOKINGS.codec().encode(b), reason, b.getEventId());
    }
    Payment p = (Payment) value;
    return letter(Topics.PAYMENTS.name(), Topics.PAYMENTS.codec().encode(p), reason, p.getEventId());
  }

  /** A dead letter for a record with no Kafka origin (as {@code DeadLetters.of(source, value, ...)}). */
  static DeadLetter letter(String source, byte[] value, String error, String id) {
    return new DeadLetter(source + "/" + id + "/" + STEP, source, null, null, null, ByteBuffer.wrap(value), error, STEP,
        Instant.now());
  }
}
