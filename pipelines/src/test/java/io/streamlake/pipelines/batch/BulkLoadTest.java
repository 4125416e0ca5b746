package io.streamlake.pipelines.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlake.pipelines.common.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bulk path ({@link BulkLoad}: a staging CSV file loaded with COPY on PostgreSQL, a {@link
 * RowFile} appended on DuckDB) on a real DuckDB and PostgreSQL stores exactly what a row-by-row {@code
 * INSERT} with {@link GoldTable#bind} stores: awkward text (commas, quotes, newlines, backslashes, an
 * empty string, the word NULL, text longer than a write buffer), nulls, timestamps with
 * sub-microsecond parts, doubles.
 */
class BulkLoadTest {
  static final Instant H = DataChecksTest.H;

  static final List<String> AWKWARD = List.of("", "a,b", "say \"hi\"", "\"", "line 1\nline 2", "cr\r\nlf", "back\\slash",
      "\\N", "\\.", "NULL", "  spaces  ", "tab\there", "unicode é ✓ 😀", ",,\"\n\"", "long ".repeat(20_000) + "é");

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
  void loadingAStagingFileStoresWhatRowByRowInsertsStore(String engine) throws Exception {
    Warehouse w = DataChecksTest.warehouse(engine);
    check(w, RetailGold.CANCELLATIONS_TABLE, cancellations());
    check(w, RetailGold.CUSTOMERS_TABLE, customers());
    check(w, BoxOfficeGold.TABLE, theaters());
    List<String> stored = WarehouseRows.read(w, RetailGold.CANCELLATIONS_TABLE).stream()
        .map(r -> (String) r.get(2)).filter(Objects::nonNull).sorted().toList();
    List<String> expected = cancellations().stream().map(RetailGold.CancellationHour::description)
        .filter(Objects::nonNull).sorted().toList();
    assertEquals(expected, stored, "text byte for byte, the empty string not NULL");
  }

