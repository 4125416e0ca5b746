package io.streamlake.pipelines.common;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints what is in the warehouse: every table with its row count, then headline numbers of the
 * tables that exist.
 *
 * <pre>java -cp ... io.streamlake.pipelines.common.WarehouseSummary jdbc:duckdb:.local/warehouse.duckdb</pre>
 */
public final class WarehouseSummary {
  private WarehouseSummary() {}

  static final String[][] HEADLINES = {
    {"bookings_fact", "paid share of bookings",
        "SELECT round(100.0 * sum(CASE WHEN status = 'PAID' THEN 1 ELSE 0 END) / count(*), 1) || ' %' FROM bookings_fact"},
    {"bookings_fact", "bookings by status",
        "SELECT string_agg(status || '=' || n, ', ') FROM (SELECT status, count(*) AS n FROM bookings_fact GROUP BY status ORDER BY status) s"},
    {"bookings_fact", "paid revenue (EUR)",
        "SELECT round(sum(paid_amount_minor) / 100.0, 2) FROM bookings_fact WHERE status = 'PAID'"},
    {"bookings_orphan_payments", "orphan payments", "SELECT count(*) FROM bookings_orphan_payments"},
    {"boxoffice_minutely", "average wait at the box office (s)",
        "SELECT round(CAST(avg(avg_wait_seconds) AS NUMERIC), 1) FROM boxoffice_minutely"},
    {"pageviews_by_method_5m", "page views by method",
        "SELECT string_agg(method || '=' || n, ', ') FROM (SELECT method, sum(views) AS n FROM pageviews_by_method_5m GROUP BY method ORDER BY n DESC) s"},
    {"latency_alerts", "latency alerts", "SELECT count(*) FROM latency_alerts"},
    {"vip_alerts", "VIP alerts", "SELECT count(*) FROM vip_alerts"},
    {"low_star_followups", "low-star ratings followed by views",
        "SELECT count(*) FROM low_star_followups"},
    {"gold_ticketing_show_hourly", "hourly batch: paid share of bookings",
        "SELECT round(100.0 * sum(paid_bookings) / nullif(sum(bookings), 0), 1) || ' %' FROM gold_ticketing_show_hourly"},
    // moviegoers are distinct per theater and hour: their sum counts a person once per theater and hour
    {"gold_boxoffice_theater_hourly", "hourly batch: moviegoers (per theater and hour, summed), avg wait (s)",
        "SELECT sum(moviegoers) || ', ' || round(CAST(avg(avg_wait_seconds) AS NUMERIC), 1) FROM gold_boxoffice_theater_hourly"},
    {"gold_retail_top_products_hourly", "hourly batch: top products (revenue)",
        "SELECT string_agg(stock_code || ' ' || round(r / 100.0, 2), ', ') FROM (SELECT stock_code, sum(revenue_minor) AS r"
            + " FROM gold_retail_top_products_hourly GROUP BY stock_code ORDER BY r DESC, stock_code LIMIT 3) s"},
    {"gold_retail_sales_hourly", "hourly batch: retail net sales",
        "SELECT round(sum(net_sales_minor) / 100.0, 2) FROM gold_retail_sales_hourly"},
    // orders counts the orders holding each product: an order of two products counts in two rows
    {"gold_shop_product_hourly", "hourly batch: web-shop order lines (orders per product, summed), revenue",
        "SELECT sum(orders) || ', ' || round(sum(revenue_minor) / 100.0, 2) FROM gold_shop_product_hourly"},
  };

  public static void main(String[] args) throws SQLException {
    String url = args.length > 0 ? args[0] : "jdbc:duckdb:.local/warehouse.duckdb";
    Warehouse warehouse = new Warehouse(url, null, "STREAMLAKE_JDBC_PASSWORD");
    try (Connection c = warehouse.connect()) {
      List<String> tables = tables(c);
      System.out.println("warehouse " + url);
      for (String t : tables) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t)) {
          rs.next();
          System.out.printf("  %-36s %10d rows%n", t, rs.getLong(1));
        }
      }
      headlines(c, tables).forEach((label, value) -> System.out.printf("  %-36s %s%n", label + ":", value));
    }
  }

  /** The headline of each of {@code tables} that has one, by label: its value, or why its query failed. */
  static Map<String, String> headlines(Connection c, List<String> tables) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String[] h : HEADLINES) {
      if (tables.contains(h[0])) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(h[2])) {
          rs.next();
          out.put(h[1], rs.getString(1));
        } catch (SQLException e) {
          out.put(h[1], "(query failed: " + e.getMessage() + ")");
        }
      }
    }
    return out;
  }

  static List<String> tables(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    DatabaseMetaData meta = c.getMetaData();
    try (ResultSet rs = meta.getTables(null, null, "%", new String[] {"TABLE", "BASE TABLE"})) {
      while (rs.next()) {
        String schema = rs.getString("TABLE_SCHEM");
        if (schema == null || schema.equals("public") || schema.equals("main")) {
          out.add(rs.getString("TABLE_NAME"));
        }
      }
    }
    out.sort(String::compareTo);
    return out;
  }
}
