package io.streamlake.pipelines.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/**
 * One record on its way into the lake: the folder it belongs in, relative to the layer ({@code
 * TOPIC/dt=YYYY-MM-DD/hour=HH}, or {@code _deadletter/...}), and its value in Avro single-object
 * encoding with the current schema of that folder.
 */
@DefaultCoder(LakeRecord.Coder.class)
public final class LakeRecord implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String directory;
  private final byte[] value;

  public LakeRecord(String directory, byte[] value) {
    this.directory = Objects.requireNonNull(directory);
    this.value = Objects.requireNonNull(value);
  }

  public String directory() {
    return directory;
  }

  /** The topic name (or {@code _deadletter}): the first segment of the folder. */
  public String dataset() {
    int slash = directory.indexOf('/');
    return slash < 0 ? directory : directory.substring(0, slash);
  }

  public byte[] value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LakeRecord r && directory.equals(r.directory) && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(directory, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return directory + " (" + value.length + " bytes)";
  }

  /** Compact coder: the folder, then the bytes. */
  public static final class Coder extends AtomicCoder<LakeRecord> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(LakeRecord r, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(r.directory, out);
      ByteArrayCoder.of().encode(r.value, out);
    }

    @Override
    public LakeRecord decode(InputStream in) throws IOException {
      return new LakeRecord(StringUtf8Coder.of().decode(in), ByteArrayCoder.of().decode(in));
    }

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }
}
