package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.common.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The tests a load must pass before it commits (what dbt tests check): keys not null and unique in
 * every gold table, gold counts and totals equal to those of silver ({@code batch_topic_stats}), and
 * totals that must agree between gold tables. Each check is a query for the offending rows of one hour;
 * no row means it passed. They run as one combined query; a failing check is then run alone to name its rows. Plain SQL that runs the same on DuckDB and PostgreSQL.
 */
public final class DataChecks {
  private DataChecks() {}

  /**
   * A check: its name and a query whose every {@code ?} is the hour. Checks that share a {@code probe}
   * (a query that finds rows whenever any of them would) are found failing together by it, in one
   * pass over the hour, and then run alone; a check without one is its own probe.
   */
  public record Check(String name, String sql, Check probe) {
    public Check(String name, String sql) {
      this(name, sql, null);
    }

    /** The query that tells whether this check may fail. */
    public Check probeOrSelf() {
      return probe == null ? this : probe;
    }
  }

  /** A failed check, with the offending rows (at most {@link #MAX_ROWS}, then a count of the rest). */
  public record Failure(String check, List<String> rows) {
    public String describe() {
      return check + ": " + String.join("; ", rows);
    }
  }

  static final int MAX_ROWS = 10;

  /** Every check, in the order they run. */
  public static List<Check> all() {
    List<Check> checks = new ArrayList<>();
    List<GoldTable> tables = new ArrayList<>(GoldTables.ALL.stream().map(GoldTables.Spec::table).toList());
    tables.add(TopicStats.TABLE);
    for (GoldTable t : tables) {
      String keys = String.join(", ", t.keys());
      String anyNull = t.keys().stream().map(k -> k + " IS NULL").collect(Collectors.joining(" OR "));
      // both key checks in one pass over the hour, without grouping it: as many distinct keys as rows, no NULL key
      List<String> others = t.keys().stream().filter(k -> !k.equals("hour")).toList();
      String duplicates = others.isEmpty() ? "count(*) > 1" : "count(*) <> count(DISTINCT "
          + (others.size() == 1 ? others.get(0) : "(" + String.join(", ", others) + ")") + ")";
      Check probe = new Check(t.name() + ".keys", "SELECT 1 FROM " + t.name() + " WHERE hour = ? HAVING " + duplicates
          + t.keys().stream().map(k -> " OR count(*) <> count(" + k + ")").collect(Collectors.joining()));
      checks.add(new Check(t.name() + ".keys_not_null", "SELECT " + keys + " FROM " + t.name() + " WHERE hour = ? AND ("
          + anyNull + ")", probe));
      checks.add(new Check(t.name() + ".keys_unique", "SELECT " + keys + ", count(*) AS copies FROM " + t.name()
          + " WHERE hour = ? GROUP BY " + keys + " HAVING count(*) > 1", probe));
    }
    checks.add(matches("ticketing.bookings_match_silver", "gold_ticketing_show_hourly", "bookings", "bookings", "silver_rows"));
    checks.add(matches("ticketing.booked_amount_matches_silver", "gold_ticketing_show_hourly", "booked_amount_minor",
        "bookings", "control_total"));
    checks.add(new Check("ticketing.paid_within_bookings", "SELECT show_id, venue, bookings, paid_bookings, paid_share,"
        + " revenue_minor FROM gold_ticketing_show_hourly WHERE hour = ? AND (paid_bookings > bookings OR paid_share < 0"
        + " OR paid_share > 1 OR revenue_minor < 0)"));
    checks.add(matches("boxoffice.events_match_silver", "gold_boxoffice_theater_hourly",
        "arrivals + purchases + left_without_buying", "boxoffice", "silver_rows"));
    checks.add(matches("boxoffice.tickets_match_silver", "gold_boxoffice_theater_hourly", "tickets_sold", "boxoffice",
        "control_total"));
    checks.add(new Check("boxoffice.waits_not_negative", "SELECT theater_id, avg_wait_seconds, p90_wait_seconds FROM"
        + " gold_boxoffice_theater_hourly WHERE hour = ? AND (avg_wait_seconds < 0 OR p90_wait_seconds < 0)"));
    checks.add(matches("retail.lines_match_silver", "gold_retail_sales_hourly", "lines", "retail-invoice-lines",
        "silver_rows"));
    checks.add(matches("retail.net_sales_match_silver", "gold_retail_sales_hourly", "net_sales_minor",
        "retail-invoice-lines", "control_total"));
    checks.add(new Check("retail.cancellations_match_sales", "SELECT c.refunded, s.cancelled FROM"
        + " (SELECT coalesce(sum(refunded_minor), 0) AS refunded FROM gold_retail_cancellations_hourly WHERE hour = ?) c,"
        + " (SELECT coalesce(sum(cancelled_minor), 0) AS cancelled FROM gold_retail_sales_hourly WHERE hour = ?) s"
        + " WHERE c.refunded <> s.cancelled"));
    checks.add(new Check("retail.top_products_ranked_1_to_n", "SELECT count(*) AS products, min(rank) AS first_rank,"
        + " max(rank) AS last_rank FROM gold_retail_top_products_hourly WHERE hour = ? HAVING count(*) > "
        + RetailGold.TOP_N + " OR min(rank) <> 1 OR max(rank) <> count(*)"));
    checks.add(matches("shop.revenue_matches_silver", "gold_shop_product_hourly", "revenue_minor", "orders",
        "control_total"));
    return checks;
  }

