package io.streamlake.generators.core;

import io.streamlake.schemas.Topic;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * One event a scenario emits, in its true event-time place: the topic, the value, and its event
 * time (the time of the value's own timestamp field).
 *
 * <p>The value may be made only when first asked for ({@link #deferred}): the emission queue looks
 * only at the event time of an emission due in a later second and computes the emission again from
 * its event when the second comes, so a value made at once would be thrown away (a payment due ten
 * minutes after its booking). A deferred emission is for one thread.
 */
public final class Emission {
  private final Topic<?> topic;
  private final Instant eventTime;
  private SpecificRecord value;
  private Supplier<? extends SpecificRecord> maker;

  private Emission(Topic<?> topic, SpecificRecord value, Supplier<? extends SpecificRecord> maker, Instant eventTime) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.eventTime = Objects.requireNonNull(eventTime, "eventTime");
    this.value = value;
    this.maker = maker;
  }

  public static <T extends SpecificRecord> Emission of(Topic<T> topic, T value, Instant eventTime) {
    return new Emission(topic, checked(topic, value), null, eventTime);
  }

  /** An emission whose value {@code maker} makes when it is first asked for. */
  public static <T extends SpecificRecord> Emission deferred(Topic<T> topic, Instant eventTime, Supplier<T> maker) {
    return new Emission(topic, null, Objects.requireNonNull(maker, "maker"), eventTime);
  }

  private static SpecificRecord checked(Topic<?> topic, SpecificRecord value) {
    Objects.requireNonNull(value, "value");
    if (!topic.valueClass().isInstance(value)) {
      throw new IllegalArgumentException(
          value.getClass().getSimpleName() + " does not belong on topic " + topic);
    }
    return value;
  }

  public Topic<?> topic() {
    return topic;
  }

  public Instant eventTime() {
    return eventTime;
  }

  /** The value, made now if it was deferred. */
  public SpecificRecord value() {
    if (value == null) {
      value = checked(topic, maker.get());
      maker = null;
    }
    return value;
  }

  /** The record key, as the topic registry derives it. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public String key() {
    return ((Topic) topic).keyOf(value());
  }

  /** Avro single-object bytes of the value. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public byte[] encodeValue() {
    return ((Topic) topic).codec().encode(value());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Emission e && topic.equals(e.topic) && eventTime.equals(e.eventTime) && value().equals(e.value());
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, value(), eventTime);
  }

  @Override
  public String toString() {
    return "Emission[topic=" + topic + ", value=" + value() + ", eventTime=" + eventTime + "]";
  }
}
