package io.streamlake.schemas;

import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;

/**
 * An Avro binary encoder straight into a reusable, growable byte array: the same bytes as Avro's
 * own {@code BinaryEncoder}s, without an OutputStream, a flush, or (for ASCII strings, which
 * nearly all of ours are) a byte array per string. Not thread-safe; {@link AvroCodec} keeps one
 * per thread.
 */
final class ArrayBinaryEncoder extends BinaryEncoder {
  private byte[] buf = new byte[512];
  private int pos;

  void reset() {
    pos = 0;
  }

  /** A copy of what was written since the last reset. */
  byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  private void ensure(int extra) {
    if (pos + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
    }
  }

  @Override
  public void writeBoolean(boolean b) {
    ensure(1);
    pos += BinaryData.encodeBoolean(b, buf, pos);
  }

  @Override
  public void writeInt(int n) {
    ensure(5);
    pos += BinaryData.encodeInt(n, buf, pos);
  }

  @Override
  public void writeLong(long n) {
    ensure(10);
    pos += BinaryData.encodeLong(n, buf, pos);
  }

  @Override
  public void writeFloat(float f) {
    ensure(4);
    pos += BinaryData.encodeFloat(f, buf, pos);
  }

  @Override
  public void writeDouble(double d) {
    ensure(8);
    pos += BinaryData.encodeDouble(d, buf, pos);
  }

  @Override
  public void writeFixed(byte[] bytes, int start, int len) {
    ensure(len);
    System.arraycopy(bytes, start, buf, pos, len);
    pos += len;
  }

  @Override
  protected void writeZero() {
    ensure(1);
    buf[pos++] = 0;
  }

  /**
   * As {@code BinaryEncoder.writeString}: length then UTF-8 bytes. An ASCII string (nearly all of
   * ours) is copied char by char behind its length in one pass; at the first other char what the pass
   * wrote is dropped and the string is written through {@code String.getBytes}, exactly as Avro does.
   */
  @Override
  public void writeString(String s) throws IOException {
    int len = s.length();
    if (len == 0) {
      writeZero();
      return;
    }
    ensure(len + 5);
    // pos moves only when the whole string is written: a non-ASCII char leaves it where the length began
    int p = pos + BinaryData.encodeInt(len, buf, pos);
    byte[] b = buf;
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        super.writeString(s); // UTF-8 through String.getBytes, exactly as Avro does
        return;
      }
      b[p + i] = (byte) c;
    }
    pos = p + len;
  }

  @Override
  public int bytesBuffered() {
    return 0;
  }

  @Override
  public void flush() {}
}
