package io.streamlake.pipelines.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.pipelines.common.Warehouse;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