  /** A check that a gold sum equals a silver statistic of a topic (both 0 when the hour has none). */
  private static Check matches(String name, String table, String goldSum, String topic, String stat) {
    return new Check(name, "SELECT g.gold, s.silver FROM (SELECT coalesce(sum(" + goldSum + "), 0) AS gold FROM "
        + table + " WHERE hour = ?) g, (SELECT coalesce(sum(" + stat + "), 0) AS silver FROM batch_topic_stats"
        + " WHERE hour = ? AND topic = '" + topic + "') s WHERE g.gold <> s.silver");
  }

  /**
   * Runs every check for one hour on this connection (inside the load transaction); returns the
   * failures, in check order. One query finds which probes fail ({@link #failing}); only their checks
   * are run again, alone, to report their rows. A passing load costs one round trip.
   */
  public static List<Failure> run(Connection c, Hour hour) throws SQLException {
    return run(c, hour, GoldTables.ALL.stream().map(GoldTables.Spec::table).toList());
  }

  /**
   * Runs, as {@link #run(Connection, Hour)}, the checks that concern only the gold tables this run
   * rebuilt (and {@code batch_topic_stats}): a run narrowed with {@code --topics} leaves the other gold
   * tables as they were, and comparing one of them with the run's new silver statistics failed valid
   * data (a bookings-only run against the ticketing table, which also needs payments).
   */
  public static List<Failure> run(Connection c, Hour hour, Collection<GoldTable> rebuilt) throws SQLException {
    Set<String> rebuiltNames = rebuilt.stream().map(GoldTable::name).collect(Collectors.toSet());
    List<Check> checks = all().stream().filter(k -> concernsOnly(k, rebuiltNames)).toList();
    Set<String> failing = failing(c, probes(checks), hour);
    List<Failure> failures = new ArrayList<>();
    for (Check check : checks) {
      if (failing.contains(check.probeOrSelf().name())) {
        Failure f = failure(c, check, hour);
        // a probe shared by several checks fails when any of them does: only the ones with rows failed
        if (!f.rows().isEmpty() || check.probe() == null) {
          failures.add(f.rows().isEmpty() ? new Failure(f.check(), List.of("(failed in the combined query, no rows when"
              + " run alone)")) : f);
        }
      }
    }
    return failures;
  }

  /** Whether every gold table the check's query reads is among {@code rebuilt}. */
  static boolean concernsOnly(Check check, Set<String> rebuilt) {
    String sql = check.probeOrSelf().sql() + " " + check.sql();
    return GoldTables.ALL.stream().map(s -> s.table().name())
        .filter(name -> Pattern.compile("\\b" + name + "\\b").matcher(sql).find())
        .allMatch(rebuilt::contains);
  }

  /** The distinct probes of the checks, in check order. */
  static List<Check> probes(List<Check> checks) {
    Map<String, Check> out = new LinkedHashMap<>();
    for (Check k : checks) {
      out.putIfAbsent(k.probeOrSelf().name(), k.probeOrSelf());
    }
    return new ArrayList<>(out.values());
  }

  /** The names of the failing probes: {@code SELECT name WHERE EXISTS (query) UNION ALL ...}, one query. */
  static Set<String> failing(Connection c, List<Check> probes, Hour hour) throws SQLException {
    String sql = probes.stream().map(k -> "SELECT CAST('" + k.name().replace("'", "''") + "' AS VARCHAR) AS failed"
        + " WHERE EXISTS (" + k.sql() + ")").collect(Collectors.joining(" UNION ALL "));
    Set<String> out = new HashSet<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bindHour(s, sql, hour);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** One check's offending rows. */
  private static Failure failure(Connection c, Check check, Hour hour) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(check.sql())) {
      bindHour(s, check.sql(), hour);
      try (ResultSet rs = s.executeQuery()) {
        List<String> rows = new ArrayList<>();
        int n = 0;
        ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          if (++n <= MAX_ROWS) {
            List<String> cells = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              cells.add(meta.getColumnLabel(i).toLowerCase() + "=" + rs.getObject(i));
            }
            rows.add(String.join(", ", cells));
          }
        }
        if (n > MAX_ROWS) {
          rows.add("... and " + (n - MAX_ROWS) + " more rows");
        }
        return new Failure(check.name(), rows);
      }
    }
  }

  private static void bindHour(PreparedStatement s, String sql, Hour hour) throws SQLException {
    int params = (int) sql.chars().filter(ch -> ch == '?').count();
    for (int i = 1; i <= params; i++) {
      s.setObject(i, Warehouse.utc(hour.start()));
    }
  }

  /** Thrown when a load fails its checks; the load was rolled back. */
  public static final class DataCheckException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Failure> failures;

    public DataCheckException(Hour hour, List<Failure> failures) {
      super("data checks failed for hour " + hour + " (the load was rolled back): "
          + failures.stream().map(Failure::describe).collect(Collectors.joining(" | ")));
      this.failures = failures;
    }

    public List<Failure> failures() {
      return failures;
    }
  }
}
