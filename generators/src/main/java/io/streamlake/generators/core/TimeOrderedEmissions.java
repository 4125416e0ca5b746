package io.streamlake.generators.core;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongFunction;

/**
 * Emissions of primary events {@code 0..count-1} in event-time order, where event {@code n} is a
 * pure function {@code n -> emissions} whose emissions are at or after {@code config.eventTime(n)}
 * (a booking now and its payments minutes later). Ties keep the order in which they were made.
 *
 * <p>An emission due in a later second of event time is not kept: it is computed again from its
 * event when its second comes (see {@link EmissionQueue}), by {@link OneEmission} when the scenario
 * has a cheaper way than computing the whole event.
 */
public final class TimeOrderedEmissions implements Iterator<Emission> {
  /** Emission {@code index} of event {@code n}, equal to {@code events.apply(n).get(index)}. */
  @FunctionalInterface
  public interface OneEmission {
    Emission emission(long n, int index);
  }

  private final LongFunction<List<Emission>> events;
  private final GeneratorConfig config;
  private final EmissionQueue queue;
  private long next;
  /** {@code config.eventTime(next)}, made once per event rather than at every look. */
  private Instant nextTime;

  public TimeOrderedEmissions(GeneratorConfig config, LongFunction<List<Emission>> events) {
    this(config, events, new WholeEvent(events));
  }

  public TimeOrderedEmissions(GeneratorConfig config, LongFunction<List<Emission>> events, OneEmission oneEmission) {
    this.config = config;
    this.events = events;
    this.queue = new EmissionQueue(oneEmission);
  }

  @Override
  public boolean hasNext() {
    fill();
    return !queue.isEmpty();
  }

  @Override
  public Emission next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return queue.poll();
  }

  private void fill() {
    // Event n+1 cannot emit anything before config.eventTime(n+1): generate until the queue's
    // head is earlier than that (or there are no more events).
    while (next < config.events()) {
      if (nextTime == null) {
        nextTime = config.eventTime(next);
      }
      if (!queue.isEmpty() && queue.headBefore(nextTime)) {
        return;
      }
      long n = next++;
      Instant own = nextTime;
      nextTime = null;
      List<Emission> emissions = events.apply(n);
      for (int i = 0; i < emissions.size(); i++) {
        Emission e = emissions.get(i);
        if (e.eventTime().isBefore(own)) {
          throw new IllegalStateException("event " + n + " emits " + e.topic() + " at "
              + e.eventTime() + ", before its own time " + own);
        }
        queue.add(e, n, i);
      }
    }
  }

  /** One emission by computing its whole event; consecutive asks for one event compute it once. */
  private static final class WholeEvent implements OneEmission {
    private final LongFunction<List<Emission>> events;
    private long lastEvent = -1;
    private List<Emission> lastEmissions;

    WholeEvent(LongFunction<List<Emission>> events) {
      this.events = events;
    }

    @Override
    public Emission emission(long n, int index) {
      if (n != lastEvent || lastEmissions == null) {
        lastEmissions = events.apply(n);
        lastEvent = n;
      }
      return lastEmissions.get(index);
    }
  }
}
