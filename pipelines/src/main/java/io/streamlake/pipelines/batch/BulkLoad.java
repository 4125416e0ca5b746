package io.streamlake.pipelines.batch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The warehouse's bulk path for an hour's rows: rows are written once as a staging file (by the
 * batch's pipeline, into the lake: {@link StageRows}) and loaded inside the caller's transaction:
 * PostgreSQL {@code COPY ... FROM STDIN (FORMAT csv)} of a CSV file through the driver's {@link
 * org.postgresql.copy.CopyManager}; DuckDB's {@link DuckDBAppender} fed from a {@link RowFile} (a
 * CSV file and {@code INSERT ... SELECT FROM read_csv(...)} before: the appender takes the busy
 * hour's rows in about half the time).
 *
 * <p>Values are those of a {@link GoldRow} (Instant, String, Long, Integer, Double, Boolean or null)
 * and end up exactly as {@link GoldTable#bind} would store them over a {@code PreparedStatement}:
 * timestamps in UTC, rounded to microseconds half up as PgJDBC does on PostgreSQL and cut to
 * microseconds as DuckDB's driver does ({@link Dialect}); text byte for byte (in CSV always quoted,
 * quotes doubled, so commas, quotes, newlines and backslashes need nothing else; an empty string stays
 * an empty string, NULL, an empty unquoted field, stays NULL).
 */
public final class BulkLoad {
  private BulkLoad() {}

  /** Bytes of CSV per write: the writer's buffer, and what CopyIn sends at a time. */
  private static final int CHUNK = 1 << 16;

  /** How a database's driver stores an Instant's sub-microsecond part: what the CSV must say to store the same. */
  public enum Dialect {
    /** PgJDBC rounds half up to microseconds. */
    POSTGRESQL,
    /** DuckDB's driver cuts to microseconds. */
    DUCKDB;