  /**
   * A lake that is not a local folder (an in-memory Beam filesystem standing in for an object store):
   * the files are staged, loaded (DuckDB through a local copy) and cleaned up the same.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void stagingInALakeThatIsNotALocalFolder(String engine) throws Exception {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    Warehouse w = DataChecksTest.warehouse(engine);
    String root = MemoryFileSystem.SCHEME + "://lake-" + engine + "-" + System.nanoTime();
    String dir = RunFiles.stagingDir(root, DataChecksTest.HOUR, "run-1");
    check(w, RetailGold.CANCELLATIONS_TABLE, cancellations(), dir);
    assertEquals(List.of(dir + "/gold_retail_cancellations_hourly." + (engine.equals("duckdb") ? "rows" : "csv")),
        MemoryFileSystem.files().stream().filter(f -> f.startsWith(root + "/")).toList(), "staged there, no temporary file left");
    assertEquals(1, RunFiles.deleteStaging(root, DataChecksTest.HOUR));
    assertEquals(List.of(), MemoryFileSystem.files().stream().filter(f -> f.startsWith(root + "/")).toList());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void writingAStagingFileAgainReplacesIt(String engine) throws Exception {
    Warehouse w = DataChecksTest.warehouse(engine);
    String dir = DataChecksTest.stagingDir("run-1");
    DataChecksTest.stage(w, dir, RetailGold.CUSTOMERS_TABLE, customers());
    DataChecksTest.stage(w, dir, RetailGold.CUSTOMERS_TABLE, customers().subList(0, 1));
    assertEquals(List.of("gold_retail_customer_hourly." + (engine.equals("duckdb") ? "rows" : "csv")), fileNames(dir),
        "no temporary file left behind");
    assertEquals(1, load(w, dir, RetailGold.CUSTOMERS_TABLE));
    assertEquals(List.of("c-1"), WarehouseRows.read(w, RetailGold.CUSTOMERS_TABLE).stream().map(r -> r.get(1)).toList());
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
            .map(v -> BulkLoad.csvField(v, BulkLoad.Dialect.POSTGRESQL)).collect(Collectors.joining("|")));
    Instant almostNext = H.plusSeconds(3599).plusNanos(999_999_500);
    assertEquals("2026-03-01 11:00:00.000000", BulkLoad.timestamp(almostNext, BulkLoad.Dialect.POSTGRESQL), "PgJDBC rounds");
    assertEquals("2026-03-01 10:59:59.999999", BulkLoad.timestamp(almostNext, BulkLoad.Dialect.DUCKDB), "DuckDB cuts");
  }

  /**
   * The byte writer against a plain reference (the StringBuilder version it replaced): random values of
   * every kind, timestamps that round into the next day, years outside 0000-9999, text longer than
   * the write buffer, non-ASCII text with quotes after it.
   */
  @org.junit.jupiter.api.Test
  void csvBytesEqualAPlainReferenceOnRandomValues() throws Exception {
    java.util.Random random = new java.util.Random(42);
    List<Object> values = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, 0L, -7, true, false,
        Double.NEGATIVE_INFINITY, -0.0, 1.0E-5, "é\"x\"✓", "\"".repeat(70_000), "a".repeat(100_000) + "é",
        Instant.parse("2026-12-31T23:59:59.999999500Z"), Instant.parse("1969-12-31T23:59:59.999999499Z"),
        Instant.parse("1900-02-28T12:00:00.000000500Z"), Instant.parse("+12026-01-01T00:00:00Z"),
        Instant.parse("-0001-06-01T10:00:00.1234567Z")));
    for (int i = 0; i < 2000; i++) {
      values.add(switch (random.nextInt(6)) {
        case 0 -> random.nextLong();
        case 1 -> random.nextInt();
        case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
        case 3 -> Instant.ofEpochSecond(random.nextLong(-5_000_000_000L, 5_000_000_000L), random.nextInt(1_000_000_000));
        case 4 -> AWKWARD.get(random.nextInt(AWKWARD.size()));
        default -> random.ints(random.nextInt(30), 0, 0x2FF).mapToObj(c -> String.valueOf((char) c)).collect(Collectors.joining());
      });
    }
    for (BulkLoad.Dialect dialect : BulkLoad.Dialect.values()) {
      for (Object v : values) {
        assertEquals(reference(v, dialect), BulkLoad.csvField(v, dialect), dialect + " " + v);
      }
      GoldTable wide = new GoldTable("t", values.stream().map(v -> GoldTable.text("c")).toList(), List.of("c"));
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      assertEquals(2, BulkLoad.writeCsv(out, wide, List.of(values, values), dialect));
      String line = values.stream().map(v -> reference(v, dialect)).collect(Collectors.joining(",")) + "\n";
      assertEquals(line + line, out.toString(java.nio.charset.StandardCharsets.UTF_8), dialect + ": one row across many buffers");
    }
  }

  /** The CSV field a value must become (the plain StringBuilder code the byte writer replaced). */
  private static String reference(Object v, BulkLoad.Dialect dialect) {
    if (v == null) {
      return "";
    } else if (v instanceof Instant t) {
      java.time.LocalDateTime local = java.time.LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC);
      int subMicros = local.getNano() % 1000;
      local = dialect == BulkLoad.Dialect.POSTGRESQL && subMicros >= 500 ? local.plusNanos(1000 - subMicros)
          : local.minusNanos(subMicros);
      return local.toLocalDate() + " " + String.format("%02d:%02d:%02d.%06d", local.getHour(), local.getMinute(),
          local.getSecond(), local.getNano() / 1000);
    } else if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    return "\"" + v.toString().replace("\"", "\"\"") + "\"";
  }

  /**
   * Rows loaded from a staging file (written for the warehouse's dialect) == the same rows INSERTed one
   * by one with GoldTable.bind.
   */
  private static void check(Warehouse w, GoldTable table, List<? extends GoldRow> rows) throws Exception {
    check(w, table, rows, DataChecksTest.stagingDir("run-" + table.name()));
  }

  private static void check(Warehouse w, GoldTable table, List<? extends GoldRow> rows, String dir) throws Exception {
    DataChecksTest.insert(w, table, rows);
    List<List<Object>> rowByRow = WarehouseRows.read(w, table);
    try (Connection c = w.connect(); Statement s = c.createStatement()) {
      s.execute("DELETE FROM " + table.name());
    }
    DataChecksTest.stage(w, dir, table, rows);
    assertEquals(rows.size(), load(w, dir, table));
    assertEquals(rowByRow, WarehouseRows.read(w, table), table.name());
  }

  /** Loads a table's staging file in one transaction, as the swap does. */
  private static long load(Warehouse w, String dir, GoldTable table) throws SQLException {
    try (Connection c = w.connect()) {
      c.setAutoCommit(false);
      long n = BulkLoad.loadStaged(c, table, RunFiles.stagingFile(dir, table, BulkLoad.Dialect.of(w.url())));
      c.commit();
      return n;
    }
  }

  private static List<String> fileNames(String dir) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
