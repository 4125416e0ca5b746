package io.streamlake.pipelines.batch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import org.duckdb.DuckDBAppender;

/**
 * The staging file format for DuckDB: a table's rows, typed by its columns, written by the batch's
 * staging step ({@link StageRows}) and appended by the swap with DuckDB's {@link DuckDBAppender}
 * inside the load transaction ({@link BulkLoad#loadStaged}). It replaces a CSV file and {@code
 * read_csv}: no text to format or parse, and the appender writes straight into DuckDB's column
 * vectors (measured on a busy retail hour of 31,512 rows, warm: CSV read 85-108 ms, appender 42-65
 * ms).
 *
 * <p>The appender reads the file as a stream, a buffer's worth at a time: the swap never holds a
 * whole file in memory.
 *
 * <p>Layout: the magic {@code SLROWS1\n}; the column count (int) and one type code per column
 * ({@link #code}); then per row a byte 1 and per column a byte 0 (NULL) or 1 followed by the value
 * (VARCHAR: int length and UTF-8 bytes; BIGINT, TIMESTAMP as epoch microseconds: long; INTEGER: int;
 * DOUBLE: IEEE bits; BOOLEAN: one byte); the end is a byte 0 and the row count (long). Big-endian.
 * A file that ends early, holds other columns than the table or bytes after its end is refused.
 *
 * <p>Values are those of a {@link GoldRow}, stored as {@link GoldTable#bind} would store them on
 * DuckDB: a timestamp cut to the microsecond (DuckDB's driver does the same), an Integer in a BIGINT
 * column widened, a Long in an INTEGER column only when it fits, any value in a VARCHAR column as its
 * {@code toString()}.
 */
public final class RowFile {
  private RowFile() {}

  static final byte[] MAGIC = "SLROWS1\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte VARCHAR = 1;
  private static final byte BIGINT = 2;
  private static final byte INTEGER = 3;
  private static final byte DOUBLE = 4;
  private static final byte BOOLEAN = 5;
  private static final byte TIMESTAMP = 6;
  private static final int CHUNK = 1 << 16;

  /** A column's type code in the file. */
  static byte code(GoldTable.Column column) {
    return switch (column.sqlType()) {
      case Types.BIGINT -> BIGINT;
      case Types.INTEGER -> INTEGER;
      case Types.DOUBLE -> DOUBLE;
      case Types.BOOLEAN -> BOOLEAN;
      case Types.TIMESTAMP -> TIMESTAMP;
      default -> VARCHAR;
    };
  }

  /** Writes {@code rows} (each: the table's values in column order); returns how many. The caller closes {@code out}. */
  public static long write(OutputStream out, GoldTable table, Iterable<? extends List<Object>> rows) throws IOException {
    Writer w = new Writer(out);
    List<GoldTable.Column> columns = table.columns();
    byte[] codes = new byte[columns.size()];
    w.bytes(MAGIC, 0, MAGIC.length);
    w.putInt(columns.size());
    for (int i = 0; i < codes.length; i++) {
      codes[i] = code(columns.get(i));
      w.put(codes[i]);
    }
    long n = 0;
    for (List<Object> row : rows) {
      if (row.size() != codes.length) {
        throw new IllegalArgumentException(table.name() + " has " + codes.length + " columns, the row " + row.size()
            + " values");
      }
      w.put((byte) 1);
      for (int i = 0; i < codes.length; i++) {
        Object v = row.get(i);
        if (v == null) {
          w.put((byte) 0);
          continue;
        }
        w.put((byte) 1);
        switch (codes[i]) {
          case BIGINT -> w.putLong(whole(v, table, columns.get(i)));
          case INTEGER -> w.putInt(Math.toIntExact(whole(v, table, columns.get(i))));
          case DOUBLE -> w.putLong(Double.doubleToRawLongBits(typed(v, Number.class, table, columns.get(i)).doubleValue()));
          case BOOLEAN -> w.put((byte) (typed(v, Boolean.class, table, columns.get(i)) ? 1 : 0));
          case TIMESTAMP -> w.putLong(micros(typed(v, Instant.class, table, columns.get(i))));
          default -> {
            byte[] text = v.toString().getBytes(StandardCharsets.UTF_8);
            w.putInt(text.length);
            w.bytes(text, 0, text.length);
          }
        }
      }
      n++;
    }
    w.put((byte) 0);
    w.putLong(n);
    w.flush();
    return n;
  }

  /**
   * Appends every row of a file written by {@link #write} for {@code table}, read from {@code in} as
   * it is appended (a buffer's worth at a time, so an hour of millions of rows does not have to fit
   * in memory), with {@code appender} (opened on that table, whose columns are the table's in order:
   * the migrations create them so, and {@code RowFileTest} checks it); returns how many. The appender
   * is not flushed or closed here, nor is {@code in}.
   *
   * @throws IllegalArgumentException when the bytes are not a whole row file of that table
   */
  public static long append(InputStream in, GoldTable table, DuckDBAppender appender) throws SQLException, IOException {
    Reader r = new Reader(in, table);
    for (int i = 0; i < MAGIC.length; i++) {
      if (r.get() != MAGIC[i]) {
        throw r.bad("not a row file (no SLROWS1 header)");
      }
    }
    List<GoldTable.Column> columns = table.columns();
    int count = r.getInt();
    if (count != columns.size()) {
      throw r.bad("the file has " + count + " columns, the table " + columns.size());
    }
    byte[] codes = new byte[count];
    for (int i = 0; i < count; i++) {
      codes[i] = r.get();
      if (codes[i] != code(columns.get(i))) {
        throw r.bad("column " + (i + 1) + " (" + columns.get(i).name() + ") has type code " + codes[i] + " in the file, "
            + code(columns.get(i)) + " in the table");
      }
    }
    long n = 0;
    byte marker;
    while ((marker = r.get()) == 1) {
      appender.beginRow();
      for (int i = 0; i < count; i++) {
        if (r.get() == 0) {
          appender.appendNull();
          continue;
        }
        switch (codes[i]) {
          case BIGINT -> appender.append(r.getLong());
          case INTEGER -> appender.append(r.getInt());
          case DOUBLE -> appender.append(Double.longBitsToDouble(r.getLong()));
          case BOOLEAN -> appender.append(r.get() != 0);
          case TIMESTAMP -> appender.appendEpochMicros(r.getLong());
          default -> appender.append(r.getText());
        }
      }
      appender.endRow();
      n++;
    }
    if (marker != 0) {
      throw r.bad("row " + (n + 1) + " starts with " + marker + " (1: a row, 0: the end)");
    }
    long written = r.getLong();
    long after = r.rest();
    if (written != n || after != 0) {
      throw r.bad("the file says " + written + " rows, " + n + " were read, " + after + " bytes after its end");
    }
    return n;
  }

