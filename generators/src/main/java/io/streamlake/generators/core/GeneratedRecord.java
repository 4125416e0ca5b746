package io.streamlake.generators.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record ready to send: topic, key and value bytes, event time (also the Kafka record timestamp),
 * and what the generator made of it.
 */
public record GeneratedRecord(String topic, byte[] key, byte[] value, Instant eventTime, Kind kind) {

  /** What the generator made of a record. */
  public enum Kind {
    /** Sent in its event-time place. */
    IN_ORDER,
    /** Sent up to the out-of-order bound after its place. */
    OUT_OF_ORDER,
    /** Sent later than the lateness bound after its place. */
    LATE,
    /** A second copy of a record already sent, byte for byte. */
    DUPLICATE,
    /** Bytes that are not valid Avro. */
    POISON
  }

  public GeneratedRecord {
    Objects.requireNonNull(topic);
    Objects.requireNonNull(value);
    Objects.requireNonNull(eventTime);
    Objects.requireNonNull(kind);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GeneratedRecord r && topic.equals(r.topic) && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value) && eventTime.equals(r.eventTime) && kind == r.kind;
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, Arrays.hashCode(key), Arrays.hashCode(value), eventTime, kind);
  }

  @Override
  public String toString() {
    return kind + " " + topic + " @" + eventTime + " (" + value.length + " bytes)";
  }
}
