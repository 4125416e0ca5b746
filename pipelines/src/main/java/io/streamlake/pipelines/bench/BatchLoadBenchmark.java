package io.streamlake.pipelines.bench;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.pipelines.batch.BulkLoad;
import io.streamlake.pipelines.batch.GoldTable;
import io.streamlake.pipelines.batch.GoldTables;
import io.streamlake.pipelines.batch.Hour;
import io.streamlake.pipelines.batch.HourlyBatch;
import io.streamlake.pipelines.batch.RunLock;
import io.streamlake.pipelines.batch.TopicStats;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.lake.LakeLayout;
import io.streamlake.pipelines.lake.ParquetFiles;
import io.streamlake.schemas.Topics;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Benchmark (not a test): rows/s the hourly batch ({@link HourlyBatch}) loads into the warehouse,
 * against the database's own bulk path for the same rows in the same run: PostgreSQL COPY through
 * the driver's {@link org.postgresql.copy.CopyManager}, DuckDB {@code INSERT INTO ... SELECT FROM
 * read_parquet(...)}.
 *
 * <p><b>What is measured.</b> The batch writes silver to Parquet, not to the warehouse; what it loads
 * into the warehouse are each hour's gold rows and {@code batch_topic_stats} rows. Each hour is run
 * with {@link HourlyBatch#runHour}, the batch's own code (a rerun replaces the hour), and its {@link
 * HourlyBatch.Timings} give the <b>load step</b>: the staging write ({@code StageRows}' own timer:
 * the grouped rows written as files into the lake: CSV for PostgreSQL, a {@code RowFile} for DuckDB)
 * plus the swap (delete the hour, load the files with COPY / DuckDB's appender, data checks, record the run, commit). Like the baseline, every batch run
 * loads an hour the warehouse does not hold (the previous load is deleted first, not timed): the
 * hourly cron's usual case. A rerun of a loaded hour also pays for deleting its rows. That is the figure judged against the target (>= 60 % of the baseline). The whole run
 * (bronze to swap, wall time) is printed for context.
 *
 * <p><b>Baseline.</b> The same rows, read back from the warehouse after the batch, loaded per hour in
 * one transaction after deleting the hour (not timed): PostgreSQL {@code COPY ... FROM STDIN (FORMAT
 * csv)} of the gold tables themselves (CSV written from the Java values inside the timed part, by the
 * batch's own {@link BulkLoad}); DuckDB {@code INSERT INTO t SELECT ... FROM read_parquet(file)} from
 * Parquet files of the same rows written beforehand (not timed). Batch runs and baselines alternate
 * ({@code --runs} times); the best of each side is compared (on a shared machine noise only adds time). After every batch run the hour's warehouse content is
 * compared with the first run's (a rerun must give the same rows).
 *
 * <p><b>Sizes.</b> {@code scripts/bench-batch.sh} runs it on the lake built from the generators
 * (about 1,340 loaded rows per hour) and on a busy retail hour written by {@code
 * --writeRetailLake=CUSTOMERS} (one invoice line per customer, a cancellation for every tenth: about
 * 1.1 x CUSTOMERS loaded rows, with commas, quotes and newlines in the product descriptions).
 *
 * <p>PostgreSQL: {@code --postgresUrl}, or a throwaway server started from the machine's binaries
 * with {@code io.streamlake.devservices.PostgresServer} (looked up at run time: devservices is a
 * test-only dependency of this module, so {@code scripts/bench-batch.sh} puts its classes on the
 * classpath).
 *
 * <pre>
 * scripts/bench-batch.sh [HOURS] [RUNNER] [--runs=3 --warehouses=postgres ...]
 * java -cp ... io.streamlake.pipelines.bench.BatchLoadBenchmark --lakeRoot=.local/bench-batch/1h/lake \
 *     --from=2026-01-01T00 --to=2026-01-01T00 --topics=bookings,payments,boxoffice,retail-invoice-lines,orders
 * </pre>
 */
public final class BatchLoadBenchmark {
  private BatchLoadBenchmark() {}

  /** Whether this JVM has run the batch once (the first run pays for class loading and JIT). */
  private static boolean warmedUp;

  /** The hourly batch's options plus the benchmark's. */
  public interface Options extends HourlyBatch.Options {
    @Description("PostgreSQL JDBC URL to load into (empty: start a throwaway server from the machine's binaries)")
    @Default.String("")
    String getPostgresUrl();

    void setPostgresUrl(String value);

    @Description("DuckDB file to load into; deleted first")
    @Default.String(".local/bench-batch/warehouse.duckdb")
    String getDuckDbFile();

    void setDuckDbFile(String value);

    @Description("Warehouses to measure, comma-separated: postgres, duckdb")
    @Default.String("postgres,duckdb")
    String getWarehouses();

    void setWarehouses(String value);

    @Description("Rounds of (batch run of every hour, baseline of every hour)")
    @Default.Integer(2)
    Integer getRuns();

    void setRuns(Integer value);

    @Description("Run the first hour once, unmeasured, before measuring (JIT, class loading)")
    @Default.Boolean(false)
    Boolean getWarmUp();

    void setWarmUp(Boolean value);

    @Description("Only write a busy retail hour (--from) with this many customers into --lakeRoot's bronze, then exit")
    @Default.Integer(0)
    Integer getWriteRetailLake();

    void setWriteRetailLake(Integer value);

    @Description("Folder for the baseline's Parquet files (DuckDB)")
    @Default.String(".local/bench-batch/baseline")
    String getScratchDir();

    void setScratchDir(String value);
  }

  /** The rows of one hour as loaded, typed as the batch's rows are (Instants for timestamps), per table. */
  record HourRows(Hour hour, Map<GoldTable, List<List<Object>>> rows) {
    long count() {
      return rows.values().stream().mapToLong(List::size).sum();
    }
  }

  public static void main(String[] args) throws Exception {
    PipelineOptionsFactory.register(Options.class);
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    if (options.getFrom() == null || options.getTo() == null || options.getTopics().isBlank()) {
      System.err.println("error: give --from=YYYY-MM-DDTHH --to=YYYY-MM-DDTHH and --topics=...");
      System.exit(2);
    }
    List<Hour> hours = Hour.range(Hour.parse(options.getFrom()), Hour.parse(options.getTo()));
    if (options.getWriteRetailLake() > 0) {
      long lines = writeRetailHour(Path.of(options.getLakeRoot()), hours.get(0), options.getWriteRetailLake());
      System.out.printf("wrote %d invoice lines of %d customers for hour %s into %s%n", lines,
          options.getWriteRetailLake(), hours.get(0), options.getLakeRoot());
      return;
    }
    System.out.printf("batch load benchmark: hours %s .. %s, lake %s, topics %s, runner %s, %d runs%n",
        hours.get(0), hours.get(hours.size() - 1), options.getLakeRoot(), options.getTopics(),
        options.getRunner().getSimpleName(), options.getRuns());
    Path lockFile = Path.of(options.getLockFile());
    Files.createDirectories(lockFile.toAbsolutePath().getParent());
    try (RunLock lock = RunLock.tryAcquire(lockFile)) {
      if (lock == null) {
        System.err.println("error: another batch holds the lock " + lockFile + " (" + RunLock.holder(lockFile) + ")");
        System.exit(75);
      }
      for (String warehouse : options.getWarehouses().split(",")) {
        switch (warehouse.strip()) {
          case "postgres" -> {
            if (options.getPostgresUrl().isBlank()) {
              try (Postgres server = Postgres.start()) {
                measure(options, "PostgreSQL", server.jdbcUrl("bench_batch"), hours);
              }
            } else {
              measure(options, "PostgreSQL", options.getPostgresUrl(), hours);
            }
          }
          case "duckdb" -> {
            Path file = Path.of(options.getDuckDbFile());
            Files.deleteIfExists(file);
            Files.deleteIfExists(Path.of(file + ".wal"));
            measure(options, "DuckDB", "jdbc:duckdb:" + file, hours);
          }
          default -> throw new IllegalArgumentException("unknown warehouse " + warehouse + " (postgres, duckdb)");
        }
      }
    }
  }

  private static void measure(Options options, String name, String url, List<Hour> hours) throws Exception {
    boolean duckDb = url.startsWith("jdbc:duckdb:");
    System.out.printf("%n== %s%n", name);
    options.setJdbcUrl(url);
    Warehouse warehouse = Warehouse.of(options);
    // DuckDB: keep the database open throughout, so no step pays for opening it or for the checkpoint on close
    try (Connection keeper = duckDb ? warehouse.connect() : null) {
      warehouse.migrate(HourlyBatch.MIGRATIONS);
      if (options.getWarmUp() && !warmedUp) {
        HourlyBatch.Report warm = HourlyBatch.runHour(options, hours.get(0));
        System.out.printf("warm-up run of hour %s (JIT; not measured): %.1f s%n", warm.hour(), warm.seconds());
        warmedUp = true;
      }
      Path scratch = Path.of(options.getScratchDir()).toAbsolutePath();
      List<HourRows> first = null;
      List<double[]> batchRuns = new ArrayList<>(); // per run: load, staging, swap, whole, replace, checks, commit
      List<Double> baselines = new ArrayList<>();
      boolean sameContent = true;
      for (int run = 0; run < options.getRuns(); run++) {
        double load = 0;
        double staging = 0;
        double swap = 0;
        double whole = 0;
        double replace = 0;
        double checks = 0;
        double commit = 0;
        if (first != null) {
          // both sides load into an hour the warehouse does not hold yet, as the hourly cron does (not timed; see deleteHour)
          for (HourRows h : first) {
            deleteHour(warehouse, h);
          }
        }
        for (Hour hour : hours) {
          HourlyBatch.Report r = HourlyBatch.runHour(options, hour);
          load += r.timings().load();
          staging += r.timings().staging();
          swap += r.timings().swap();
          whole += r.seconds();
          replace += r.loaded().replace();
          checks += r.loaded().checks();
          commit += r.loaded().commit();
        }
        batchRuns.add(new double[] {load, staging, swap, whole, replace, checks, commit});
        List<HourRows> loaded = new ArrayList<>();
        for (Hour hour : hours) {
          loaded.add(readBack(warehouse, hour));
        }
        if (first == null) {
          first = loaded;
          if (duckDb) {
            exportParquet(warehouse, first, scratch);
          }
        } else {
          sameContent &= loaded.equals(first);
        }
        baselines.add(baselineAll(warehouse, first, scratch));
      }
      sameContent &= readBackAll(warehouse, hours).equals(first);
      // one more batch run over the hours as loaded (by the last baseline): a rerun, which also deletes the old rows
      double rerun = 0;
      for (Hour hour : hours) {
        rerun += HourlyBatch.runHour(options, hour).timings().load();
      }
      sameContent &= readBackAll(warehouse, hours).equals(first);
      long rows = first.stream().mapToLong(HourRows::count).sum();
      Map<String, Long> perTable = new LinkedHashMap<>();
      first.forEach(h -> h.rows().forEach((t, r) -> perTable.merge(t.name(), (long) r.size(), Long::sum)));
      System.out.printf("rows loaded by the batch (gold + batch_topic_stats): %d over %d hours (%s)%n", rows, hours.size(),
          perTable.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
      System.out.printf("same warehouse rows after every batch run and after every baseline load: %s%n",
          sameContent ? "yes" : "NO");
      double base = baselines.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      String baseName = duckDb ? "INSERT INTO ... SELECT FROM read_parquet(...)" : "COPY FROM STDIN (CopyManager, CSV)";
      System.out.printf("baseline, %s per hour in one transaction: best %.3f s = %,.0f rows/s (runs %s s)%n", baseName,
          base, rows / base, fmt(baselines));
      double[] m = batchRuns.stream().min((a, b) -> Double.compare(a[0], b[0])).orElseThrow();
      System.out.printf("the batch, best run of %d: LOAD STEP (staging + swap with data checks) %.3f s = %,.0f rows/s,"
          + " RATIO %.2f (target >= 0.60); staging %.3f s, swap %.3f s (delete and load %.3f s, data checks %.3f s,"
          + " commit %.3f s); load steps of all runs %s s%n", batchRuns.size(), m[0], rows / m[0], base / m[0], m[1], m[2],
          m[4], m[5], m[6], fmt(batchRuns.stream().map(r -> r[0]).toList()));
      System.out.printf("  a rerun over the loaded hours (deletes their rows too, not vacuumed): load step %.3f s = %,.0f rows/s,"
          + " ratio %.2f%n", rerun, rows / rerun, base / rerun);
      System.out.printf("  whole run (bronze -> silver -> gold -> staging -> swap), that run: %.1f s = %,.0f loaded rows/s,"
          + " ratio %.4f%n", m[3], rows / m[3], base / m[3]);
      System.out.printf("RESULT %s %s rows=%d baseline_rows_s=%.0f batch_load_rows_s=%.0f ratio=%.2f%n", name,
          options.getRunner().getSimpleName(), rows, rows / base, rows / m[0], base / m[0]);
    }
  }

  /** Every table the batch replaces per hour, then the statistics table. */
  private static List<GoldTable> allTables() {
    List<GoldTable> out = new ArrayList<>(GoldTables.ALL.stream().map(GoldTables.Spec::table).toList());
    out.add(TopicStats.TABLE);
    return out;
  }

  private static List<HourRows> readBackAll(Warehouse warehouse, List<Hour> hours) throws SQLException {
    List<HourRows> out = new ArrayList<>();
    for (Hour hour : hours) {
      out.add(readBack(warehouse, hour));
    }
    return out;
  }

  /** The rows of one hour as loaded (non-empty tables only), in key order, typed as the batch's rows are. */
  private static HourRows readBack(Warehouse warehouse, Hour hour) throws SQLException {
    Map<GoldTable, List<List<Object>>> rows = new LinkedHashMap<>();
    try (Connection c = warehouse.connect()) {
      for (GoldTable t : allTables()) {
        List<List<Object>> list = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + String.join(", ", t.columnNames()) + " FROM " + t.name()
            + " WHERE hour = ? ORDER BY " + String.join(", ", t.keys()))) {
          s.setObject(1, Warehouse.utc(hour.start()));
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              List<Object> values = new ArrayList<>();
              for (int i = 0; i < t.columns().size(); i++) {
                values.add(value(rs, i + 1, t.columns().get(i).sqlType()));
              }
              list.add(values);
            }
          }
        }
        if (!list.isEmpty()) {
          rows.put(t, list);
        }
      }
    }
    return new HourRows(hour, rows);
  }

  private static Object value(ResultSet rs, int i, int sqlType) throws SQLException {
    Object v = switch (sqlType) {
      case Types.TIMESTAMP -> {
        LocalDateTime t = rs.getObject(i, LocalDateTime.class);
        yield t == null ? null : t.toInstant(ZoneOffset.UTC);
      }
      case Types.BIGINT -> rs.getLong(i);
      case Types.INTEGER -> rs.getInt(i);
      case Types.DOUBLE -> rs.getDouble(i);
      case Types.BOOLEAN -> rs.getBoolean(i);
      default -> rs.getString(i);
    };
    return rs.wasNull() ? null : v;
  }

  /** The baseline for every hour: delete the hour (not timed), then load its rows the database's own way. */
  private static double baselineAll(Warehouse warehouse, List<HourRows> hours, Path scratch) throws SQLException {
    double seconds = 0;
    for (HourRows h : hours) {
      deleteHour(warehouse, h);
      seconds += warehouse.isDuckDb() ? insertFromParquet(warehouse, h, scratch) : copy(warehouse, h);
    }
    return seconds;
  }

  /**
   * Deletes the hour's rows (not timed). On PostgreSQL the tables are then vacuumed, as autovacuum
   * does between hourly loads: otherwise the next load's own delete and data checks walk the dead rows
   * of the previous one, which a COPY into a fresh hour never reads.
   */
  private static void deleteHour(Warehouse warehouse, HourRows h) throws SQLException {
    try (Connection c = warehouse.connect()) {
      for (GoldTable t : h.rows().keySet()) {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + t.name() + " WHERE hour = ?")) {
          s.setObject(1, Warehouse.utc(h.hour().start()));
          s.executeUpdate();
        }
      }
      if (!warehouse.isDuckDb()) {
        try (Statement s = c.createStatement()) {
          s.execute("VACUUM ANALYZE " + h.rows().keySet().stream().map(GoldTable::name).collect(Collectors.joining(", ")));
        }
      }
    }
  }

  /** PostgreSQL COPY of the hour's rows into the gold tables, CSV written from the same Java values, one transaction. */
  private static double copy(Warehouse warehouse, HourRows h) throws SQLException {
    long t0 = System.nanoTime();
    try (Connection c = warehouse.connect()) {
      c.setAutoCommit(false);
      for (Map.Entry<GoldTable, List<List<Object>>> e : h.rows().entrySet()) {
        BulkLoad.copy(c, e.getKey(), e.getValue());
      }
      c.commit();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static Path parquetFile(Path scratch, HourRows h, GoldTable t) {
    return scratch.resolve(h.hour().toString().replace(':', '-') + "-" + t.name() + ".parquet");
  }

  /** Writes each hour's rows of each table to a Parquet file with DuckDB (not timed). */
  private static void exportParquet(Warehouse warehouse, List<HourRows> hours, Path scratch) throws SQLException, IOException {
    Files.createDirectories(scratch);
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      for (HourRows h : hours) {
        for (GoldTable t : h.rows().keySet()) {
          Path file = parquetFile(scratch, h, t);
          Files.deleteIfExists(file);
          s.execute("COPY (SELECT " + String.join(", ", t.columnNames()) + " FROM " + t.name() + " WHERE hour = TIMESTAMP '"
              + Warehouse.utc(h.hour().start()) + "') TO '" + file + "' (FORMAT PARQUET)");
        }
      }
    }
  }

  /** DuckDB's own bulk path: INSERT INTO table SELECT ... FROM read_parquet(file) per table, one transaction. */
  private static double insertFromParquet(Warehouse warehouse, HourRows h, Path scratch) throws SQLException {
    long t0 = System.nanoTime();
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (GoldTable t : h.rows().keySet()) {
        String cols = String.join(", ", t.columnNames());
        s.execute("INSERT INTO " + t.name() + " (" + cols + ") SELECT " + cols + " FROM read_parquet('"
            + parquetFile(scratch, h, t) + "')");
      }
      c.commit();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * A busy retail hour straight into the bronze lake (the lake writer's layout, one file): customer
   * {@code i} buys one line of one of {@code customers / 2} products, and every tenth customer
   * cancels one line of another. Descriptions carry commas, quotes and newlines. Deterministic.
   */
  static long writeRetailHour(Path lake, Hour hour, int customers) throws IOException {
    Schema schema = LakeLayout.schemaOf(Topics.RETAIL_INVOICE_LINES.name());
    Path file = lake.resolve(LakeLayout.BRONZE).resolve(Topics.RETAIL_INVOICE_LINES.name())
        .resolve(LakeLayout.partition(hour.start())).resolve("part-bench-00000-00-of-01.parquet");
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    int products = Math.max(1, customers / 2);
    long lines = 0;
    FileIO.Sink<GenericRecord> sink = ParquetIO.sink(schema).withConfiguration(Map.of());
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      sink.open(out);
      for (int i = 0; i < customers; i++) {
        Instant at = hour.start().plusMillis(i * 3_600_000L / customers);
        String customer = String.format("C%07d", i);
        int p = (int) ((i * 7919L) % products);
        sink.write(generic(schema, new InvoiceLine("bench-" + i, "5" + String.format("%08d", i), 1, stockCode(p),
            description(p), 1 + i % 5, at, 100L + i % 900, customer, "United Kingdom")));
        lines++;
        if (i % 10 == 0) {
          int q = (p + 1) % products;
          sink.write(generic(schema, new InvoiceLine("bench-c" + i, "C" + String.format("%08d", i), 1, stockCode(q),
              description(q), -1, at, 100L + i % 900, customer, "United Kingdom")));
          lines++;
        }
      }
      sink.flush();
    }
    return lines;
  }

  private static String stockCode(int product) {
    return String.format("S%06d", product);
  }

  private static String description(int product) {
    return switch (product % 4) {
      case 0 -> "MUG, \"LARGE\" " + product;
      case 1 -> "TEA TOWEL\nTWO LINES " + product;
      case 2 -> "BACKSLASH \\N " + product;
      default -> "CANDLE " + product;
    };
  }

  private static GenericRecord generic(Schema schema, InvoiceLine line) {
    return ParquetFiles.toGeneric(Topics.RETAIL_INVOICE_LINES.codec().encode(line), schema);
  }

  private static String fmt(List<Double> values) {
    return Arrays.toString(values.stream().mapToDouble(v -> Math.round(v * 1000) / 1000.0).toArray());
  }

  /**
   * A throwaway PostgreSQL server: {@code io.streamlake.devservices.PostgresServer}, found at run time
   * (devservices is a test-only dependency of this module).
   */
  static final class Postgres implements AutoCloseable {
    private final Class<?> type;
    private final Object server;

    private Postgres(Class<?> type, Object server) {
      this.type = type;
      this.server = server;
    }

    static Postgres start() {
      Class<?> type;
      try {
        type = Class.forName("io.streamlake.devservices.PostgresServer");
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("io.streamlake.devservices.PostgresServer is not on the classpath: run"
            + " scripts/bench-batch.sh, or give --postgresUrl", e);
      }
      try {
        Postgres server = new Postgres(type, type.getMethod("start").invoke(null));
        // PostgresServer registers no hook of its own: without this a killed benchmark leaves the server running
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server;
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot start PostgreSQL: " + cause(e), e);
      }
    }

    String jdbcUrl(String database) {
      try {
        return (String) type.getMethod("jdbcUrl", String.class).invoke(server, database);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot create the database " + database + ": " + cause(e), e);
      }
    }

    private boolean closed;

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        ((AutoCloseable) server).close();
      } catch (Exception e) {
        System.err.println("could not stop PostgreSQL: " + e.getMessage());
      }
    }

    private static String cause(Throwable e) {
      Throwable c = e;
      while (c.getCause() != null) {
        c = c.getCause();
      }
      return c.getMessage();
    }
  }
}
