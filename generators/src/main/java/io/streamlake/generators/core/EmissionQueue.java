package io.streamlake.generators.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Emissions waiting for their event time, taken out in the order of {@code Instant.compareTo} on
 * the event time, ties in the order they were added: the same order as a {@code PriorityQueue}
 * over (event time, insertion number), but fast when hundreds of thousands wait (every payment of
 * the next half hour of bookings).
 *
 * <p>Emissions are kept by second of event time. Those of the seconds up to the current one are in
 * a small binary heap whose keys live in primitive arrays (a comparison reads array slots, not an
 * emission and its Instant). Later seconds wait unsorted, one list per second, and enter the heap,
 * in the order they were added, only when the heap has run dry; every emission of a later second
 * comes after every emission of an earlier one, so the heap's head is always the overall head.
 *
 * <p>A waiting emission is kept only as (event number, index in that event's emissions), and is
 * computed again from the event when its second comes: events are pure functions of their number,
 * so it is an equal emission with the same bytes. Holding half an hour of payments as objects made
 * the generator's heap large and every young collection copy them again.
 */
final class EmissionQueue {
  /** Later seconds, each with its emissions in insertion order. */
  private final TreeMap<Long, Waiting> later = new TreeMap<>();
  /** Computes a waiting emission again from (event number, index). */
  private final TimeOrderedEmissions.OneEmission emissions;
  /** The last second whose emissions go straight into the heap. */
  private long currentSecond = Long.MIN_VALUE;

  private long[] seconds = new long[1024];
  private int[] nanos = new int[1024];
  private long[] order = new long[1024];
  private Emission[] items = new Emission[1024];
  private int size;
  private long inserted;

  EmissionQueue(TimeOrderedEmissions.OneEmission emissions) {
    this.emissions = emissions;
  }

  boolean isEmpty() {
    return size == 0 && later.isEmpty();
  }

  /** Adds emission {@code index} of event {@code event}'s emissions. */
  void add(Emission e, long event, int index) {
    long second = e.eventTime().getEpochSecond();
    if (second <= currentSecond) {
      push(e);
    } else {
      later.computeIfAbsent(second, s -> new Waiting()).add(event, index);
    }
  }

  /** Whether the head's event time is strictly before {@code t}; the queue must not be empty. */
  boolean headBefore(Instant t) {
    refill();
    long s = t.getEpochSecond();
    return seconds[0] < s || (seconds[0] == s && nanos[0] < t.getNano());
  }

  /** Removes and returns the head; the queue must not be empty. */
  Emission poll() {
    refill();
    Emission head = items[0];
    int last = --size;
    long s = seconds[last];
    int ns = nanos[last];
    long o = order[last];
    Emission e = items[last];
    items[last] = null;
    if (last > 0) {
      int i = 0;
      int half = last >>> 1;
      while (i < half) {
        int child = 2 * i + 1;
        int right = child + 1;
        if (right < last && less(seconds[right], nanos[right], order[right], child)) {
          child = right;
        }
        if (!less(seconds[child], nanos[child], order[child], s, ns, o)) {
          break;
        }
        move(child, i);
        i = child;
      }
      set(i, s, ns, o, e);
    }
    return head;
  }

  /** When the heap is empty, moves the next waiting second into it. */
  private void refill() {
    if (size == 0 && !later.isEmpty()) {
      Map.Entry<Long, Waiting> next = later.pollFirstEntry();
      currentSecond = next.getKey();
      Waiting waiting = next.getValue();
      for (int i = 0; i < waiting.size; i++) {
        push(emissions.emission(waiting.events[i], waiting.indexes[i]));
      }
    }
  }

  /** The (event number, index) of a second's waiting emissions, in insertion order. */
  private static final class Waiting {
    long[] events = new long[8];
    int[] indexes = new int[8];
    int size;

    void add(long event, int index) {
      if (size == events.length) {
        events = Arrays.copyOf(events, size * 2);
        indexes = Arrays.copyOf(indexes, size * 2);
      }
      events[size] = event;
      indexes[size] = index;
      size++;
    }
  }

  private void push(Emission e) {
    if (size == seconds.length) {
      int grown = size * 2;
      seconds = Arrays.copyOf(seconds, grown);
      nanos = Arrays.copyOf(nanos, grown);
      order = Arrays.copyOf(order, grown);
      items = Arrays.copyOf(items, grown);
    }
    Instant t = e.eventTime();
    long s = t.getEpochSecond();
    int ns = t.getNano();
    long o = inserted++;
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(s, ns, o, parent)) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    set(i, s, ns, o, e);
  }

  private boolean less(long s, int ns, long o, int slot) {
    return less(s, ns, o, seconds[slot], nanos[slot], order[slot]);
  }

  private static boolean less(long s1, int ns1, long o1, long s2, int ns2, long o2) {
    if (s1 != s2) {
      return s1 < s2;
    }
    if (ns1 != ns2) {
      return ns1 < ns2;
    }
    return o1 < o2;
  }

  private void move(int from, int to) {
    seconds[to] = seconds[from];
    nanos[to] = nanos[from];
    order[to] = order[from];
    items[to] = items[from];
  }

  private void set(int slot, long s, int ns, long o, Emission e) {
    seconds[slot] = s;
    nanos[slot] = ns;
    order[slot] = o;
    items[slot] = e;
  }
}
