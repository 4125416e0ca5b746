package io.streamlake.generators.core;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Emissions waiting for their event time, taken out in the order of {@code Instant.compareTo} on
 * the event time, ties in the order they were added: the same order as a {@code PriorityQueue}
 * over (event time, insertion number), but fast when hundreds of thousands wait (every payment of
 * the next half hour of bookings).
 *
 * <p>Emissions are kept by second of event time. Later seconds wait unsorted, one list per second
 * (in a ring of seconds, or a tree map for seconds over an hour ahead). When everything up to the
 * current second has been taken out and the caller asks about a time in or after the next waiting
 * second, that second becomes current: its emissions are sorted once, by nanosecond and then
 * insertion, into the <em>due</em> run. Emissions added for the current second or earlier (a
 * booking now) are appended to the <em>in-order</em> run; the run's entries later than a new one
 * move to a small binary heap first, so the run stays sorted and the few emissions that are ahead
 * of the others wait in the heap. The head is the least of the three heads; on equal times the due
 * run's comes first (it was added before the second became current), then the lower insertion
 * number. Every emission of a later second comes after every emission of an earlier one, so this
 * head is the overall head.
 *
 * <p>The current second never runs ahead of the caller's own time ({@link #headBefore}): when it
 * jumped to the next waiting second as soon as the current one was used up (a payment due in ten
 * minutes), every emission added in those ten minutes went through the heap, tens of thousands at
 * a time, and the heap took a sixth of a generator's time.
 *
 * <p>A waiting emission is kept only as (event number, index in that event's emissions), and is
 * computed again from the event when its second comes: events are pure functions of their number,
 * so it is an equal emission with the same bytes. Holding half an hour of payments as objects made
 * the generator's heap large and every young collection copy them again.
 */
final class EmissionQueue {
  /** Seconds the ring holds: a power of two, over an hour. */
  private static final int RING = 4096;
  /**
   * Later seconds up to {@link #RING} after the {@link #floor}, each with its emissions in insertion
   * order, at index {@code second % RING}: seconds in the ring are after the floor and at most
   * {@code RING} after the floor at the time they were added, and the floor only rises, so no two
   * share a slot.
   * (A tree map of seconds was a tenth of the generator's time: a boxed key and a rebalancing per
   * waiting payment.)
   */
  private final Waiting[] ring = new Waiting[RING];
  /**
   * The ring holds seconds in {@code (floor, floor + RING]}: the latest current second (or, before
   * the first, the second before the first one added), so every second in it is still waiting.
   */
  private long floor = Long.MIN_VALUE;
  /** Non-empty slots of the ring. */
  private int ringSeconds;
  /** Seconds further ahead than the ring reaches when they are added; a second is never in both. */
  private final TreeMap<Long, Waiting> beyond = new TreeMap<>();
  /** The earliest second in the ring or beyond it, {@code Long.MAX_VALUE} when none. */
  private long earliestWaiting = Long.MAX_VALUE;
  /** Emptied lists, for the next seconds. */
  private final ArrayDeque<Waiting> spare = new ArrayDeque<>();
  /** Computes a waiting emission again from (event number, index). */
  private final TimeOrderedEmissions.OneEmission emissions;
  /** The second of the due run; emissions up to it are added to the in-order run or the heap. */
  private long currentSecond = Long.MIN_VALUE;

  /** The due run: the current second's waiting emissions, sorted; {@code duePos} is its head. */
  private Emission[] dueItems = new Emission[1024];
  private int[] dueNanos = new int[1024];
  private long[] dueKeys = new long[1024];
  private Emission[] recomputed = new Emission[1024];
  private int dueSize;
  private int duePos;

  /** The in-order run: emissions added in (time, insertion) order, from {@code runHead} to {@code runTail}. */
  private long[] runSeconds = new long[1024];
  private int[] runNanos = new int[1024];
  private long[] runOrder = new long[1024];
  private Emission[] runItems = new Emission[1024];
  private int runHead;
  private int runTail;

  /** The heap: entries moved out of the in-order run's tail, keys in primitive arrays. */
  private long[] seconds = new long[64];
  private int[] nanos = new int[64];
  private long[] order = new long[64];
  private Emission[] items = new Emission[64];
  private int size;

  private long inserted;

  EmissionQueue(TimeOrderedEmissions.OneEmission emissions) {
    this.emissions = emissions;
  }

  boolean isEmpty() {
    return nothingCurrent() && ringSeconds == 0 && beyond.isEmpty();
  }

  private boolean nothingCurrent() {
    return duePos == dueSize && runHead == runTail && size == 0;
  }

  /** Adds emission {@code index} of event {@code event}'s emissions. */
  void add(Emission e, long event, int index) {
    Instant t = e.eventTime();
    long second = t.getEpochSecond();
    if (second > currentSecond) {
      waiting(second).add(event, index);
      inserted++;
      return;
    }
    int nano = t.getNano();
    // the run's later tail (a payment a few hundred milliseconds ahead) moves to the heap, so the
    // run keeps taking the emissions that come in time order (the bookings)
    while (runTail > runHead && less(second, nano, runSeconds[runTail - 1], runNanos[runTail - 1])) {
      runTail--;
      push(runSeconds[runTail], runNanos[runTail], runOrder[runTail], runItems[runTail]);
      runItems[runTail] = null;
    }
    append(second, nano, inserted++, e);
  }

  /**
   * Whether the head's event time is strictly before {@code t}; the queue must not be empty. The
   * caller's events to come are at or after {@code t}: a waiting second after {@code t}'s does not
   * become current yet.
   */
  boolean headBefore(Instant t) {
    long s = t.getEpochSecond();
    if (nothingCurrent()) {
      if (earliestWaiting > s) {
        // the head is in a later second than t's. Making that second current now would send
        // everything added before t reaches it (every payment in between) to the heap
        return false;
      }
      refill();
    }
    int ns = t.getNano();
    return duePos < dueSize && less(currentSecond, dueNanos[duePos], s, ns)
        || runHead < runTail && less(runSeconds[runHead], runNanos[runHead], s, ns)
        || size > 0 && less(seconds[0], nanos[0], s, ns);
  }

  /** Removes and returns the head; the queue must not be empty. */
  Emission poll() {
    refill();
    // 0: due run, 1: in-order run, 2: heap
    int from = -1;
    long s = 0;
    int ns = 0;
    long o = 0;
    if (duePos < dueSize) {
      from = 0;
      s = currentSecond;
      ns = dueNanos[duePos];
      o = Long.MIN_VALUE; // added before anything in the other two
    }
    if (runHead < runTail && (from < 0 || less(runSeconds[runHead], runNanos[runHead], runOrder[runHead], s, ns, o))) {
      from = 1;
      s = runSeconds[runHead];
      ns = runNanos[runHead];
      o = runOrder[runHead];
    }
    if (size > 0 && (from < 0 || less(seconds[0], nanos[0], order[0], s, ns, o))) {
      from = 2;
    }
    switch (from) {
      case 0: {
        Emission head = dueItems[duePos];
        dueItems[duePos++] = null;
        return head;
      }
      case 1: {
        Emission head = runItems[runHead];
        runItems[runHead++] = null;
        if (runHead == runTail) {
          runHead = 0;
          runTail = 0;
        }
        return head;
      }
      default:
        return pollHeap();
    }
  }

  /** When nothing is left up to the current second, makes the next waiting second current. */
  private void refill() {
    if (!nothingCurrent() || ringSeconds == 0 && beyond.isEmpty()) {
      return;
    }
    long second = earliestWaiting;
    Waiting waiting;
    int slot = (int) (second & (RING - 1));
    if (ringSeconds > 0 && ring[slot] != null && ring[slot].second == second) {
      waiting = ring[slot];
      ring[slot] = null;
      ringSeconds--;
    } else {
      waiting = beyond.remove(second);
    }
    currentSecond = second;
    floor = Math.max(floor, second);
    earliestWaiting = nextWaitingSecond();
    int n = waiting.size;
    if (dueItems.length < n) {
      int grown = Math.max(n, dueItems.length * 2);
      dueItems = new Emission[grown];
      dueNanos = new int[grown];
      dueKeys = new long[grown];
      recomputed = new Emission[grown];
    }
    for (int i = 0; i < n; i++) {
      Emission e = emissions.emission(waiting.events[i], waiting.indexes[i]);
      Instant t = e.eventTime();
      if (t.getEpochSecond() != second) {
        throw new IllegalStateException("event " + waiting.events[i] + " emission " + waiting.indexes[i]
            + " came back at " + t + ", not in second " + second + ": the event is not a pure function of its number");
      }
      recomputed[i] = e;
      dueKeys[i] = (long) t.getNano() << 32 | i; // by nanosecond, then insertion
    }
    Arrays.sort(dueKeys, 0, n);
    for (int j = 0; j < n; j++) {
      int i = (int) dueKeys[j];
      dueItems[j] = recomputed[i];
      recomputed[i] = null;
      dueNanos[j] = (int) (dueKeys[j] >>> 32);
    }
    dueSize = n;
    duePos = 0;
    waiting.size = 0;
    spare.push(waiting);
  }

  /** The list of a later second, made when it has none yet. */
  private Waiting waiting(long second) {
    earliestWaiting = Math.min(earliestWaiting, second);
    if (floor == Long.MIN_VALUE) {
      floor = second - 1; // before the first second is taken out, the ring starts at the first one added
    }
    if (second > floor && second - floor <= RING) {
      int slot = (int) (second & (RING - 1));
      Waiting w = ring[slot];
      if (w != null) {
        if (w.second != second) {
          throw new IllegalStateException("seconds " + w.second + " and " + second + " share a slot");
        }
        return w;
      }
      if (!beyond.isEmpty()) {
        Waiting far = beyond.get(second);
        if (far != null) {
          return far; // added when it was beyond the ring: the second stays there, one list per second
        }
      }
      w = newWaiting(second);
      ring[slot] = w;
      ringSeconds++;
      return w;
    }
    return beyond.computeIfAbsent(second, this::newWaiting);
  }

  private Waiting newWaiting(long second) {
    Waiting w = spare.isEmpty() ? new Waiting() : spare.pop();
    w.second = second;
    return w;
  }

  /** The earliest second with waiting emissions, {@code Long.MAX_VALUE} when none wait. */
  private long nextWaitingSecond() {
    long next = beyond.isEmpty() ? Long.MAX_VALUE : beyond.firstKey();
    if (ringSeconds > 0) {
      for (long s = floor + 1; s < next && s <= floor + RING; s++) {
        Waiting w = ring[(int) (s & (RING - 1))];
        if (w != null && w.second == s) {
          return s;
        }
      }
    }
    return next;
  }

  private void append(long s, int ns, long o, Emission e) {
    if (runTail == runItems.length) {
      int grown = runTail * 2;
      runSeconds = Arrays.copyOf(runSeconds, grown);
      runNanos = Arrays.copyOf(runNanos, grown);
      runOrder = Arrays.copyOf(runOrder, grown);
      runItems = Arrays.copyOf(runItems, grown);
    }
    runSeconds[runTail] = s;
    runNanos[runTail] = ns;
    runOrder[runTail] = o;
    runItems[runTail] = e;
    runTail++;
  }

  private void push(long s, int ns, long o, Emission e) {
    if (size == seconds.length) {
      int grown = size * 2;
      seconds = Arrays.copyOf(seconds, grown);
      nanos = Arrays.copyOf(nanos, grown);
      order = Arrays.copyOf(order, grown);
      items = Arrays.copyOf(items, grown);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(s, ns, o, seconds[parent], nanos[parent], order[parent])) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    set(i, s, ns, o, e);
  }

  private Emission pollHeap() {
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
        if (right < last && less(seconds[right], nanos[right], order[right], seconds[child], nanos[child], order[child])) {
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

  private static boolean less(long s1, int ns1, long s2, int ns2) {
    return s1 < s2 || (s1 == s2 && ns1 < ns2);
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

  /** The (event number, index) of a second's waiting emissions, in insertion order. */
  private static final class Waiting {
    long second;
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
}
