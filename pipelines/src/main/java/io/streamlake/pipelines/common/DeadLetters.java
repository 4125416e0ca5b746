package io.streamlake.pipelines.common;

import io.streamlake.events.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds {@link DeadLetter}s: a record that failed, with its bytes, the reason and the step. */
public final class DeadLetters {
  private DeadLetters() {}

  /** A dead letter for a raw Kafka record. */
  public static DeadLetter of(RawRecord record, String error, String step) {
    return new DeadLetter(record.topic() + "/" + record.partition() + "/" + record.offset() + "/" + step,
        record.topic(), record.partition(), record.offset(),
        record.key() == null ? null : ByteBuffer.wrap(record.key()),
        record.value() == null ? null : ByteBuffer.wrap(record.value()),
        error, step, Instant.now());
  }

  /** A dead letter for a record with no Kafka origin (a file line, an HTTP body ...). */
  public static DeadLetter of(String source, byte[] value, String error, String step, String id) {
    return new DeadLetter(source + "/" + id + "/" + step, source, null, null, null,
        value == null ? null : ByteBuffer.wrap(value), error, step, Instant.now());
  }
}