    /** The dialect of a warehouse JDBC URL (DuckDB or PostgreSQL). */
    public static Dialect of(String jdbcUrl) {
      if (jdbcUrl.startsWith("jdbc:duckdb:")) {
        return DUCKDB;
      } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
        return POSTGRESQL;
      }
      throw new IllegalArgumentException("no bulk path for " + jdbcUrl + " (DuckDB or PostgreSQL only)");
    }
  }

  /**
   * Writes {@code rows} (each: {@code table}'s values in column order) as UTF-8 CSV; returns how many.
   * The caller closes {@code out}.
   */
  public static long writeCsv(OutputStream out, GoldTable table, Iterable<? extends List<Object>> rows, Dialect dialect)
      throws IOException {
    CsvBytes csv = new CsvBytes(out, dialect);
    long n = 0;
    for (List<Object> row : rows) {
      checkWidth(table, row);
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          csv.comma();
        }
        csv.field(row.get(i));
      }
      csv.newline();
      n++;
    }
    csv.flush();
    return n;
  }

  /**
   * Writes {@code rows} (each: {@code table}'s values in column order) as the dialect's staging file:
   * CSV ({@link #writeCsv}) for PostgreSQL's COPY, a {@link RowFile} for DuckDB's appender. Returns how
   * many. The caller closes {@code out}.
   */
  public static long writeStaged(OutputStream out, GoldTable table, Iterable<? extends List<Object>> rows,
      Dialect dialect) throws IOException {
    return dialect == Dialect.DUCKDB ? RowFile.write(out, table, rows) : writeCsv(out, table, rows, dialect);
  }

  /**
   * Appends the rows of a staging file written by {@link #writeStaged} for the warehouse's dialect to
   * {@code table}, on the caller's connection and transaction; returns how many rows it appended. The
   * file is read through Beam's filesystems: PostgreSQL COPYs it as it is read, DuckDB's appender takes
   * its rows (the appender's rows belong to the connection's transaction: a rollback drops them).
   */
  public static long loadStaged(Connection c, GoldTable table, ResourceId file) throws SQLException {
    try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
      if (c.isWrapperFor(DuckDBConnection.class)) {
        if (!c.getAutoCommit()) {
          // DuckDB's driver begins the caller's transaction at its first statement; an appender used
          // before any statement commits its rows itself, and a rollback would not take them back
          try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
          }
        }
        try (DuckDBAppender appender = c.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA,
            table.name())) {
          return RowFile.append(in, table, appender);
        }
      } else if (c.isWrapperFor(PGConnection.class)) {
        return c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql(table), in, CHUNK);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the staged file " + file + ": " + e.getMessage(), e);
    } catch (SQLException e) {
      throw new SQLException("loading " + file + " into " + table.name() + ": " + e.getMessage(), e.getSQLState(), e);
    }
    throw new SQLException("no bulk path for " + c.getMetaData().getURL() + " (DuckDB or PostgreSQL only)");
  }

  /**
   * PostgreSQL COPY of rows given as Java values (each: {@code table}'s values in column order), on
   * the caller's connection and transaction: the CSV of {@link #writeCsv} sent as it is produced.
   */
  public static long copy(Connection c, GoldTable table, Iterable<? extends List<Object>> rows) throws SQLException {
    CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql(table));
    try {
      long n = writeCsv(new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
          try {
            copy.writeToCopy(bytes, off, len);
          } catch (SQLException e) {
            throw new IOException(e);
          }
        }
      }, table, rows, Dialect.POSTGRESQL);
      copy.endCopy();
      return n;
    } catch (IOException e) {
      throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e);
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  private static String copySql(GoldTable table) {
    return "COPY " + table.name() + " (" + String.join(", ", table.columnNames()) + ") FROM STDIN WITH (FORMAT csv)";
  }

  private static void checkWidth(GoldTable table, List<Object> row) {
    if (row.size() != table.columns().size()) {
      throw new IllegalArgumentException(table.name() + " has " + table.columns().size() + " columns, the row "
          + row.size() + " values");
    }
  }

  /** One value as a CSV field, as {@link #writeCsv} writes it (for tests and messages). */
  static String csvField(Object v, Dialect dialect) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      CsvBytes csv = new CsvBytes(out, dialect);
      csv.field(v);
      csv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A timestamp as the dialect's driver stores it: UTC {@code yyyy-MM-dd HH:mm:ss.ffffff}. */
  static String timestamp(Instant t, Dialect dialect) {
    return csvField(t, dialect);
  }

  /**
   * CSV fields straight into bytes: NULL unquoted and empty; text always quoted (so an empty string is
   * not NULL), quotes doubled, UTF-8; whole numbers as digits; doubles as {@link Double#toString}
   * (round-trips exactly; NaN, Infinity and 1.0E-5 are valid input to both databases); booleans as
   * {@code true}/{@code false}; timestamps as UTC {@code yyyy-MM-dd HH:mm:ss.ffffff}, to the
   * microsecond as the dialect's driver stores them. A quote is one byte in UTF-8 and never part of a
   * longer sequence, so doubling it on the encoded bytes is exact.
   */
  static final class CsvBytes {
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private final OutputStream out;
    private final Dialect dialect;
    private final byte[] buf = new byte[CHUNK];
    private int pos;
    private long cachedDay = Long.MIN_VALUE;
    private final byte[] cachedDate = new byte[11];

    CsvBytes(OutputStream out, Dialect dialect) {
      this.out = out;
      this.dialect = dialect;
    }

    void comma() throws IOException {
      put((byte) ',');
    }

    void newline() throws IOException {
      put((byte) '\n');
    }

    void field(Object v) throws IOException {
      if (v == null) {
        return;
      }
      if (v instanceof Long l) {
        digits(l);
      } else if (v instanceof Integer i) {
        digits(i);
      } else if (v instanceof Instant t) {
        timestamp(t);
      } else if (v instanceof String text) {
        text(text);
      } else if (v instanceof Number || v instanceof Boolean) {
        ascii(v.toString());
      } else {
        text(v.toString());
      }
    }

    private void text(String s) throws IOException {
      room(s.length() + 2);
      buf[pos++] = '"';
      int n = s.length();
      for (int i = 0; i < n; i++) {
        char ch = s.charAt(i);
        if (ch >= 0x80) {
          encoded(s.substring(i).getBytes(StandardCharsets.UTF_8));
          put((byte) '"');
          return;
        }
        if (pos + 2 > buf.length) {
          drain();
        }
        if (ch == '"') {
          buf[pos++] = '"';
        }
        buf[pos++] = (byte) ch;
      }
      put((byte) '"');
    }

    private void encoded(byte[] bytes) throws IOException {
      for (byte b : bytes) {
        if (pos + 2 > buf.length) {
          drain();
        }
        if (b == '"') {
          buf[pos++] = '"';
        }
        buf[pos++] = b;
      }
    }

    private void ascii(String s) throws IOException {
      room(s.length());
      for (int i = 0; i < s.length(); i++) {
        buf[pos++] = (byte) s.charAt(i);
      }
    }

    private void digits(long v) throws IOException {
      if (v == Long.MIN_VALUE) {
        ascii(Long.toString(v));
        return;
      }
      room(20);
      if (v < 0) {
        buf[pos++] = '-';
        v = -v;
      }
      int start = pos;
      do {
        buf[pos++] = (byte) ('0' + v % 10);
        v /= 10;
      } while (v > 0);
      for (int i = start, j = pos - 1; i < j; i++, j--) {
        byte b = buf[i];
        buf[i] = buf[j];
        buf[j] = b;
      }
    }

    private void timestamp(Instant t) throws IOException {
      long micros = Math.multiplyExact(t.getEpochSecond(), 1_000_000L) + t.getNano() / 1000;
      if (dialect == Dialect.POSTGRESQL && t.getNano() % 1000 >= 500) {
        micros++;
      }
      long day = Math.floorDiv(micros, MICROS_PER_DAY);
      long ofDay = Math.floorMod(micros, MICROS_PER_DAY);
      if (day != cachedDay) {
        String date = LocalDate.ofEpochDay(day) + " ";
        if (date.length() != cachedDate.length) {
          // years outside 0000-9999: rare enough to format in full
          ascii(LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), 0, ZoneOffset.UTC).toLocalDate() + " ");
          time(ofDay);
          return;
        }
        for (int i = 0; i < cachedDate.length; i++) {
          cachedDate[i] = (byte) date.charAt(i);
        }
        cachedDay = day;
      }
      room(cachedDate.length + 15);
      System.arraycopy(cachedDate, 0, buf, pos, cachedDate.length);
      pos += cachedDate.length;
      time(ofDay);
    }

    /** {@code HH:mm:ss.ffffff} of microseconds into the day. */
    private void time(long ofDay) throws IOException {
      room(15);
      long seconds = ofDay / 1_000_000L;
      two((int) (seconds / 3600));
      buf[pos++] = ':';
      two((int) (seconds / 60 % 60));
      buf[pos++] = ':';
      two((int) (seconds % 60));
      buf[pos++] = '.';
      int fraction = (int) (ofDay % 1_000_000L);
      for (int i = 5; i >= 0; i--) {
        buf[pos + i] = (byte) ('0' + fraction % 10);
        fraction /= 10;
      }
      pos += 6;
    }

    private void two(int v) {
      buf[pos++] = (byte) ('0' + v / 10);
      buf[pos++] = (byte) ('0' + v % 10);
    }

    private void put(byte b) throws IOException {
      if (pos == buf.length) {
        drain();
      }
      buf[pos++] = b;
    }

    /** Makes room for {@code n} bytes (at most the buffer's size). */
    private void room(int n) throws IOException {
      if (pos + Math.min(n, buf.length) > buf.length) {
        drain();
      }
    }

    private void drain() throws IOException {
      out.write(buf, 0, pos);
      pos = 0;
    }

    void flush() throws IOException {
      drain();
      out.flush();
    }
  }
}
