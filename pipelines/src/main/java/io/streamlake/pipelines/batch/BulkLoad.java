package io.streamlake.pipelines.batch;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Appends rows to a warehouse table with the database's bulk path, on the caller's connection and
 * inside the caller's transaction: PostgreSQL {@code COPY ... FROM STDIN (FORMAT csv)} through the
 * driver's {@link org.postgresql.copy.CopyManager}, DuckDB's {@link DuckDBAppender}. Values are those
 * of a {@link GoldRow} (Instant, String, Long, Integer, Double, Boolean or null) and end up exactly as
 * {@link GoldTable#bind} would store them over a {@code PreparedStatement}: timestamps in UTC, rounded
 * to microseconds half up as PgJDBC does on PostgreSQL and cut to microseconds as DuckDB's driver does;
 * text byte for byte (CSV quoting, so commas, quotes, newlines and backslashes need nothing else; an
 * empty string stays an empty string, NULL stays NULL).
 */
public final class BulkLoad {
  private BulkLoad() {}

  /** Characters of CSV sent to PostgreSQL per CopyIn write. */
  private static final int CHUNK = 1 << 16;

  /**
   * Appends {@code rows} to {@code table}, whose physical columns must be exactly {@code columns} in
   * this order (the DuckDB Appender fills every column by position). Returns how many rows it wrote.
   */
  public static long append(Connection c, String table, List<GoldTable.Column> columns, Iterable<? extends List<Object>> rows)
      throws SQLException {
    if (c.isWrapperFor(DuckDBConnection.class)) {
      return appendDuckDb(c.unwrap(DuckDBConnection.class), table, columns, rows);
    } else if (c.isWrapperFor(PGConnection.class)) {
      return copyPostgres(c.unwrap(PGConnection.class), table, columns, rows);
    }
    throw new SQLException("no bulk path for " + c.getMetaData().getURL() + " (DuckDB or PostgreSQL only)");
  }

  private static long appendDuckDb(DuckDBConnection c, String table, List<GoldTable.Column> columns,
      Iterable<? extends List<Object>> rows) throws SQLException {
    long n = 0;
    try (DuckDBAppender appender = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table)) {
      for (List<Object> row : rows) {
        check(table, columns, row);
        appender.beginRow();
        for (int i = 0; i < columns.size(); i++) {
          Object v = row.get(i);
          if (v == null) {
            appender.appendNull();
            continue;
          }
          switch (columns.get(i).sqlType()) {
            case Types.TIMESTAMP -> appender.append(LocalDateTime.ofInstant(((Instant) v).truncatedTo(ChronoUnit.MICROS),
                ZoneOffset.UTC));
            case Types.BIGINT -> appender.append(((Number) v).longValue());
            case Types.INTEGER -> appender.append(((Number) v).intValue());
            case Types.DOUBLE -> appender.append(((Number) v).doubleValue());
            case Types.BOOLEAN -> appender.append(((Boolean) v).booleanValue());
            default -> appender.append(v.toString());
          }
        }
        appender.endRow();
        n++;
      }
    }
    return n;
  }

  private static long copyPostgres(PGConnection c, String table, List<GoldTable.Column> columns,
      Iterable<? extends List<Object>> rows) throws SQLException {
    String sql = "COPY " + table + " (" + String.join(", ", columns.stream().map(GoldTable.Column::name).toList())
        + ") FROM STDIN WITH (FORMAT csv)";
    CopyIn copy = c.getCopyAPI().copyIn(sql);
    long n = 0;
    try {
      StringBuilder csv = new StringBuilder(CHUNK + 1024);
      for (List<Object> row : rows) {
        check(table, columns, row);
        for (int i = 0; i < columns.size(); i++) {
          if (i > 0) {
            csv.append(',');
          }
          csvField(csv, row.get(i));
        }
        csv.append('\n');
        n++;
        if (csv.length() >= CHUNK) {
          write(copy, csv);
        }
      }
      write(copy, csv);
      copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
    return n;
  }

  private static void write(CopyIn copy, StringBuilder csv) throws SQLException {
    if (csv.length() > 0) {
      byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
      copy.writeToCopy(bytes, 0, bytes.length);
      csv.setLength(0);
    }
  }

  /**
   * One value as a PostgreSQL CSV field: NULL unquoted and empty; text always quoted (so an empty
   * string is not NULL), quotes doubled; timestamps as UTC {@code yyyy-MM-dd HH:mm:ss.ffffff}.
   */
  static void csvField(StringBuilder out, Object v) {
    if (v == null) {
      return;
    }
    if (v instanceof Instant t) {
      pgTimestamp(out, t);
    } else if (v instanceof Number || v instanceof Boolean) {
      // Long/Integer as digits; Double.toString round-trips exactly (NaN, Infinity and 1.0E-5 are valid float8 input)
      out.append(v);
    } else {
      String s = v.toString();
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch == '"') {
          out.append('"');
        }
        out.append(ch);
      }
      out.append('"');
    }
  }

  /** As PgJDBC sends a LocalDateTime: UTC, rounded half up to microseconds, {@code yyyy-MM-dd HH:mm:ss.ffffff}. */
  static String pgTimestamp(Instant t) {
    StringBuilder out = new StringBuilder(26);
    pgTimestamp(out, t);
    return out.toString();
  }

  private static void pgTimestamp(StringBuilder out, Instant t) {
    LocalDateTime local = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    int subMicros = local.getNano() % 1000;
    local = subMicros >= 500 ? local.plusNanos(1000 - subMicros) : local.minusNanos(subMicros);
    out.append(local.toLocalDate()).append(' ');
    pad(out, local.getHour(), 2).append(':');
    pad(out, local.getMinute(), 2).append(':');
    pad(out, local.getSecond(), 2).append('.');
    pad(out, local.getNano() / 1000, 6);
  }

  private static StringBuilder pad(StringBuilder out, int value, int digits) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < digits; i++) {
      out.append('0');
    }
    return out.append(s);
  }

  private static void check(String table, List<GoldTable.Column> columns, List<Object> row) {
    if (row.size() != columns.size()) {
      throw new IllegalArgumentException(table + " has " + columns.size() + " columns, the row " + row.size() + " values");
    }
  }
}
