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

  /** An EmissionQueue and a PriorityQueue (event time, then insertion order) fed the same emissions. */
  private static final class Pair {
    final List<Emission> made = new ArrayList<>();
    final EmissionQueue queue = new EmissionQueue((n, i) -> made.get((int) n));
    final PriorityQueue<Ref> reference = new PriorityQueue<>(
        Comparator.comparing((Ref r) -> r.emission().eventTime()).thenComparingLong(Ref::sequence));
    long sequence;

    void add(Instant t) {
      Emission e = at(t);
      made.add(e);
      queue.add(e, made.size() - 1, 0);
      reference.add(new Ref(e, sequence++));
    }

    /** Polls both: the same emission must come out. */
    void pollBoth() {
      assertSame(reference.poll().emission(), queue.poll());
    }

    /** Polls both until empty; both must be. */
    void drain() {
      while (!reference.isEmpty()) {
        pollBoth();
      }
      assertTrue(queue.isEmpty());
    }
  }

  private static Emission at(Instant t) {
    return Emission.of(Topics.BOOKINGS, BOOKING, t);
  }

  /**
   * Random adds and polls, with ties, sub-millisecond times and times far apart (up to hours, past
   * the queue's ring of seconds, and into the past), against a PriorityQueue.
   */
  @Test
  void takesEmissionsOutInEventTimeThenInsertionOrderLikeAPriorityQueue() {
    for (long seed = 0; seed < 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      Pair both = new Pair();
      for (int step = 0; step < 20_000; step++) {
        if (both.reference.isEmpty() || rnd.nextInt(3) > 0) {
          Instant t = switch (rnd.nextInt(5)) {
            case 0 -> BASE.plusSeconds(rnd.nextInt(5)); // many ties
            case 1 -> BASE.plusMillis(rnd.nextLong(3_600_000));
            case 2 -> BASE.plusNanos(rnd.nextLong(10_000_000_000L)); // below a millisecond
            case 3 -> BASE.plusSeconds(rnd.nextInt(6 * 3600)).plusMillis(rnd.nextInt(3)); // beyond the ring
            default -> BASE.minusSeconds(rnd.nextInt(1000)).plusMillis(rnd.nextInt(1000));
          };
          both.add(t);
        } else {
          Instant probe = both.reference.peek().emission().eventTime();
          assertFalse(both.queue.headBefore(probe));
          assertTrue(both.queue.headBefore(probe.plusNanos(1)));
          both.pollBoth();
        }
        assertEquals(both.reference.isEmpty(), both.queue.isEmpty());
      }
      both.drain();
    }
  }

  /**
   * The edges of the queue's ring of later seconds (an hour and more): a second first added
   * beyond the ring's reach and then again once the ring reaches it keeps one list, in time order;
   * seconds before the first one added do not move the ring back onto seconds it already holds.
   */
  @Test
  void secondsBeyondTheRingAndBeforeTheFirstKeepTheirOrder() {
    Pair farThenNear = new Pair();
    farThenNear.add(BASE);
    farThenNear.add(BASE.plusSeconds(2000));
    farThenNear.add(BASE.plusSeconds(5000).plusMillis(100)); // beyond the ring: 5000 s ahead of BASE
    farThenNear.pollBoth(); // BASE
    farThenNear.pollBoth(); // 2000 s: the ring now reaches 5000 s
    farThenNear.add(BASE.plusSeconds(5000).plusMillis(500));
    farThenNear.add(BASE.plusSeconds(5000).plusMillis(50));
    farThenNear.drain();

    Pair earlierThanFirst = new Pair();
    earlierThanFirst.add(BASE.plusSeconds(100));
    earlierThanFirst.add(BASE); // before the first second added
    earlierThanFirst.add(BASE.plusSeconds(4100));
    earlierThanFirst.pollBoth(); // BASE
    earlierThanFirst.add(BASE.plusSeconds(4)); // 4096 s before 4100 s
    earlierThanFirst.add(BASE.plusSeconds(4196)); // 4096 s after 100 s
    earlierThanFirst.drain();
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
      Pair both = new Pair();
      for (int event = 0; event < 30_000; event++) {
        Instant own = BASE.plusMillis(event);
        while (!both.reference.isEmpty() && both.reference.peek().emission().eventTime().isBefore(own)) {
          assertTrue(both.queue.headBefore(own));
          both.pollBoth();
        }
        int emissions = 1 + rnd.nextInt(3);
        for (int i = 0; i < emissions; i++) {
          Instant t = switch (i == 0 ? 0 : rnd.nextInt(3)) {
            case 0 -> own;
            case 1 -> own.plusMillis(rnd.nextInt(900));
            default -> own.plusMillis(rnd.nextInt(200_000));
          };
          both.add(t);
        }
      }
      both.drain();
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
