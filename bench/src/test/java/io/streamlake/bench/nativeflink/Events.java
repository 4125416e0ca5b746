package io.streamlake.bench.nativeflink;

import io.streamlake.events.shop.HttpMethod;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.events.ticketing.PaymentMethod;
import io.streamlake.events.ticketing.PaymentStatus;
import java.time.Duration;
import java.time.Instant;

/** Small event fixtures: times are minutes after {@link #T0}. */
final class Events {
  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private Events() {}

  static Instant at(double minutes) {
    return T0.plus(Duration.ofMillis((long) (minutes * 60_000)));
  }

  static Booking booking(String id, double minutes) {
    return new Booking("e-" + id, id, "u-" + id, "sh-hamlet", "Hamlet", "Globe Theatre", "London", 2, 4500L, 9000L,
        "GBP", at(minutes), "web");
  }

  static Payment payment(String id, String bookingId, PaymentStatus status, double minutes) {
    return new Payment("e-" + id, id, bookingId, 9000L, "GBP", PaymentMethod.CARD, status, 1, at(minutes));
  }

  static PageView view(String id, HttpMethod method, int status, int latencyMs, double minutes) {
    return new PageView("e-" + id, "u-1", "s-1", "/", method, status, latencyMs, at(minutes));
  }
}
