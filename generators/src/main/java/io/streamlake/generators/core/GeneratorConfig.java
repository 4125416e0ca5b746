package io.streamlake.generators.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The knobs every scenario shares. Immutable; build with {@link #builder()}.
 *
 * <p>Event time of primary event {@code n} is {@code baseTime + n / rate}. Disorder is a delay in
 * <em>emission</em>, never a change of event time: an out-of-order record is sent up to {@code
 * outOfOrderMax} after its place in event-time order, a late record {@code lateBy} (plus up to
 * half of it again) after it, a duplicate is the same bytes sent twice, a poison record is an extra
 * record of bytes that are not valid Avro, sent on the same topic.
 */
public final class GeneratorConfig {
  private final long seed;
  private final Instant baseTime;
  private final double rate;
  private final long events;
  private final double outOfOrderFraction;
  private final Duration outOfOrderMax;
  private final double lateFraction;
  private final Duration lateBy;
  private final double duplicateFraction;
  private final double poisonFraction;

  private GeneratorConfig(Builder b) {
    this.seed = b.seed;
    this.baseTime = Objects.requireNonNull(b.baseTime, "baseTime");
    this.rate = b.rate;
    this.events = b.events;
    this.outOfOrderFraction = b.outOfOrderFraction;
    this.outOfOrderMax = b.outOfOrderMax;
    this.lateFraction = b.lateFraction;
    this.lateBy = b.lateBy;
    this.duplicateFraction = b.duplicateFraction;
    this.poisonFraction = b.poisonFraction;
    if (!(rate > 0)) {
      throw new IllegalArgumentException("rate must be > 0 events/s, got " + rate);
    }
    if (events < 0) {
      throw new IllegalArgumentException("events must be >= 0, got " + events);
    }
    checkFraction("out-of-order fraction", outOfOrderFraction);
    checkFraction("late fraction", lateFraction);
    checkFraction("duplicate fraction", duplicateFraction);
    checkFraction("poison fraction", poisonFraction);
    if (outOfOrderFraction + lateFraction > 1) {
      throw new IllegalArgumentException("out-of-order fraction + late fraction must be <= 1");
    }
    if (outOfOrderMax.isNegative() || lateBy.isNegative()) {
      throw new IllegalArgumentException("out-of-order max and late-by must not be negative");
    }
  }

  private static void checkFraction(String what, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(what + " must be within [0, 1], got " + value);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .seed(seed).baseTime(baseTime).rate(rate).events(events)
        .outOfOrder(outOfOrderFraction, outOfOrderMax).late(lateFraction, lateBy)
        .duplicateFraction(duplicateFraction).poisonFraction(poisonFraction);
  }

  public long seed() {
    return seed;
  }

  public Instant baseTime() {
    return baseTime;
  }

  /** Primary events per second of event time (and of wall-clock time when paced at speed 1). */
  public double rate() {
    return rate;
  }

  /** Number of primary events (bookings, page views, invoices, ...). */
  public long events() {
    return events;
  }

  public double outOfOrderFraction() {
    return outOfOrderFraction;
  }

  public Duration outOfOrderMax() {
    return outOfOrderMax;
  }

  public double lateFraction() {
    return lateFraction;
  }

  public Duration lateBy() {
    return lateBy;
  }

  public double duplicateFraction() {
    return duplicateFraction;
  }

  public double poisonFraction() {
    return poisonFraction;
  }

  /** Event time of primary event {@code n}: {@code baseTime + n / rate}, to the millisecond. */
  public Instant eventTime(long n) {
    return baseTime.plusMillis(offsetMillis(n));
  }

  /** Milliseconds of event time from the base time to primary event {@code n}. */
  public long offsetMillis(long n) {
    return (long) Math.floor(n * 1000.0 / rate);
  }

  @Override
  public String toString() {
    return "seed=" + seed + " baseTime=" + baseTime + " rate=" + rate + "/s events=" + events
        + " outOfOrder=" + outOfOrderFraction + "@" + outOfOrderMax + " late=" + lateFraction + "@" + lateBy
        + " duplicates=" + duplicateFraction + " poison=" + poisonFraction;
  }

  /** Builder with quiet defaults: seed 42, 10 events/s, 1000 events, no disorder. */
  public static final class Builder {
    private long seed = 42;
    private Instant baseTime = Instant.parse("2026-01-01T00:00:00Z");
    private double rate = 10;
    private long events = 1000;
    private double outOfOrderFraction;
    private Duration outOfOrderMax = Duration.ofSeconds(30);
    private double lateFraction;
    private Duration lateBy = Duration.ofMinutes(10);
    private double duplicateFraction;
    private double poisonFraction;

    private Builder() {}

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder baseTime(Instant baseTime) {
      this.baseTime = baseTime;
      return this;
    }

    public Builder rate(double eventsPerSecond) {
      this.rate = eventsPerSecond;
      return this;
    }

    public Builder events(long events) {
      this.events = events;
      return this;
    }

    public Builder outOfOrder(double fraction, Duration max) {
      this.outOfOrderFraction = fraction;
      this.outOfOrderMax = Objects.requireNonNull(max);
      return this;
    }

    public Builder late(double fraction, Duration by) {
      this.lateFraction = fraction;
      this.lateBy = Objects.requireNonNull(by);
      return this;
    }

    public Builder duplicateFraction(double fraction) {
      this.duplicateFraction = fraction;
      return this;
    }

    public Builder poisonFraction(double fraction) {
      this.poisonFraction = fraction;
      return this;
    }

    public GeneratorConfig build() {
      return new GeneratorConfig(this);
    }
  }
}
