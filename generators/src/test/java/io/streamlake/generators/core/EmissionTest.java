package io.streamlake.generators.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamlake.events.ticketing.Booking;
import io.streamlake.generators.ticketing.TicketingScenario;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EmissionTest {
  private static final GeneratorConfig CONFIG = GeneratorConfig.builder().build();
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  /** A deferred value is made when first asked for, once, and the emission then equals an eager one. */
  @Test
  void deferredValueIsMadeOnceWhenFirstAskedFor() {
    Booking booking = new TicketingScenario().booking(CONFIG, 7);
    int[] made = new int[1];
    Emission deferred = Emission.deferred(Topics.BOOKINGS, AT, () -> {
      made[0]++;
      return booking;
    });
    assertEquals(AT, deferred.eventTime());
    assertSame(Topics.BOOKINGS, deferred.topic());
    assertEquals(0, made[0], "not made for the time or the topic");
    Emission eager = Emission.of(Topics.BOOKINGS, booking, AT);
    assertArrayEquals(eager.encodeValue(), deferred.encodeValue());
    assertEquals(eager.key(), deferred.key());
    assertEquals(eager, deferred);
    assertEquals(eager.hashCode(), deferred.hashCode());
    assertEquals(1, made[0], "made once");
  }

  /** A value that does not belong on the topic is refused, deferred or not. */
  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void valueOfAnotherTopicIsRefused() {
    Booking booking = new TicketingScenario().booking(CONFIG, 1);
    Topic payments = Topics.PAYMENTS;
    assertThrows(IllegalArgumentException.class, () -> Emission.of(payments, booking, AT));
    Emission deferred = Emission.deferred(payments, AT, () -> booking);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, deferred::value);
    assertEquals("Booking does not belong on topic " + Topics.PAYMENTS, e.getMessage());
  }
}
