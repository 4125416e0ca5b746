package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.common.Warehouse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads gold tables back as value lists in column order, typed like the model's (Instant, String, Long, Integer, Double). */
final class WarehouseRows {
  private WarehouseRows() {}

  static List<List<Object>> read(Warehouse warehouse, GoldTable table) {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = warehouse.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + String.join(", ", table.columnNames()) + " FROM " + table.name())) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < table.columns().size(); i++) {
          int col = i + 1;
          Object v = switch (table.columns().get(i).sqlType()) {
            case Types.TIMESTAMP -> {
              LocalDateTime t = rs.getObject(col, LocalDateTime.class);
              yield t == null ? null : t.toInstant(ZoneOffset.UTC);
            }
            case Types.BIGINT -> rs.getLong(col);
            case Types.INTEGER -> rs.getInt(col);
            case Types.DOUBLE -> rs.getDouble(col);
            default -> rs.getString(col);
          };
          row.add(rs.wasNull() ? null : v);
        }
        rows.add(row);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + table.name() + ": " + e.getMessage(), e);
    }
    return sorted(rows);
  }

  /** Every gold table, by name. */
  static Map<String, List<List<Object>>> gold(Warehouse warehouse) {
    Map<String, List<List<Object>>> out = new TreeMap<>();
    for (GoldTables.Spec spec : GoldTables.ALL) {
      out.put(spec.table().name(), read(warehouse, spec.table()));
    }
    return out;
  }

  static List<List<Object>> sorted(List<List<Object>> rows) {
    List<List<Object>> out = new ArrayList<>(rows);
    out.sort(Comparator.comparing(Object::toString));
    return out;
  }

  static long count(Warehouse warehouse, String sql) {
    try (Connection c = warehouse.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
