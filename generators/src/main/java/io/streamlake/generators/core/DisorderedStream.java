package io.streamlake.generators.core;

import io.streamlake.generators.core.GeneratedRecord.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Turns a scenario's in-order emissions into the records a real producer would send: each record
 * is released at its event time plus a delay (none, out-of-order, or late), some are sent twice,
 * and some poison records are added. Records come out ordered by release time; every choice depends
 * only on (seed, emission number).
 */
public final class DisorderedStream implements Iterator<GeneratedRecord>, RecordStream {
  private final Iterator<Emission> source;
  private final GeneratorConfig config;
  private final PriorityQueue<Pending> pending = new PriorityQueue<>();
  /** No disorder, duplicates or poison configured: records pass straight through, in order. */
  private final boolean passThrough;
  private Emission lookahead;
  private long emissionNo;
  private long sequence;

  private DisorderedStream(Iterator<Emission> source, GeneratorConfig config) {
    this.source = source;
    this.config = config;
    this.passThrough = config.lateFraction() == 0 && config.outOfOrderFraction() == 0
        && config.duplicateFraction() == 0 && config.poisonFraction() == 0;
  }

  /** The records of a scenario under a config. */
  public static DisorderedStream of(Scenario scenario, GeneratorConfig config) {
    return new DisorderedStream(scenario.emissions(config), config);
  }

  /** The records of any in-order emissions under a config. */
  public static DisorderedStream of(Iterator<Emission> emissions, GeneratorConfig config) {
    return new DisorderedStream(emissions, config);
  }

  @Override
  public boolean hasNext() {
    if (passThrough) {
      return lookahead != null || source.hasNext();
    }
    fill();
    return !pending.isEmpty();
  }

  @Override
  public GeneratedRecord next() {
    if (passThrough) {
      Emission e = lookahead != null ? lookahead : source.next();
      lookahead = null;
      emissionNo++;
      return new GeneratedRecord(e.topic().name(), e.key().getBytes(StandardCharsets.UTF_8), e.encodeValue(),
          e.eventTime(), Kind.IN_ORDER);
    }
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return pending.poll().record;
  }

  @Override
  public Instant peekReleaseTime() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (passThrough) {
      if (lookahead == null) {
        lookahead = source.next();
      }
      return lookahead.eventTime();
    }
    return Instant.ofEpochMilli(pending.peek().releaseMillis);
  }

  /** Pulls emissions until the head of the queue can no longer be overtaken by a later one. */
  private void fill() {
    while (true) {
      if (lookahead == null && source.hasNext()) {
        lookahead = source.next();
      }
      if (lookahead == null) {
        return;
      }
      if (!pending.isEmpty() && pending.peek().releaseMillis < lookahead.eventTime().toEpochMilli()) {
        return;
      }
      schedule(lookahead);
      lookahead = null;
    }
  }

  private void schedule(Emission emission) {
    long n = emissionNo++;
    SplittableRandom rnd = Rng.of(config.seed(), "disorder", n);
    byte[] key = emission.key().getBytes(StandardCharsets.UTF_8);
    byte[] value = emission.encodeValue();
    long eventMillis = emission.eventTime().toEpochMilli();
    double u = rnd.nextDouble();
    long delay;
    Kind kind;
    if (u < config.lateFraction()) {
      long lateBy = config.lateBy().toMillis();
      delay = lateBy + rnd.nextLong(lateBy / 2 + 1);
      kind = Kind.LATE;
    } else if (u < config.lateFraction() + config.outOfOrderFraction()) {
      delay = 1 + rnd.nextLong(Math.max(1, config.outOfOrderMax().toMillis()));
      kind = Kind.OUT_OF_ORDER;
    } else {
      delay = 0;
      kind = Kind.IN_ORDER;
    }
    String topic = emission.topic().name();
    add(eventMillis + delay, new GeneratedRecord(topic, key, value, emission.eventTime(), kind));
    if (rnd.nextDouble() < config.duplicateFraction()) {
      long again = eventMillis + delay + 1 + rnd.nextLong(1000);
      add(again, new GeneratedRecord(topic, key, value, emission.eventTime(), Kind.DUPLICATE));
    }
    if (rnd.nextDouble() < config.poisonFraction()) {
      add(eventMillis, new GeneratedRecord(topic, key, poison(value, rnd), emission.eventTime(), Kind.POISON));
    }
  }

  private void add(long releaseMillis, GeneratedRecord record) {
    pending.add(new Pending(releaseMillis, sequence++, record));
  }

  /**
   * Bytes that are certainly not a decodable record: garbage without the single-object header, a
   * header with a fingerprint no schema has, or a valid record cut short.
   */
  static byte[] poison(byte[] valid, SplittableRandom rnd) {
    switch (rnd.nextInt(3)) {
      case 0: {
        byte[] garbage = new byte[8 + rnd.nextInt(32)];
        for (int i = 0; i < garbage.length; i++) {
          garbage[i] = (byte) rnd.nextInt(256);
        }
        garbage[0] = (byte) '{'; // never the C3 01 marker
        return garbage;
      }
      case 1: {
        byte[] unknown = valid.clone();
        for (int i = 2; i < 10; i++) {
          unknown[i] = (byte) ~unknown[i]; // a fingerprint of no known schema
        }
        return unknown;
      }
      default:
        return Arrays.copyOf(valid, 10 + (valid.length - 10) / 2);
    }
  }

  private record Pending(long releaseMillis, long sequence, GeneratedRecord record)
      implements Comparable<Pending> {
    @Override
    public int compareTo(Pending o) {
      int c = Long.compare(releaseMillis, o.releaseMillis);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }
}
