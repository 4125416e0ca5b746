package io.streamlake.pipelines.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** One Kafka record as read, before decoding: where it came from and its bytes. */
@DefaultCoder(RawRecord.Coder.class)
public final class RawRecord implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private final int partition;
  private final long offset;
  private final byte[] key;
  private final byte[] value;
  private final long timestampMillis;

  public RawRecord(String topic, int partition, long offset, byte[] key, byte[] value, long timestampMillis) {
    this.topic = Objects.requireNonNull(topic);
    this.partition = partition;
    this.offset = offset;
    this.key = key;
    this.value = value;
    this.timestampMillis = timestampMillis;
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }

  public byte[] key() {
    return key;
  }

  public byte[] value() {
    return value;
  }

  /** The Kafka record timestamp (our producers set it to the event time). */
  public long timestampMillis() {
    return timestampMillis;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawRecord r && topic.equals(r.topic) && partition == r.partition && offset == r.offset
        && Arrays.equals(key, r.key) && Arrays.equals(value, r.value) && timestampMillis == r.timestampMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset);
  }

  @Override
  public String toString() {
    return topic + "/" + partition + "@" + offset;
  }

  /** Compact coder: no Java serialization on the hot path. */
  public static final class Coder extends AtomicCoder<RawRecord> {
    private static final Coder INSTANCE = new Coder();
    private static final NullableCoder<byte[]> BYTES = NullableCoder.of(ByteArrayCoder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(RawRecord r, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(r.topic, out);
      VarIntCoder.of().encode(r.partition, out);
      VarLongCoder.of().encode(r.offset, out);
      BYTES.encode(r.key, out);
      BYTES.encode(r.value, out);
      VarLongCoder.of().encode(r.timestampMillis, out);
    }

    @Override
    public RawRecord decode(InputStream in) throws IOException {
      return new RawRecord(StringUtf8Coder.of().decode(in), VarIntCoder.of().decode(in), VarLongCoder.of().decode(in),
          BYTES.decode(in), BYTES.decode(in), VarLongCoder.of().decode(in));
    }

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }
}
