package io.streamlake.generators.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.ticketing.Booking;
import io.streamlake.generators.ticketing.TicketingScenario;
import io.streamlake.schemas.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class EmissionQueueTest {
  private static final Booking BOOKING =
      new TicketingScenario().booking(GeneratorConfig.builder().build(), 0);
  private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

  private record Ref(Emission emission, long sequence) {}

  private static Emission at(Instant t) {
    return Emission.of(Topics.BOOKINGS, BOOKING, t);
  }

  /** Random adds and polls, with ties, sub-millisecond times and times far apart, against a PriorityQueue. */
  @Test
  void takesEmissionsOutInEventTimeThenInsertionOrderLikeAPriorityQueue() {
    for (long seed = 0; seed < 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      List<Emission> made = new ArrayList<>();
      EmissionQueue queue = new EmissionQueue((n, i) -> made.get((int) n));
      PriorityQueue<Ref> reference = new PriorityQueue<>(
          Comparator.comparing((Ref r) -> r.emission().eventTime()).thenComparingLong(Ref::sequence));
      long sequence = 0;
      for (int step = 0; step < 20_000; step++) {
        if (reference.isEmpty() || rnd.nextInt(3) > 0) {
          Instant t = switch (rnd.nextInt(4)) {
            case 0 -> BASE.plusSeconds(rnd.nextInt(5)); // many ties
            case 1 -> BASE.plusMillis(rnd.nextLong(3_600_000));
            case 2 -> BASE.plusNanos(rnd.nextLong(10_000_000_000L)); // below a millisecond
            default -> BASE.minusSeconds(rnd.nextInt(1000)).plusMillis(rnd.nextInt(1000));
          };
          Emission e = at(t);
          made.add(e);
          queue.add(e, made.size() - 1, 0);
          reference.add(new Ref(e, sequence++));
        } else {
          Instant probe = reference.peek().emission().eventTime();
          assertFalse(queue.headBefore(probe));
          assertTrue(queue.headBefore(probe.plusNanos(1)));
          assertSame(reference.poll().emission(), queue.poll());
        }
        assertEquals(reference.isEmpty(), queue.isEmpty());
      }
      while (!reference.isEmpty()) {
        assertSame(reference.poll().emission(), queue.poll());
      }
      assertTrue(queue.isEmpty());
    }
  }

  /**
   * The generators' shape: times rising a millisecond per event, each event with emissions a few
   * hundred milliseconds ahead (into the in-order run, then moved to the heap) and seconds to
   * minutes ahead (waiting), polled as the generator does; against a PriorityQueue.
   */
  @Test
  void risingTimesWithEmissionsAheadComeOutLikeAPriorityQueue() {
    for (long seed = 0; seed < 10; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      List<Emission> made = new ArrayList<>();
      EmissionQueue queue = new EmissionQueue((n, i) -> made.get((int) n));
      PriorityQueue<Ref> reference = new PriorityQueue<>(
          Comparator.comparing((Ref r) -> r.emission().eventTime()).thenComparingLong(Ref::sequence));
      long sequence = 0;
      for (int event = 0; event < 30_000; event++) {
        Instant own = BASE.plusMillis(event);
        while (!reference.isEmpty() && reference.peek().emission().eventTime().isBefore(own)) {
          assertTrue(queue.headBefore(own));
          assertSame(reference.poll().emission(), queue.poll());
        }
        int emissions = 1 + rnd.nextInt(3);
        for (int i = 0; i < emissions; i++) {
          Instant t = switch (i == 0 ? 0 : rnd.nextInt(3)) {
            case 0 -> own;
            case 1 -> own.plusMillis(rnd.nextInt(900));
            default -> own.plusMillis(rnd.nextInt(200_000));
          };
          Emission e = at(t);
          made.add(e);
          queue.add(e, made.size() - 1, 0);
          reference.add(new Ref(e, sequence++));
        }
      }
      while (!reference.isEmpty()) {
        assertSame(reference.poll().emission(), queue.poll());
      }
      assertTrue(queue.isEmpty());
    }
  }

  /**
   * An emission that waits for a later second is kept as (event, index) and computed again from
   * its event when due: equal to the one added, a new object, and in the same order.
   */
  @Test
  void waitingEmissionsAreComputedAgainFromTheirEvent() {
    int[] calls = new int[1];
    // event n: one emission in second n, one in second n + 2, in the same fixed order each time
    LongFunction<List<Emission>> events = n -> {
      calls[0]++;
      return List.of(at(BASE.plusSeconds(n)), at(BASE.plusSeconds(n + 2).plusMillis(n)));
    };
    EmissionQueue queue = new EmissionQueue((n, i) -> events.apply(n).get(i));
    List<Emission> added = new ArrayList<>();
    for (long n = 0; n < 5; n++) {
      List<Emission> emissions = events.apply(n);
      for (int i = 0; i < emissions.size(); i++) {
        queue.add(emissions.get(i), n, i);
        added.add(emissions.get(i));
      }
    }
    List<Emission> expected = new ArrayList<>(added);
    expected.sort(Comparator.comparing(Emission::eventTime)); // stable: ties keep insertion order
    int before = calls[0];
    for (Emission want : expected) {
      Emission got = queue.poll();
      assertEquals(want, got);
      assertNotSame(want, got, "a waiting emission is computed again, not kept");
    }
    assertTrue(queue.isEmpty());
    assertTrue(calls[0] > before, "events were computed again");
  }
}
