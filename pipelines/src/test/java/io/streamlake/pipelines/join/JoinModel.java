package io.streamlake.pipelines.join;

import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.BookingStatus;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.events.ticketing.PaymentStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plain-Java reference model of the join for data that arrives within the allowances: what facts
 * and orphans the pipeline must produce, computed directly from the events.
 */
final class JoinModel {
  /** The parts of a fact the model decides. */
  record Fact(String bookingId, BookingStatus status, int attempts, String paymentId, Long delayMs) {}

  final Map<String, Fact> facts = new LinkedHashMap<>();
  final Set<String> orphanPaymentIds = new TreeSet<>();
  long duplicates;
  long matchedPayments;

  static JoinModel of(List<Booking> bookingsIn, List<Payment> paymentsIn, Duration window) {
    JoinModel m = new JoinModel();
    Map<String, Booking> bookings = new HashMap<>();
    for (Booking b : bookingsIn) {
      if (bookings.putIfAbsent(b.getBookingId(), b) != null) {
        m.duplicates++;
      }
    }
    Map<String, Payment> payments = new LinkedHashMap<>();
    for (Payment p : paymentsIn) {
      if (payments.putIfAbsent(p.getPaymentId(), p) != null) {
        m.duplicates++;
      }
    }
    Map<String, List<Payment>> byBooking = new HashMap<>();
    for (Payment p : payments.values()) {
      Booking b = bookings.get(p.getBookingId());
      long delay = b == null ? -1 : p.getPaidAt().toEpochMilli() - b.getBookedAt().toEpochMilli();
      if (b == null || delay < 0 || delay > window.toMillis()) {
        m.orphanPaymentIds.add(p.getPaymentId());
      } else {
        byBooking.computeIfAbsent(b.getBookingId(), k -> new ArrayList<>()).add(p);
        m.matchedPayments++;
      }
    }
    for (Booking b : bookings.values()) {
      List<Payment> ps = byBooking.getOrDefault(b.getBookingId(), List.of());
      Payment first = null;
      for (Payment p : ps) {
        if (p.getStatus() == PaymentStatus.SUCCESS && (first == null || p.getPaidAt().isBefore(first.getPaidAt()))) {
          first = p;
        }
      }
      BookingStatus status = first != null ? BookingStatus.PAID : ps.isEmpty() ? BookingStatus.UNPAID : BookingStatus.PAYMENT_FAILED;
      m.facts.put(b.getBookingId(), new Fact(b.getBookingId(), status, ps.size(),
          first == null ? null : first.getPaymentId(),
          first == null ? null : first.getPaidAt().toEpochMilli() - b.getBookedAt().toEpochMilli()));
    }
    return m;
  }
}