  /** Epoch microseconds of an instant, cut as DuckDB's driver cuts (towards the earlier microsecond). */
  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  private static long whole(Object v, GoldTable table, GoldTable.Column column) {
    if (v instanceof Long || v instanceof Integer) {
      return ((Number) v).longValue();
    }
    throw unexpected(v, table, column);
  }

  /** {@code v} as a {@code kind}, or an error naming the column it was meant for. */
  private static <T> T typed(Object v, Class<T> kind, GoldTable table, GoldTable.Column column) {
    if (kind.isInstance(v)) {
      return kind.cast(v);
    }
    throw unexpected(v, table, column);
  }

  private static IllegalArgumentException unexpected(Object v, GoldTable table, GoldTable.Column column) {
    return new IllegalArgumentException(table.name() + "." + column.name() + " cannot hold a " + v.getClass().getName()
        + " (" + v + ")");
  }

  /**
   * Big-endian bytes into a buffer, drained to the stream when full (a {@code DataOutputStream} over
   * a {@code BufferedOutputStream} would make a synchronized call per byte).
   */
  private static final class Writer {
    private final OutputStream out;
    private final byte[] buf = new byte[CHUNK];
    private int pos;

    Writer(OutputStream out) {
      this.out = out;
    }

    void put(byte b) throws IOException {
      if (pos == buf.length) {
        flush();
      }
      buf[pos++] = b;
    }

    void putInt(int v) throws IOException {
      if (pos + 4 > buf.length) {
        flush();
      }
      buf[pos++] = (byte) (v >>> 24);
      buf[pos++] = (byte) (v >>> 16);
      buf[pos++] = (byte) (v >>> 8);
      buf[pos++] = (byte) v;
    }

    void putLong(long v) throws IOException {
      putInt((int) (v >>> 32));
      putInt((int) v);
    }

    void bytes(byte[] b, int off, int len) throws IOException {
      if (len > buf.length - pos) {
        flush();
        if (len > buf.length) {
          out.write(b, off, len);
          return;
        }
      }
      System.arraycopy(b, off, buf, pos, len);
      pos += len;
    }

    void flush() throws IOException {
      out.write(buf, 0, pos);
      pos = 0;
    }
  }

  /**
   * Big-endian reads from a stream through a buffer that is refilled as it is used up, with a clear
   * error, naming the byte, when the file ends early.
   */
  private static final class Reader {
    private final InputStream in;
    private final GoldTable table;
    private final byte[] b = new byte[CHUNK];
    private int pos;
    private int limit;
    /** Bytes of the file before {@code b[0]}. */
    private long before;

    Reader(InputStream in, GoldTable table) {
      this.in = in;
      this.table = table;
    }

    /** Makes {@code n} (at most the buffer's size) bytes available at {@code pos}. */
    private void need(int n) throws IOException {
      if (limit - pos >= n) {
        return;
      }
      System.arraycopy(b, pos, b, 0, limit - pos);
      before += pos;
      limit -= pos;
      pos = 0;
      while (limit < n) {
        int read = in.read(b, limit, b.length - limit);
        if (read < 0) {
          throw bad("the file ends early (" + (before + limit) + " bytes)");
        }
        limit += read;
      }
    }

    byte get() throws IOException {
      need(1);
      return b[pos++];
    }

    int getInt() throws IOException {
      need(4);
      int v = (b[pos] & 0xff) << 24 | (b[pos + 1] & 0xff) << 16 | (b[pos + 2] & 0xff) << 8 | (b[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    long getLong() throws IOException {
      need(8);
      return (long) getInt() << 32 | (getInt() & 0xffffffffL);
    }

    String getText() throws IOException {
      int len = getInt();
      if (len < 0) {
        throw bad("a text of negative length " + len);
      }
      if (len <= b.length) {
        need(len);
        String s = new String(b, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
      }
      // longer than the buffer: gathered as it is read, so a damaged length costs no more memory than the file has
      ByteArrayOutputStream text = new ByteArrayOutputStream(2 * b.length);
      int left = len;
      while (left > 0) {
        need(1);
        int take = Math.min(left, limit - pos);
        text.write(b, pos, take);
        pos += take;
        left -= take;
      }
      return text.toString(StandardCharsets.UTF_8);
    }

    /** Reads to the end; returns how many bytes were left. */
    long rest() throws IOException {
      long n = limit - pos;
      pos = limit;
      for (int read = in.read(b); read >= 0; read = in.read(b)) {
        n += read;
      }
      return n;
    }

    IllegalArgumentException bad(String what) {
      return new IllegalArgumentException("staged rows of " + table.name() + ", at byte " + (before + pos) + ": " + what);
    }
  }
}
