package io.streamlake.pipelines.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.devservices.PostgresServer;
import io.streamlake.pipelines.common.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The data checks on a real DuckDB and PostgreSQL: a bad load fails naming the check and the rows,
 * and the swap rolls back, leaving the hour as it was.
 */
class DataChecksTest {
  static final Hour HOUR = Hour.parse("2026-03-01T10");
  static final Instant H = HOUR.start();

  static Warehouse warehouse(String engine) {
    String url = engine.equals("duckdb")
        ? BatchFixtures.duckDb(Path.of(BatchFixtures.tempDir("checks").toString()), "w")
        : PostgresServer.shared().jdbcUrl("checks_" + Long.toHexString(System.nanoTime()));
    Warehouse w = new Warehouse(url, null, "NO_PASSWORD");
    w.migrate(HourlyBatch.MIGRATIONS);
    return w;
  }

  static TicketingGold.ShowHour show(String showId, long bookings, long amount) {
    return new TicketingGold.ShowHour(H, showId, "Globe", "EUR", "Hamlet", "London", bookings, bookings * 2, amount,
        bookings, amount, 1.0);
  }

  static TopicStats bookingStats(long rows, long total) {
    return new TopicStats(H, "bookings", 1, rows, 0, 0, 0, rows, total);
  }

  /** Inserts rows one by one with {@link GoldTable#bind}. */
  static void insert(Warehouse w, GoldTable table, List<? extends GoldRow> rows) throws SQLException {
    try (Connection c = w.connect()) {
      for (GoldRow row : rows) {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table.name() + " ("
            + String.join(", ", table.columnNames()) + ") VALUES ("
            + table.columns().stream().map(x -> "?").collect(Collectors.joining(", ")) + ")")) {
          table.bind(s, 1, row.values());
          s.executeUpdate();
        }
      }
    }
  }

  /**
   * A run's staging folder in a new lake, where the batch's staging step puts it ({@code
   * staging/dt=.../hour=.../run-RUN}: DuckDB must not read partition columns out of that path).
   */
  static String stagingDir(String runId) {
    return RunFiles.stagingDir(BatchFixtures.tempDir("lake").toString(), HOUR, runId);
  }

  /** Writes a table's staging file into {@code runDir} for the warehouse's dialect, as the batch's staging step does. */
  static void stage(Warehouse w, String runDir, GoldTable table, List<? extends GoldRow> rows) throws IOException {
    assertEquals(rows.size(), StageRows.write(runDir, table, rows.stream().map(GoldRow::values).toList(),
        BulkLoad.Dialect.of(w.url())));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void aBadLoadFailsNamingTheCheckAndTheRows(String engine) throws SQLException {
    Warehouse w = warehouse(engine);
    insert(w, TicketingGold.TABLE, List.of(show("sh-1", 3, 300), show("sh-1", 2, 200), show(null, 1, 100)));
    insert(w, TopicStats.TABLE, List.of(bookingStats(5, 999)));
    List<DataChecks.Failure> failures;
    try (Connection c = w.connect()) {
      failures = DataChecks.run(c, HOUR);
    }
    Map<String, String> byName = failures.stream().collect(Collectors.toMap(DataChecks.Failure::check,
        DataChecks.Failure::describe));
    assertEquals(List.of("gold_ticketing_show_hourly.keys_not_null", "gold_ticketing_show_hourly.keys_unique",
        "ticketing.bookings_match_silver", "ticketing.booked_amount_matches_silver"),
        failures.stream().map(DataChecks.Failure::check).toList());
    assertTrue(byName.get("gold_ticketing_show_hourly.keys_unique").contains("show_id=sh-1")
        && byName.get("gold_ticketing_show_hourly.keys_unique").contains("copies=2"), byName.toString());
    assertTrue(byName.get("gold_ticketing_show_hourly.keys_not_null").contains("show_id=null"), byName.toString());
    assertTrue(byName.get("ticketing.bookings_match_silver").matches(".*gold=6.*silver=5.*"), byName.toString());
    assertTrue(byName.get("ticketing.booked_amount_matches_silver").matches(".*gold=600.*silver=999.*"), byName.toString());
  }

  /** The key probe of a table keyed by the hour alone, by one more column, and by several. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void theKeyProbeFindsDuplicatesAndNullsWhateverTheKeyWidth(String engine) throws SQLException {
    RetailGold.SalesHour sales = new RetailGold.SalesHour(H, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    RetailGold.CustomerHour customer = new RetailGold.CustomerHour(H, "c-1", 1, 0, 1, 1, H, H);
    RetailGold.CustomerHour nobody = new RetailGold.CustomerHour(H, null, 1, 0, 1, 1, H, H);
    assertEquals(List.of(), keyFailures(engine, RetailGold.SALES_TABLE, List.of(sales)));
    assertEquals(List.of("gold_retail_sales_hourly.keys_unique"), keyFailures(engine, RetailGold.SALES_TABLE,
        List.of(sales, sales)));
    assertEquals(List.of(), keyFailures(engine, RetailGold.CUSTOMERS_TABLE, List.of(customer,
        new RetailGold.CustomerHour(H, "c-2", 1, 0, 1, 1, H, H))));
    assertEquals(List.of("gold_retail_customer_hourly.keys_unique"), keyFailures(engine, RetailGold.CUSTOMERS_TABLE,
        List.of(customer, customer)));
    assertEquals(List.of("gold_retail_customer_hourly.keys_not_null"), keyFailures(engine, RetailGold.CUSTOMERS_TABLE,
        List.of(customer, nobody)));
    assertEquals(List.of("gold_retail_customer_hourly.keys_not_null", "gold_retail_customer_hourly.keys_unique"),
        keyFailures(engine, RetailGold.CUSTOMERS_TABLE, List.of(nobody, nobody)));
    assertEquals(List.of("gold_ticketing_show_hourly.keys_unique"), keyFailures(engine, TicketingGold.TABLE,
        List.of(show("sh-1", 1, 1), show("sh-1", 1, 1))));
    assertEquals(List.of(), keyFailures(engine, TicketingGold.TABLE, List.of(show("sh-1", 1, 1), show("sh-2", 1, 1))));
  }

  /** The key checks that fail once these rows are the table's hour (other checks left out). */
  private static List<String> keyFailures(String engine, GoldTable table, List<? extends GoldRow> rows) throws SQLException {
    Warehouse w = warehouse(engine);
    insert(w, table, rows);
    try (Connection c = w.connect()) {
      return DataChecks.run(c, HOUR).stream().map(DataChecks.Failure::check).filter(n -> n.startsWith(table.name() + ".keys"))
          .toList();
    }
  }

  /** The two key checks share one probe; each still reports only its own failure. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void aNullKeyAloneFailsOnlyTheNotNullCheck(String engine) throws SQLException {
    Warehouse w = warehouse(engine);
    insert(w, TicketingGold.TABLE, List.of(show("sh-1", 3, 300), show(null, 2, 200)));
    insert(w, TopicStats.TABLE, List.of(bookingStats(5, 500)));
    try (Connection c = w.connect()) {
      assertEquals(List.of("gold_ticketing_show_hourly.keys_not_null"), DataChecks.run(c, HOUR).stream()
          .map(DataChecks.Failure::check).toList());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void aFailedCheckRollsTheSwapBackAndTheHourKeepsItsRows(String engine) throws Exception {
    Warehouse w = warehouse(engine);
    assertEquals(1, loadGoodRun(w, "run-good").rows().get("gold_ticketing_show_hourly"));

    HourLoader.RunInfo bad = new HourLoader.RunInfo("run-bad", HOUR, Instant.now(), "DirectRunner");
    String badDir = stagingDir("run-bad");
    stage(w, badDir, TicketingGold.TABLE, List.of(show("sh-2", 1, 100), show("sh-2", 1, 100)));
    stage(w, badDir, TopicStats.TABLE, List.of(bookingStats(2, 200)));
    DataChecks.DataCheckException e = assertThrows(DataChecks.DataCheckException.class,
        () -> HourLoader.swap(w, bad, badDir, List.of(TicketingGold.TABLE), List.of("bookings"), List.of()));
    assertTrue(e.getMessage().contains("gold_ticketing_show_hourly.keys_unique: hour=2026-03-01 10:00:00")
        && e.getMessage().contains("show_id=sh-2, venue=Globe, currency=EUR, copies=2"), e.getMessage());
    assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
    assertEquals(List.of("gold_ticketing_show_hourly.keys_unique"), e.failures().stream().map(DataChecks.Failure::check)
        .toList(), "the key probe fired; only the check with rows is reported");

    assertEquals(List.of(List.of(H, "sh-1", 3L)), WarehouseRows.read(w, TicketingGold.TABLE).stream()
        .map(r -> List.of(r.get(0), r.get(1), r.get(6))).toList(), "the good load is still the hour's");
    assertEquals(3, WarehouseRows.count(w, "SELECT silver_rows FROM batch_topic_stats"));
    assertEquals(1, WarehouseRows.count(w, "SELECT count(*) FROM batch_runs"), "only the good run is recorded");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void aMissingStagingFileFailsTheSwapAndChangesNothing(String engine) throws Exception {
    Warehouse w = warehouse(engine);
    loadGoodRun(w, "run-good");

    String halfDir = stagingDir("run-half");
    stage(w, halfDir, TopicStats.TABLE, List.of(bookingStats(0, 0)));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> HourLoader.swap(w,
        new HourLoader.RunInfo("run-half", HOUR, Instant.now(), "DirectRunner"), halfDir, List.of(TicketingGold.TABLE),
        List.of("bookings"), List.of()));
    assertTrue(e.getMessage().contains("staged no file")
        && e.getMessage().contains(RunFiles.stagingFileName(TicketingGold.TABLE, BulkLoad.Dialect.of(w.url()))),
        e.getMessage());
    assertEquals(1, WarehouseRows.read(w, TicketingGold.TABLE).size(), "the previous load is still the hour's");
    assertEquals(3, WarehouseRows.count(w, "SELECT silver_rows FROM batch_topic_stats"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void anEmptyStagingFileEmptiesTheHour(String engine) throws Exception {
    Warehouse w = warehouse(engine);
    loadGoodRun(w, "run-1");
    String second = stagingDir("run-2");
    stage(w, second, TicketingGold.TABLE, List.of());
    stage(w, second, TopicStats.TABLE, List.of(bookingStats(0, 0)));
    HourLoader.Loaded loaded = HourLoader.swap(w, new HourLoader.RunInfo("run-2", HOUR, Instant.now(), "DirectRunner"),
        second, List.of(TicketingGold.TABLE), List.of("bookings"), List.of());
    assertEquals(Map.of("gold_ticketing_show_hourly", 0), loaded.rows());
    assertEquals(List.of(), WarehouseRows.read(w, TicketingGold.TABLE), "a rerun with no rows empties the hour");
  }

  /** Stages and loads a good run of the hour: show sh-1 with 3 bookings, and the bookings' statistics to match. */
  private static HourLoader.Loaded loadGoodRun(Warehouse w, String runId) throws IOException {
    String dir = stagingDir(runId);
    stage(w, dir, TicketingGold.TABLE, List.of(show("sh-1", 3, 300)));
    stage(w, dir, TopicStats.TABLE, List.of(bookingStats(3, 300)));
    return HourLoader.swap(w, new HourLoader.RunInfo(runId, HOUR, Instant.now(), "DirectRunner"), dir,
        List.of(TicketingGold.TABLE), List.of("bookings"), List.of());
  }
}
