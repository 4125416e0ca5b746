package io.streamlake.pipelines.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlake.pipelines.common.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The staging write's bulk path ({@link BulkLoad}: COPY on PostgreSQL, the Appender on DuckDB) on a
 * real DuckDB and PostgreSQL stores exactly what a row-by-row {@code INSERT} with {@link
 * GoldTable#bind} stores: awkward text (commas, quotes, newlines, backslashes, an empty string, the
 * word NULL), nulls, timestamps with sub-microsecond parts, doubles.
 */
class BulkLoadTest {
  static final Instant H = DataChecksTest.H;

  static final List<String> AWKWARD = List.of("", "a,b", "say \"hi\"", "\"", "line 1\nline 2", "cr\r\nlf", "back\\slash",
      "\\N", "\\.", "NULL", "  spaces  ", "tab\there", "unicode é ✓ 😀", ",,\"\n\"");

  static List<RetailGold.CancellationHour> cancellations() {
    List<RetailGold.CancellationHour> out = new ArrayList<>();
    for (int i = 0; i < AWKWARD.size(); i++) {
      out.add(new RetailGold.CancellationHour(H, "S" + i, AWKWARD.get(i), i, i + 1, -i, Long.MAX_VALUE - i));
    }
    out.add(new RetailGold.CancellationHour(H, "S-null", null, 0, 0, 0, 0));
    out.add(new RetailGold.CancellationHour(H, AWKWARD.get(4), AWKWARD.get(1), 1, 1, 1, Long.MIN_VALUE));
    return out;
  }

  static List<RetailGold.CustomerHour> customers() {
    return List.of(
        new RetailGold.CustomerHour(H, "c-1", 1, 0, 2, 300, H.plusNanos(123_456_789), H.plusSeconds(3599).plusNanos(999_999_999)),
        new RetailGold.CustomerHour(H, "c-2", 0, 1, 0, 0, null, null),
        new RetailGold.CustomerHour(H, "c-3", 2, 0, 1, 1, H.plusNanos(500), H.plusNanos(499)),
        new RetailGold.CustomerHour(H, "c-4", 2, 0, 1, 1, H.plusNanos(1_500), H.plusMillis(1)));
  }

