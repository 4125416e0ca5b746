package io.streamlake.schemas;

/** What the platform accepts as an event time, wherever it checks one (the pipelines, the ingest API, the generators' warning). */
public final class EventTimes {
  private EventTimes() {}

  /**
   * How far ahead of the wall clock an event time may be, by default, in minutes: the pipelines'
   * {@code --maxFutureSkewMinutes} and the ingest API's {@code --max-future-skew-minutes}. An hour, as
   * Kafka 4's broker default ({@code log.message.timestamp.after.max.ms}).
   */
  public static final long DEFAULT_MAX_FUTURE_SKEW_MINUTES = 60;
}
