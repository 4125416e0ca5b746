package io.streamlake.generators.core;

import io.streamlake.schemas.Topic;
import java.time.Instant;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * One event a scenario emits, in its true event-time place: the topic, the value, and its event
 * time (the time of the value's own timestamp field).
 */
public record Emission(Topic<?> topic, SpecificRecord value, Instant eventTime) {
  public Emission {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(eventTime, "eventTime");
    if (!topic.valueClass().isInstance(value)) {
      throw new IllegalArgumentException(
          value.getClass().getSimpleName() + " does not belong on topic " + topic);
    }
  }

  public static <T extends SpecificRecord> Emission of(Topic<T> topic, T value, Instant eventTime) {
    return new Emission(topic, value, eventTime);
  }

  /** The record key, as the topic registry derives it. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public String key() {
    return ((Topic) topic).keyOf(value);
  }

  /** Avro single-object bytes of the value. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public byte[] encodeValue() {
    return ((Topic) topic).codec().encode(value);
  }
}