  static List<BoxOfficeGold.TheaterHour> theaters() {
    return List.of(
        new BoxOfficeGold.TheaterHour(H, "t-1", 1, 1, 1, 1, 0, 0.1 + 0.2, 1.0E-7),
        new BoxOfficeGold.TheaterHour(H, "t-2", 1, 1, 1, 1, 0, null, null),
        new BoxOfficeGold.TheaterHour(H, "t-3", 1, 1, 1, 1, 0, 123456.789, 1.0E300));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void bulkStagingStoresWhatRowByRowInsertsStore(String engine) throws SQLException {
    Warehouse w = DataChecksTest.warehouse(engine);
    check(w, RetailGold.CANCELLATIONS_TABLE, cancellations());
    check(w, RetailGold.CUSTOMERS_TABLE, customers());
    check(w, BoxOfficeGold.TABLE, theaters());
    List<String> stored = WarehouseRows.read(w, staging(RetailGold.CANCELLATIONS_TABLE)).stream()
        .map(r -> (String) r.get(2)).filter(Objects::nonNull).sorted().toList();
    List<String> expected = cancellations().stream().map(RetailGold.CancellationHour::description)
        .filter(Objects::nonNull).sorted().toList();
    assertEquals(expected, stored, "text byte for byte, the empty string not NULL");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void writingARunAgainReplacesItsStagedRows(String engine) throws SQLException {
    Warehouse w = DataChecksTest.warehouse(engine);
    stage(w, "run-1", RetailGold.CUSTOMERS_TABLE, customers());
    stage(w, "run-1", RetailGold.CUSTOMERS_TABLE, customers());
    stage(w, "run-2", RetailGold.CUSTOMERS_TABLE, customers().subList(0, 1));
    assertEquals(customers().size(), WarehouseRows.count(w, "SELECT count(*) FROM stg_gold_retail_customer_hourly"
        + " WHERE run_id = 'run-1'"));
    assertEquals(1, WarehouseRows.count(w, "SELECT count(*) FROM stg_gold_retail_customer_hourly WHERE run_id = 'run-2'"));
  }

  /** The Appender fills columns by position: every staging table must be run_id, then its table's columns in order. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void stagingTablesHaveTheRunIdThenTheTableColumnsInOrder(String engine) throws SQLException {
    Warehouse w = DataChecksTest.warehouse(engine);
    List<GoldTable> tables = new ArrayList<>(GoldTables.ALL.stream().map(GoldTables.Spec::table).toList());
    tables.add(TopicStats.TABLE);
    try (Connection c = w.connect()) {
      for (GoldTable t : tables) {
        try (PreparedStatement s = c.prepareStatement("SELECT * FROM " + t.staging() + " WHERE 1 = 0");
            ResultSet rs = s.executeQuery()) {
          ResultSetMetaData meta = rs.getMetaData();
          List<String> names = new ArrayList<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            names.add(meta.getColumnLabel(i).toLowerCase());
          }
          assertEquals(StageRows.stagingColumns(t).stream().map(GoldTable.Column::name).toList(), names, t.staging());
        }
      }
    }
  }

  @org.junit.jupiter.api.Test
  void stagedRowsKeepEveryValueThroughTheirCoder() throws Exception {
    List<GoldRow> rows = new ArrayList<>(cancellations());
    rows.addAll(customers());
    rows.addAll(theaters());
    rows.add(new TicketingGold.ShowHour(H, "sh-1", null, "EUR", "", "London", 1, 2, 3, 1, 3, Double.NaN));
    rows.add(new RetailGold.TopProduct(H, 1, "S1", "d", 1, -1));
    for (GoldRow r : rows) {
      org.apache.beam.sdk.testing.CoderProperties.coderDecodeEncodeEqual(StageRows.RowCoder.of(),
          new StageRows.Row("t", r.values()));
    }
  }

  @org.junit.jupiter.api.Test
  void csvFieldsAndTimestamps() {
    assertEquals("\"a,b\"|\"say \"\"hi\"\"\"|\"\"||\"x\ny\"|42|0.30000000000000004|NaN|2026-03-01 10:00:00.123457",
        Arrays.asList("a,b", "say \"hi\"", "", null, "x\ny", 42L, 0.1 + 0.2, Double.NaN, H.plusNanos(123_456_789)).stream()
            .map(v -> {
              StringBuilder b = new StringBuilder();
              BulkLoad.csvField(b, v);
              return b.toString();
            }).collect(Collectors.joining("|")));
    assertEquals("2026-03-01 11:00:00.000000", BulkLoad.pgTimestamp(H.plusSeconds(3599).plusNanos(999_999_500)));
  }

  /** Rows staged in bulk (read back without run_id) == the same rows INSERTed one by one with GoldTable.bind. */
  private static void check(Warehouse w, GoldTable table, List<? extends GoldRow> rows) throws SQLException {
    DataChecksTest.insert(w, table, null, rows);
    stage(w, "run-1", table, rows);
    assertEquals(WarehouseRows.read(w, table), WarehouseRows.read(w, staging(table)), table.name());
  }

  private static void stage(Warehouse w, String runId, GoldTable table, List<? extends GoldRow> rows) throws SQLException {
    List<List<Object>> values = new ArrayList<>();
    for (GoldRow r : rows) {
      List<Object> v = new ArrayList<>();
      v.add(runId);
      v.addAll(r.values());
      values.add(v);
    }
    try (Connection c = w.connect()) {
      c.setAutoCommit(false);
      assertEquals(rows.size(), StageRows.write(c, table, runId, values));
      c.commit();
    }
  }

  /** The staging table read as if it were the gold table (its run_id column left out). */
  private static GoldTable staging(GoldTable table) {
    return new GoldTable(table.staging(), table.columns(), table.keys());
  }
}
