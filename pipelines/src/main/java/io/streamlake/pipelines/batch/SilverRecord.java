package io.streamlake.pipelines.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One valid event read from bronze: its topic, event id and event time, its value (Avro single-object,
 * current schema), the file it came from, and whether it belongs to the hour after the batch hour
 * (read only to complete a join, never written to this hour's silver).
 */
@DefaultCoder(SilverRecord.Coder.class)
public record SilverRecord(String topic, String eventId, long eventTimeMillis, byte[] value, String path,
    boolean lookahead) implements Serializable {

  public SilverRecord {
    Objects.requireNonNull(topic);
    Objects.requireNonNull(eventId);
    Objects.requireNonNull(value);
    Objects.requireNonNull(path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SilverRecord r && topic.equals(r.topic) && eventId.equals(r.eventId)
        && eventTimeMillis == r.eventTimeMillis && Arrays.equals(value, r.value) && path.equals(r.path)
        && lookahead == r.lookahead;
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, eventId, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return topic + "/" + eventId + " from " + path;
  }

  /** Compact coder. */
  public static final class Coder extends AtomicCoder<SilverRecord> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(SilverRecord r, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(r.topic, out);
      StringUtf8Coder.of().encode(r.eventId, out);
      VarLongCoder.of().encode(r.eventTimeMillis, out);
      ByteArrayCoder.of().encode(r.value, out);
      StringUtf8Coder.of().encode(r.path, out);
      BooleanCoder.of().encode(r.lookahead, out);
    }

    @Override
    public SilverRecord decode(InputStream in) throws IOException {
      return new SilverRecord(StringUtf8Coder.of().decode(in), StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in), ByteArrayCoder.of().decode(in), StringUtf8Coder.of().decode(in),
          BooleanCoder.of().decode(in));
    }
  }
}
