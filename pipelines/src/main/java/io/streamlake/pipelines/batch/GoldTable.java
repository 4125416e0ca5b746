package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.common.Warehouse;
import java.io.Serializable;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A warehouse table the hourly batch replaces one hour at a time: its columns (the first is always
 * {@code hour}) and its key. The batch stages an hour's rows as a file in the lake ({@link
 * StageRows}), then loads it in (see {@link HourLoader}). The tables themselves are created by the
 * migrations {@code V2xx__*.sql}.
 */
public record GoldTable(String name, List<Column> columns, List<String> keys) implements Serializable {

  /** A column and its JDBC type. */
  public record Column(String name, int sqlType) implements Serializable {}

  public static Column hourColumn() {
    return new Column("hour", Types.TIMESTAMP);
  }

  public static Column text(String name) {
    return new Column(name, Types.VARCHAR);
  }

  public static Column bigint(String name) {
    return new Column(name, Types.BIGINT);
  }

  public static Column integer(String name) {
    return new Column(name, Types.INTEGER);
  }

  public static Column number(String name) {
    return new Column(name, Types.DOUBLE);
  }

  public static Column timestamp(String name) {
    return new Column(name, Types.TIMESTAMP);
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  /** Binds a row's values (in column order) from parameter {@code first} on. */
  public void bind(PreparedStatement s, int first, List<Object> values) throws SQLException {
    if (values.size() != columns.size()) {
      throw new IllegalArgumentException(name + " has " + columns.size() + " columns, the row " + values.size() + " values");
    }
    for (int i = 0; i < values.size(); i++) {
      int p = first + i;
      Object v = values.get(i);
      if (v == null) {
        s.setNull(p, columns.get(i).sqlType());
      } else if (v instanceof Instant t) {
        s.setObject(p, Warehouse.utc(t));
      } else if (v instanceof Long l) {
        s.setLong(p, l);
      } else if (v instanceof Integer n) {
        s.setInt(p, n);
      } else if (v instanceof Double d) {
        s.setDouble(p, d);
      } else if (v instanceof Boolean b) {
        s.setBoolean(p, b);
      } else {
        s.setString(p, v.toString());
      }
    }
  }

  @Override
  public String toString() {
    return name + columns.stream().map(Column::name).collect(Collectors.joining(", ", "(", ")"));
  }
}
