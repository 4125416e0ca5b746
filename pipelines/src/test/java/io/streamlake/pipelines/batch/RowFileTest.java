package io.streamlake.pipelines.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.pipelines.common.Warehouse;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DuckDB's staging file ({@link RowFile}) against a real DuckDB: the appender it feeds relies on each
 * table's columns being the {@link GoldTable}'s, in order; a damaged file or a value a column cannot
 * hold is refused with the table's name, and what the appender took before the damage is rolled back
 * with the load ({@link BulkLoad#loadStaged}, as the swap calls it).
 */
class RowFileTest {
  private static Warehouse duckDb;

  @BeforeAll
  static void warehouse() {
    duckDb = DataChecksTest.warehouse("duckdb");
  }

  /** The migrations create every loaded table with the GoldTable's columns in the GoldTable's order. */
  @Test
  void everyLoadedTableHasItsGoldTableColumnsInOrder() throws Exception {
    List<GoldTable> tables = new ArrayList<>(GoldTables.ALL.stream().map(GoldTables.Spec::table).toList());
    tables.add(TopicStats.TABLE);
    try (Connection c = duckDb.connect(); PreparedStatement s = c.prepareStatement("SELECT column_name, data_type FROM"
        + " information_schema.columns WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position")) {
      for (GoldTable t : tables) {
        s.setString(1, t.name());
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            columns.add(rs.getString(1) + " " + rs.getString(2));
          }
        }
        List<String> expected = t.columns().stream().map(col -> col.name() + " " + switch (RowFile.code(col)) {
          case 1 -> "VARCHAR";
          case 2 -> "BIGINT";
          case 3 -> "INTEGER";
          case 4 -> "DOUBLE";
          case 5 -> "BOOLEAN";
          default -> "TIMESTAMP";
        }).toList();
        assertEquals(expected, columns, t.name());
      }
    }
  }

  @Test
  void aDamagedFileIsRefusedAndNothingItHeldStays() throws Exception {
    byte[] file = bytes(RetailGold.CUSTOMERS_TABLE, BulkLoadTest.customers());
    IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
        () -> append(RetailGold.CUSTOMERS_TABLE, Arrays.copyOf(file, file.length - 9)));
    assertTrue(early.getMessage().contains("gold_retail_customer_hourly") && early.getMessage().contains("ends early"),
        early.getMessage());
    byte[] longer = Arrays.copyOf(file, file.length + 1);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> append(RetailGold.CUSTOMERS_TABLE, longer))
        .getMessage().contains("1 bytes after its end"));
    byte[] otherTable = bytes(RetailGold.CANCELLATIONS_TABLE, BulkLoadTest.cancellations());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> append(RetailGold.CUSTOMERS_TABLE, otherTable))
        .getMessage().contains("the file has 7 columns, the table 8"));
    byte[] csv = "2026-03-01 10:00:00,c-1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> append(RetailGold.CUSTOMERS_TABLE, csv))
        .getMessage().contains("not a row file"));
    byte[] badMarker = file.clone();
    badMarker[RowFile.MAGIC.length + 4 + RetailGold.CUSTOMERS_TABLE.columns().size()] = 7; // the first row's marker
    assertTrue(assertThrows(IllegalArgumentException.class, () -> append(RetailGold.CUSTOMERS_TABLE, badMarker))
        .getMessage().contains("row 1 starts with 7"));
    assertEquals(0, WarehouseRows.read(duckDb, RetailGold.CUSTOMERS_TABLE).size(), "the rows before the damage rolled back");
    assertEquals(BulkLoadTest.customers().size(), append(RetailGold.CUSTOMERS_TABLE, file));
    assertEquals(BulkLoadTest.customers().size(), WarehouseRows.read(duckDb, RetailGold.CUSTOMERS_TABLE).size());
  }

  /**
   * The swap reads a staging file a buffer at a time: a file of many buffers, with texts longer than
   * one buffer and texts cut by a buffer's end, loads whole; a file cut deep inside is refused at the
   * byte where it ends, and a damaged text length does not make it allocate more than the file holds.
   */
  @Test
  void aFileLargerThanTheReadBufferLoadsWholeAndACutOneIsRefusedAtItsEnd() throws Exception {
    GoldTable table = RetailGold.CANCELLATIONS_TABLE;
    List<RetailGold.CancellationHour> rows = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      String description = i % 5_000 == 7 ? "long \u00e9 ".repeat(20_000) + i : "item " + i + " \u00fc, \"x\"";
      rows.add(new RetailGold.CancellationHour(BulkLoadTest.H, "S" + i, i % 9 == 0 ? null : description, i, i + 1, -i,
          i * 1_000L));
    }
    byte[] file = bytes(table, rows);
    assertTrue(file.length > 4 * (1 << 16), "the file spans several read buffers: " + file.length + " bytes");

    IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
        () -> append(table, Arrays.copyOf(file, 300_001)));
    assertTrue(cut.getMessage().contains("gold_retail_cancellations_hourly") && cut.getMessage().contains("ends early (300001 bytes)"),
        cut.getMessage());
    byte[] hugeText = file.clone();
    int firstText = RowFile.MAGIC.length + 4 + table.columns().size() + 1 + 8 + 1 + 1; // row marker, hour, then stock code
    hugeText[firstText] = 0x7f; // its length now says about two gigabytes
    assertTrue(assertThrows(IllegalArgumentException.class, () -> append(table, hugeText)).getMessage()
        .contains("ends early"));
    assertEquals(0, WarehouseRows.read(duckDb, table).size(), "nothing of the refused files stays");

    assertEquals(rows.size(), append(table, file));
    Comparator<List<Object>> byStockCode = Comparator.comparing(r -> (String) r.get(1));
    assertEquals(rows.stream().map(GoldRow::values).sorted(byStockCode).toList(),
        WarehouseRows.read(duckDb, table).stream().sorted(byStockCode).toList());
    try (Connection c = duckDb.connect(); Statement s = c.createStatement()) {
      s.execute("DELETE FROM " + table.name());
    }
  }

  @Test
  void aValueItsColumnCannotHoldIsNamed() {
    List<Object> row = new ArrayList<>(BulkLoadTest.customers().get(0).values());
    row.set(2, "one");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RowFile.write(new ByteArrayOutputStream(), RetailGold.CUSTOMERS_TABLE, List.of(row)));
    assertTrue(e.getMessage().contains("gold_retail_customer_hourly.orders") && e.getMessage().contains("String"),
        e.getMessage());
    row.set(2, 1L);
    row.set(6, 5L);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RowFile.write(new ByteArrayOutputStream(), RetailGold.CUSTOMERS_TABLE, List.of(row)))
        .getMessage().contains("first_purchase_at"));
  }

  @Test
  void timestampsAreCutToTheMicrosecondAsDuckDbsDriverCuts() {
    assertEquals(-1, RowFile.micros(Instant.parse("1969-12-31T23:59:59.999999999Z")));
    assertEquals(1_000_001, RowFile.micros(Instant.ofEpochSecond(1, 1_999)));
  }

  private static byte[] bytes(GoldTable table, List<? extends GoldRow> rows) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RowFile.write(out, table, rows.stream().map(GoldRow::values).toList());
    return out.toByteArray();
  }

  /** Loads a file's rows through the swap's bulk path in one transaction and commits; a failure rolls back. */
  private static long append(GoldTable table, byte[] file) throws Exception {
    java.nio.file.Path path = BatchFixtures.tempDir("rows").resolve(table.name() + ".rows");
    java.nio.file.Files.write(path, file);
    try (Connection c = duckDb.connect()) {
      c.setAutoCommit(false);
      try {
        long n = BulkLoad.loadStaged(c, table, FileSystems.matchNewResource(path.toString(), false));
        c.commit();
        return n;
      } catch (RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }
}
