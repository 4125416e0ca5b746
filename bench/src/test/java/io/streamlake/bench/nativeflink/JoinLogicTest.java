package io.streamlake.bench.nativeflink;

import static io.streamlake.bench.nativeflink.Events.booking;
import static io.streamlake.bench.nativeflink.Events.payment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.BookingFact;
import io.streamlake.events.ticketing.BookingStatus;
import io.streamlake.events.ticketing.PaymentStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class JoinLogicTest {
  private static final long WINDOW = 15 * 60_000;

  @Test
  void paidTakesTheEarliestSuccess() {
    Booking b = booking("b1", 0);
    BookingFact f = JoinLogic.fact(b, List.of(payment("p2", "b1", PaymentStatus.SUCCESS, 9),
        payment("p1", "b1", PaymentStatus.FAILED, 2), payment("p3", "b1", PaymentStatus.SUCCESS, 4)));
    assertEquals(BookingStatus.PAID, f.getStatus());
    assertEquals(3, f.getAttempts());
    assertEquals("p3", f.getPaymentId());
    assertEquals(4 * 60_000L, f.getPaymentDelayMs());
  }

  @Test
  void onlyFailedAttemptsArePaymentFailed() {
    BookingFact f = JoinLogic.fact(booking("b1", 0), List.of(payment("p1", "b1", PaymentStatus.FAILED, 2)));
    assertEquals(BookingStatus.PAYMENT_FAILED, f.getStatus());
    assertNull(f.getPaymentId());
  }

  @Test
  void noAttemptIsUnpaid() {
    assertEquals(BookingStatus.UNPAID, JoinLogic.fact(booking("b1", 0), List.of()).getStatus());
  }

  @Test
  void windowIsClosedAtBothEnds() {
    Booking b = booking("b1", 10);
    assertTrue(JoinLogic.inWindow(b, payment("p", "b1", PaymentStatus.SUCCESS, 10), WINDOW));
    assertTrue(JoinLogic.inWindow(b, payment("p", "b1", PaymentStatus.SUCCESS, 25), WINDOW));
    assertFalse(JoinLogic.inWindow(b, payment("p", "b1", PaymentStatus.SUCCESS, 25.001), WINDOW));
    assertFalse(JoinLogic.inWindow(b, payment("p", "b1", PaymentStatus.SUCCESS, 9.999), WINDOW));
  }

  @Test
  void orphanReasonsReadAsTheBeamJoinWritesThem() {
    assertEquals("paid 1200 s after booking b1, outside the payment window of 900 s",
        JoinLogic.outsideWindow(booking("b1", 0), payment("p", "b1", PaymentStatus.SUCCESS, 20), WINDOW));
    assertEquals("orphan: booking b9 did not arrive by paid_at + allowed lateness (300 s)",
        JoinLogic.orphan(payment("p", "b9", PaymentStatus.SUCCESS, 1), JoinLogic.noBooking(
            payment("p", "b9", PaymentStatus.SUCCESS, 1), 300_000)).getError());
  }
}
