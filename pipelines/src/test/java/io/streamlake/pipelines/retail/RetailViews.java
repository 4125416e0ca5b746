package io.streamlake.pipelines.retail;

import io.streamlake.pipelines.common.Warehouse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/** Reads the three customer views (and table sizes) of the OLTP store into the model's records. */
final class RetailViews {
  final Map<String, RetailModel.Spend> spend = new TreeMap<>();
  final Map<String, RetailModel.Invoice> history = new TreeMap<>();
  final Map<String, RetailModel.Returned> returned = new TreeMap<>();

  static RetailViews read(Warehouse warehouse) {
    RetailViews v = new RetailViews();
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT customer_id, country, order_count, ordered_minor, refunded_minor,"
          + " total_spend_minor, first_invoice_at, last_invoice_at FROM customer_total_spend")) {
        while (rs.next()) {
          v.spend.put(rs.getString(1), new RetailModel.Spend(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
              rs.getLong(5), rs.getLong(6), instant(rs, 7), instant(rs, 8)));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT customer_id, invoice_no, invoice_date, country, kind, line_count,"
          + " item_count, total_minor FROM customer_order_history")) {
        while (rs.next()) {
          v.history.put(rs.getString(2), new RetailModel.Invoice(rs.getString(1), rs.getString(2), instant(rs, 3),
              rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT customer_id, invoice_no, line_no, returned_at, stock_code, description,"
          + " returned_quantity, unit_price_minor, refund_minor FROM customer_returned_items")) {
        while (rs.next()) {
          v.returned.put(rs.getString(2) + "#" + rs.getInt(3), new RetailModel.Returned(rs.getString(1), rs.getString(2),
              rs.getInt(3), instant(rs, 4), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getLong(8), rs.getLong(9)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the customer views: " + e.getMessage(), e);
    }
    return v;
  }

  boolean matches(RetailModel model) {
    return spend.equals(model.spend) && history.equals(model.history) && returned.equals(model.returned);
  }

  String progress(RetailModel model) {
    return "spend " + spend.size() + "/" + model.spend.size() + ", history " + history.size() + "/" + model.history.size()
        + ", returned " + returned.size() + "/" + model.returned.size();
  }

  static long count(Warehouse warehouse, String table) {
    try (Connection c = warehouse.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    LocalDateTime t = rs.getObject(column, LocalDateTime.class);
    return t == null ? null : t.toInstant(ZoneOffset.UTC);
  }
}
