package io.streamlake.generators.ticketing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.events.ticketing.PaymentStatus;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.ticketing.TicketingScenario.Outcome;
import io.streamlake.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TicketingScenarioTest {
  private static final TicketingScenario SCENARIO = new TicketingScenario();
  private static final GeneratorConfig CONFIG = GeneratorConfig.builder().seed(11).rate(20).events(10_000).build();

  private static List<Emission> emissions(GeneratorConfig config) {
    List<Emission> out = new ArrayList<>();
    SCENARIO.emissions(config).forEachRemaining(out::add);
    return out;
  }

  /** Ids are zero-padded to eight digits and grow past them, also beyond the int range. */
  @Test
  void bookingIdsAreZeroPaddedDecimals() {
    for (long n : new long[] {0, 7, 12_345_678, 99_999_999, 100_000_000, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L,
        12_345_678_901L, Long.MAX_VALUE}) {
      String digits = Long.toString(n);
      assertEquals("bk-" + "0".repeat(Math.max(0, 8 - digits.length())) + digits, TicketingScenario.bookingId(n));
    }
  }

  @Test
  void oneBookingPerEventInEventTimeOrder() {
    List<Emission> all = emissions(CONFIG);
    assertEquals(CONFIG.events(), all.stream().filter(e -> e.topic() == Topics.BOOKINGS).count());
    for (int i = 1; i < all.size(); i++) {
      assertFalse(all.get(i).eventTime().isBefore(all.get(i - 1).eventTime()), "out of order at " + i);
    }
    Set<String> ids = new HashSet<>();
    all.forEach(e -> assertTrue(ids.add(((org.apache.avro.specific.SpecificRecordBase) e.value()).get("event_id").toString()),
        "event ids are unique"));
  }

  @Test
  void eventIsAPureFunctionOfSeedAndNumber() {
    assertEquals(SCENARIO.event(CONFIG, 1234), SCENARIO.event(CONFIG, 1234));
    assertEquals(emissions(CONFIG.toBuilder().events(500).build()), emissions(CONFIG.toBuilder().events(500).build()));
    assertFalse(SCENARIO.booking(CONFIG, 5).equals(SCENARIO.booking(CONFIG.toBuilder().seed(12).build(), 5)));
  }

  @Test
  void paymentsReferToBookingsAndFollowTheirOutcome() {
    Map<String, Booking> bookings = new HashMap<>();
    Map<String, List<Payment>> payments = new HashMap<>();
    int orphans = 0;
    for (Emission e : emissions(CONFIG)) {
      if (e.value() instanceof Booking b) {
        bookings.put(b.getBookingId(), b);
      } else if (e.value() instanceof Payment p) {
        if (p.getBookingId().startsWith("bk-orphan")) {
          orphans++;
        } else {
          assertTrue(bookings.containsKey(p.getBookingId()), "payment before or without its booking");
          payments.computeIfAbsent(p.getBookingId(), k -> new ArrayList<>()).add(p);
        }
      }
    }
    assertTrue(orphans > 0 && orphans < CONFIG.events() * 0.02, "a few orphans: " + orphans);
    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    long window = Duration.ofMinutes(15).toMillis();
    for (long n = 0; n < CONFIG.events(); n++) {
      Booking b = bookings.get(TicketingScenario.bookingId(n));
      List<Payment> ps = payments.getOrDefault(b.getBookingId(), List.of());
      Outcome outcome = SCENARIO.outcome(CONFIG, n);
      outcomes.merge(outcome, 1, Integer::sum);
      long successes = ps.stream().filter(p -> p.getStatus() == PaymentStatus.SUCCESS).count();
      boolean allInWindow = ps.stream().allMatch(p -> p.getPaidAt().toEpochMilli() - b.getBookedAt().toEpochMilli() <= window);
      switch (outcome) {
        case PAID -> assertTrue(ps.size() == 1 && successes == 1 && allInWindow);
        case FAILED_THEN_PAID -> assertTrue(ps.size() == 2 && successes == 1 && allInWindow
            && ps.get(0).getStatus() == PaymentStatus.FAILED);
        case ONLY_FAILED -> assertTrue(!ps.isEmpty() && successes == 0 && allInWindow);
        case PAID_TOO_LATE -> assertTrue(ps.size() == 1 && !allInWindow);
        case UNPAID -> assertTrue(ps.isEmpty());
      }
      ps.forEach(p -> assertEquals(b.getAmountMinor(), p.getAmountMinor()));
      assertEquals(b.getSeats() * b.getUnitPriceMinor(), b.getAmountMinor());
    }
    assertEquals(0.78, outcomes.get(Outcome.PAID) / (double) CONFIG.events(), 0.02);
    assertEquals(0.07, outcomes.get(Outcome.UNPAID) / (double) CONFIG.events(), 0.01);
  }

  /** What the queue computes again for a waiting payment is exactly that emission of the whole event. */
  @Test
  void oneEmissionEqualsThatEmissionOfTheWholeEvent() {
    Set<Integer> sizes = new HashSet<>();
    for (long n = 0; n < 5_000; n++) {
      List<Emission> event = SCENARIO.event(CONFIG, n);
      sizes.add(event.size());
      for (int i = 0; i < event.size(); i++) {
        assertEquals(event.get(i), SCENARIO.emission(CONFIG, n, i), "event " + n + " emission " + i);
      }
      int past = event.size();
      long m = n;
      assertThrows(IndexOutOfBoundsException.class, () -> SCENARIO.emission(CONFIG, m, past));
    }
    assertEquals(Set.of(1, 2, 3, 4), sizes, "bookings with 0 to 3 payments, orphans included");
  }
}
