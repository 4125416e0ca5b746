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
 */
public final class TimeOrderedEmissions implements Iterator<Emission> {
  private final LongFunction<List<Emission>> events;
  private final GeneratorConfig config;
  private final EmissionQueue queue;
  private long next;

  public TimeOrderedEmissions(GeneratorConfig config, LongFunction<List<Emission>> events) {
    this.config = config;
    this.events = events;
    this.queue = new EmissionQueue(events);
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
    while (next < config.events() && (queue.isEmpty() || !queue.headBefore(config.eventTime(next)))) {
      long n = next++;
      Instant own = config.eventTime(n);
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
}
