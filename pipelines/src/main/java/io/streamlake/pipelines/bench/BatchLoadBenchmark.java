package io.streamlake.pipelines.bench;

import io.streamlake.pipelines.batch.BronzeSource;
import io.streamlake.pipelines.batch.GoldRow;
import io.streamlake.pipelines.batch.GoldTable;
import io.streamlake.pipelines.batch.GoldTables;
import io.streamlake.pipelines.batch.Hour;
import io.streamlake.pipelines.batch.HourLoader;
import io.streamlake.pipelines.batch.HourlyBatch;
import io.streamlake.pipelines.batch.QuarantineEntry;
import io.streamlake.pipelines.batch.RunFiles;
import io.streamlake.pipelines.batch.RunLock;
import io.streamlake.pipelines.batch.TopicStats;
import io.streamlake.pipelines.batch.WriteHourFiles;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.lake.LakeLayout;
import io.streamlake.pipelines.lake.LakeWriterPipeline;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Benchmark (not a test): rows/s the hourly batch ({@link HourlyBatch}) loads into the warehouse,
 * against the database's own bulk path for the same rows in the same run: PostgreSQL COPY through
 * the driver's {@link CopyManager}, DuckDB {@code INSERT INTO ... SELECT FROM read_parquet(...)}.
 *
 * <p><b>What "rows loaded by the batch" means here.</b> The batch writes silver to Parquet, not to
 * the warehouse; what it loads into the warehouse are each hour's gold rows and {@code
 * batch_topic_stats} rows. Its load step: clear the hour's leftover staging rows, stage the rows in
 * {@code stg_*} over JdbcIO from inside the hour's pipeline, then {@link HourLoader#swap} (one
 * transaction: delete the hour, INSERT ... SELECT from staging, record the run, data checks,
 * commit). The benchmark prints:
 *
 * <ol>
 *   <li><b>the real batch</b>, hour by hour, run by this class with the batch's own public steps in
 *       the order of {@link HourlyBatch#runHour} (so it can keep the pipeline's metrics): the whole run
 *       (rows / wall time), and its load step = clean staging + the time JdbcIO itself records for its
 *       JDBC batches (connection, statement, executeBatch, commit; summed over batches and threads,
 *       millisecond resolution) + swap, with how many JDBC batches JdbcIO sent. This is the figure
 *       judged against the target (>= 60% of the baseline). The hour is then run again (a rerun
 *       replaces the hour) with the fixes tried: the configuration-only one ({@code --configRun}:
 *       PostgreSQL {@code reWriteBatchedInserts=true}, {@code --jdbcBatchSize=10000}) and a PROTOTYPE
 *       of a code change not made to the batch ({@code --prototypeRun}: {@link HourlyBatch#build}'s
 *       pipeline with the staging replaced by one COPY or DuckDB Appender per table and hour, one
 *       commit each);
 *   <li><b>the baseline</b>: the same rows, read back from the warehouse, per hour in one transaction,
 *       after deleting the hour: COPY (CSV written from the same Java values) or {@code INSERT INTO t
 *       SELECT ... FROM read_parquet(file)} (Parquet files of the same rows, written beforehand);
 *   <li><b>the load step replayed alone</b> for the same rows, to try fixes cheaply: the batch's
 *       staging code (its statement, {@link GoldTable#bind}, JdbcIO settings) over the rows from a
 *       {@code Create}, so they reach JdbcIO in a few large bundles (a best case: behind the batch's
 *       aggregations they arrive about one per bundle), then the batch's own {@link HourLoader#swap};
 *       with the configuration knobs (PostgreSQL {@code reWriteBatchedInserts=true}, a larger {@code
 *       --jdbcBatchSize}), and the same INSERTs over plain JDBC without Beam (one connection, one
 *       commit) as a diagnostic. Replays and baselines alternate (variants, baseline, plain JDBC,
 *       baseline, variants in reverse, per pair); medians are printed.
 * </ol>
 *
 * <p>PostgreSQL: {@code --postgresUrl}, or a throwaway server started from the machine's binaries
 * with {@code io.streamlake.devservices.PostgresServer} (looked up at run time: devservices is a
 * test-only dependency of this module, so {@code scripts/bench-batch.sh} puts its classes on the
 * classpath).
 *
 * <pre>
 * scripts/bench-batch.sh [HOURS] [RUNNER] [--pairs=3 --warehouses=postgres ...]
 * java -cp ... io.streamlake.pipelines.bench.BatchLoadBenchmark --lakeRoot=.local/bench-batch/1/lake \
 *     --from=2026-01-01T00 --to=2026-01-01T00 --topics=bookings,payments,boxoffice,retail-invoice-lines,orders
 * </pre>
 */
public final class BatchLoadBenchmark {
  private BatchLoadBenchmark() {}

  /** The migration that creates the batch's tables (docs/warehouse.md). */
  private static final String BATCH_MIGRATION = "V200__hourly_batch.sql";

  /** Namespace of JdbcIO's write metrics: {@code records_per_jdbc_batch} and {@code milliseconds_per_batch}. */
  private static final String JDBC_WRITE_FN = "org.apache.beam.sdk.io.jdbc.JdbcIO$WriteFn";

  /** The prototype's staging time per table write (connect to commit), microseconds. */
  private static final Distribution PROTOTYPE_MICROS = Metrics.distribution(BatchLoadBenchmark.class, "staging_micros");

  /** Rows the prototype staged, one update per table write. */
  private static final Distribution PROTOTYPE_ROWS = Metrics.distribution(BatchLoadBenchmark.class, "staging_rows");

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

    @Description("Rounds of (every replayed load variant, baseline, baseline, every variant in reverse)")
    @Default.Integer(2)
    Integer getPairs();

    void setPairs(Integer value);

    @Description("Also run the real batch with the configuration-only fix: PostgreSQL reWriteBatchedInserts=true and"
        + " jdbcBatchSize 10000; DuckDB jdbcBatchSize 10000")
    @Default.Boolean(true)
    Boolean getConfigRun();

    void setConfigRun(Boolean value);

    @Description("Also run the real batch with the PROTOTYPE staging (per table: one COPY or Appender, one commit)")
    @Default.Boolean(true)
    Boolean getPrototypeRun();

    void setPrototypeRun(Boolean value);

    @Description("Folder for the baseline's Parquet files (DuckDB)")
    @Default.String(".local/bench-batch/baseline")
    String getScratchDir();

    void setScratchDir(String value);
  }

  /** A row read back from a gold table, in column order; Instants for timestamps, as the batch's rows. */
  record Row(List<Object> values) implements GoldRow {}

  /** What the batch loaded for one hour: the topics it read and the rows per table (gold tables, then the stats). */
  record HourRows(Hour hour, List<String> topics, Map<GoldTable, List<Row>> rows) {
    long count() {
      return rows.values().stream().mapToLong(List::size).sum();
    }

    List<GoldTable> goldTables() {
      return GoldTables.computableFrom(topics);
    }
  }

  /**
   * A way to stage the rows: a JDBC URL and batch size for the batch's JdbcIO staging, or ({@code
   * prototype}) the PROTOTYPE staging that is not in the batch: a table's rows of the hour grouped into
   * one element, then one COPY (PostgreSQL) or one DuckDB Appender and one commit.
   */
  record Variant(String label, String url, int batchSize, boolean prototype) {}

  /** Seconds of one load of every hour, split into its parts, and how many JDBC batches JdbcIO sent. */
  record LoadTime(double clean, double stage, double swap, long batches) {
    double total() {
      return clean + stage + swap;
    }

    LoadTime plus(LoadTime o) {
      return new LoadTime(clean + o.clean, stage + o.stage, swap + o.swap, batches + o.batches);
    }
  }

  /**
   * One hour of the real batch: wall times of its parts, and what the staging reported from inside its
   * pipeline (JdbcIO: JDBC batches, rows, its own per-batch timer; the prototype: table writes, rows, time).
   */
  record BatchHour(Hour hour, double clean, double pipeline, double swap, double total, long writes,
      long stagedRows, double stagingSeconds, long silverRows) {
    double load() {
      return clean + stagingSeconds + swap;
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
    System.out.printf("batch load benchmark: hours %s .. %s, lake %s, topics %s, runner %s, jdbcBatchSize %d, %d pairs%n",
        hours.get(0), hours.get(hours.size() - 1), options.getLakeRoot(), options.getTopics(),
        options.getRunner().getSimpleName(), options.getJdbcBatchSize(), options.getPairs());
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
    int batchSize = options.getJdbcBatchSize();
    System.out.printf("%n== %s%n", name);
    options.setJdbcUrl(url);
    Warehouse warehouse = Warehouse.of(options);
    // DuckDB: keep the database open throughout, so no step pays for opening it or for the checkpoint on close
    try (Connection keeper = duckDb ? warehouse.connect() : null) {
      warehouse.migrate(BATCH_MIGRATION);

      // 1. the real batch, hour by hour, as it is and with the fixes tried (a rerun replaces the hour)
      List<Variant> real = realVariants(url, batchSize, duckDb, options);
      if (!warmedUp) {
        BatchHour warm = runHour(options, hours.get(0), real.get(0));
        System.out.printf("warm-up run of hour %s (JIT; not measured): %.1f s%n", warm.hour(), warm.total());
        warmedUp = true;
      }
      Map<Variant, List<BatchHour>> runs = new LinkedHashMap<>();
      real.forEach(v -> runs.put(v, new ArrayList<>()));
      for (Hour hour : hours) {
        for (Variant v : real) {
          runs.get(v).add(runHour(options, hour, v));
        }
      }
      options.setJdbcUrl(url);
      options.setJdbcBatchSize(batchSize);
      List<HourRows> loaded = new ArrayList<>();
      for (Hour hour : hours) {
        loaded.add(readBack(warehouse, hour));
      }
      long rows = loaded.stream().mapToLong(HourRows::count).sum();
      Map<String, Long> perTable = new LinkedHashMap<>();
      loaded.forEach(h -> h.rows().forEach((t, r) -> perTable.merge(t.name(), (long) r.size(), Long::sum)));
      System.out.printf("rows loaded into %s by the batch (gold + batch_topic_stats): %d over %d hours (%s)%n", name, rows,
          hours.size(), perTable.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));

      // 2./3. baseline and replayed load step, alternating
      List<Variant> variants = replayVariants(url, batchSize, duckDb);
      Path scratch = Path.of(options.getScratchDir()).toAbsolutePath();
      if (duckDb) {
        exportParquet(warehouse, loaded, scratch);
      }
      loadAll(options, variants.get(0), loaded); // warm-up, not measured
      baselineAll(warehouse, loaded, scratch);
      Map<Variant, List<LoadTime>> loads = new LinkedHashMap<>();
      variants.forEach(v -> loads.put(v, new ArrayList<>()));
      Map<Variant, List<Double>> plain = new LinkedHashMap<>();
      variants.forEach(v -> plain.put(v, new ArrayList<>()));
      List<Double> baseline = new ArrayList<>();
      for (int pair = 0; pair < options.getPairs(); pair++) {
        for (Variant v : variants) {
          loads.get(v).add(loadAll(options, v, loaded));
        }
        baseline.add(baselineAll(warehouse, loaded, scratch));
        for (Variant v : variants) {
          plain.get(v).add(plainInsertAll(options, v, loaded));
        }
        baseline.add(baselineAll(warehouse, loaded, scratch));
        for (int i = variants.size() - 1; i >= 0; i--) {
          loads.get(variants.get(i)).add(loadAll(options, variants.get(i), loaded));
        }
      }
      double base = median(baseline.stream().mapToDouble(Double::doubleValue).toArray());

      String baseName = duckDb ? "INSERT INTO ... SELECT FROM read_parquet(...)" : "COPY FROM STDIN (CopyManager, CSV)";
      System.out.printf("baseline, %s per hour in one transaction: median %.3f s = %,.0f rows/s (runs %s s)%n", baseName,
          base, rows / base, fmt(baseline.stream().mapToDouble(Double::doubleValue).toArray()));
      runs.forEach((v, b) -> report("the batch, " + v.label(), b, rows, base, v.prototype() ? "table writes" : "JDBC batches",
          v.prototype() ? "connect to commit" : "JdbcIO's own per-batch timer"));
      System.out.println("load step replayed alone for the same rows, from a Create (few large bundles; Beam launch"
          + " included), median of " + loads.get(variants.get(0)).size() + " runs:");
      for (Map.Entry<Variant, List<LoadTime>> e : loads.entrySet()) {
        LoadTime m = e.getValue().stream().sorted((a, b) -> Double.compare(a.total(), b.total())).toList()
            .get(e.getValue().size() / 2);
        System.out.printf("  %-62s %.3f s = %,7.0f rows/s, ratio %.2f (clean %.3f s, stage %.3f s in %d JDBC batches,"
            + " swap %.3f s)%n", e.getKey().label(), m.total(), rows / m.total(), base / m.total(), m.clean(), m.stage(),
            m.batches(), m.swap());
      }
      System.out.println("diagnostic: the same staging INSERTs over plain JDBC (no Beam; one connection, executeBatch"
          + " every batch size rows, one commit per hour):");
      for (Map.Entry<Variant, List<Double>> e : plain.entrySet()) {
        if (!e.getValue().isEmpty()) {
          double p = median(e.getValue().stream().mapToDouble(Double::doubleValue).toArray());
          System.out.printf("  %-62s %.3f s = %,7.0f rows/s, ratio %.2f%n", e.getKey().label(), p, rows / p, base / p);
        }
      }
    }
  }

  /** The ways the real batch runs: as it is, then the configuration-only fix and the prototype, if asked for. */
  private static List<Variant> realVariants(String url, int batch, boolean duckDb, Options options) {
    List<Variant> out = new ArrayList<>();
    out.add(new Variant("as it is (JdbcIO staging, jdbcBatchSize " + batch + ")", url, batch, false));
    if (options.getConfigRun()) {
      out.add(duckDb
          ? new Variant("JdbcIO staging, jdbcBatchSize 10000", url, 10_000, false)
          : new Variant("JdbcIO staging, reWriteBatchedInserts=true, jdbcBatchSize 10000", rewritten(url), 10_000, false));
    }
    if (options.getPrototypeRun()) {
      out.add(new Variant("PROTOTYPE staging (rows grouped by table; per table one " + (duckDb ? "Appender" : "COPY")
          + ", one commit)", url, batch, true));
    }
    return out;
  }

  /** The batch's JdbcIO staging, replayed alone: as configured and with the configuration knobs. */
  private static List<Variant> replayVariants(String url, int batch, boolean duckDb) {
    List<Variant> out = new ArrayList<>();
    out.add(new Variant("as configured (JdbcIO, jdbcBatchSize " + batch + ")", url, batch, false));
    if (duckDb) {
      out.add(new Variant("JdbcIO, jdbcBatchSize 10000", url, 10_000, false));
    } else {
      out.add(new Variant("JdbcIO, reWriteBatchedInserts=true", rewritten(url), batch, false));
      out.add(new Variant("JdbcIO, reWriteBatchedInserts=true, jdbcBatchSize 10000", rewritten(url), 10_000, false));
    }
    return out;
  }

  private static String rewritten(String url) {
    return url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
  }

  /** Prints one way of running the real batch: per hour, then the whole run and its load step against the baseline. */
  private static void report(String what, List<BatchHour> hours, long rows, double base, String writes, String timer) {
    System.out.println(what + ":");
    for (BatchHour b : hours) {
      System.out.printf("  hour %s: %.1f s (clean staging %.3f s, pipeline %.1f s, swap with data checks %.3f s), silver %d"
          + " rows; staging in the pipeline: %d %s (%.1f rows each), %.3f s (%s, summed)%n", b.hour(), b.total(),
          b.clean(), b.pipeline(), b.swap(), b.silverRows(), b.writes(), writes,
          (double) b.stagedRows() / Math.max(1, b.writes()), b.stagingSeconds(), timer);
    }
    double whole = hours.stream().mapToDouble(BatchHour::total).sum();
    double load = hours.stream().mapToDouble(BatchHour::load).sum();
    System.out.printf("  whole run (bronze -> silver -> gold -> staging -> swap): %.1f s = %,.0f loaded rows/s, ratio to"
        + " baseline %.4f%n", whole, rows / whole, base / whole);
    System.out.printf("  LOAD STEP (clean staging + staging time + swap): %.3f s = %,.0f rows/s, ratio to baseline %.2f"
        + " (target >= 0.60)%n", load, rows / load, base / load);
  }

  /**
   * One hour of the real batch: the steps of {@link HourlyBatch#runHour}, in its order, with the batch's
   * own public code, keeping the pipeline result for the staging metrics, with the variant's JDBC URL
   * and batch size. For the prototype, the pipeline is {@link HourlyBatch#build}'s with the staging
   * replaced by {@link #stagePerTable}.
   */
  private static BatchHour runHour(Options options, Hour hour, Variant variant) {
    boolean prototype = variant.prototype();
    options.setJdbcUrl(variant.url());
    options.setJdbcBatchSize(variant.batchSize());
    Instant started = Instant.now();
    String runId = LakeWriterPipeline.newRunId();
    String root = LakeLayout.root(options.getLakeRoot());
    List<String> topics = Arrays.stream(options.getTopics().split(",")).map(String::strip).toList();
    Warehouse warehouse = Warehouse.of(options);
    HourLoader.RunInfo run = new HourLoader.RunInfo(runId, hour, started, options.getRunner().getSimpleName());
    long t0 = System.nanoTime();
    HourLoader.cleanStaging(warehouse, hour);
    long t1 = System.nanoTime();
    try {
      Pipeline pipeline = Pipeline.create(options);
      if (prototype) {
        buildWithPrototypeStaging(pipeline, options, hour, runId, topics);
      } else {
        HourlyBatch.build(pipeline, options, hour, runId);
      }
      PipelineResult result = pipeline.run();
      PipelineResult.State state = result.waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("the pipeline ended " + state);
      }
      long t2 = System.nanoTime();
      List<QuarantineEntry> quarantine = RunFiles.readQuarantineList(root, hour, runId);
      RunFiles.moveQuarantinedFiles(root, quarantine);
      long t3 = System.nanoTime();
      HourLoader.Loaded loaded = HourLoader.swap(warehouse, run, GoldTables.computableFrom(topics), topics, quarantine);
      long t4 = System.nanoTime();
      RunFiles.keepOnlyRun(root, topics, hour, runId);
      long t5 = System.nanoTime();
      DistributionResult records;
      double seconds;
      if (prototype) {
        records = distribution(result, BatchLoadBenchmark.class.getName(), "staging_rows");
        seconds = distribution(result, BatchLoadBenchmark.class.getName(), "staging_micros").getSum() / 1e6;
      } else {
        records = distribution(result, JDBC_WRITE_FN, "records_per_jdbc_batch");
        seconds = distribution(result, JDBC_WRITE_FN, "milliseconds_per_batch").getSum() / 1e3;
      }
      return new BatchHour(hour, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t4 - t3) / 1e9, (t5 - t0) / 1e9, records.getCount(),
          records.getSum(), seconds, loaded.silverRows());
    } catch (RuntimeException e) {
      RunFiles.discardRun(root, topics, hour, runId);
      HourLoader.recordFailure(warehouse, run, String.valueOf(e.getMessage()));
      throw e;
    }
  }

  /**
   * {@link HourlyBatch#build} (same steps, same names), with the staging over JdbcIO replaced by the
   * PROTOTYPE {@link #stagePerTable} (COPY / Appender).
   */
  private static void buildWithPrototypeStaging(Pipeline pipeline, Options options, Hour hour, String runId,
      List<String> topics) {
    String root = LakeLayout.root(options.getLakeRoot());
    List<BronzeSource> sources = new ArrayList<>();
    for (String topic : topics) {
      sources.add(BronzeSource.of(root, topic, hour, false));
    }
    if (topics.contains("bookings") && topics.contains("payments")) {
      sources.add(BronzeSource.of(root, "payments", hour.next(), true));
    }
    PCollection<BronzeSource> folders = pipeline.apply("ListBronzeFolders",
        Create.of(sources).withCoder(SerializableCoder.of(BronzeSource.class)));
    HourlyBatch.Outputs outputs = HourlyBatch.refine(folders, hour, topics,
        java.time.Duration.ofMinutes(options.getPaymentWindowMinutes()));
    outputs.silver().apply("WriteSilver", WriteHourFiles.silver(root, hour, runId, options.getSilverShards()));
    outputs.quarantine().apply("WriteQuarantineList", WriteHourFiles.quarantineList(root, hour, runId));
    List<PCollection<KV<String, Row>>> staged = new ArrayList<>();
    Map<String, GoldTable> tables = new LinkedHashMap<>();
    staged.add(rowsOf(outputs.stats(), TopicStats.TABLE));
    tables.put(TopicStats.TABLE.name(), TopicStats.TABLE);
    outputs.gold().forEach((table, gold) -> {
      staged.add(rowsOf(gold, table));
      tables.put(table.name(), table);
    });
    stagePerTable(PCollectionList.of(staged).apply("CollectStagingRows", Flatten.pCollections()), Warehouse.of(options),
        tables, runId);
  }

  /** A table's rows as (table name, values), for {@link #stagePerTable}. */
  private static <R extends GoldRow> PCollection<KV<String, Row>> rowsOf(PCollection<R> rows, GoldTable table) {
    return rows.apply("Rows" + camel(table.name()), MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(Row.class)))
            .via((R r) -> KV.of(table.name(), new Row(new ArrayList<>(r.values())))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(Row.class)));
  }

  /** A distribution metric, summed over the steps that report it. */
  private static DistributionResult distribution(PipelineResult result, String namespace, String name) {
    DistributionResult sum = DistributionResult.IDENTITY_ELEMENT;
    for (MetricResult<DistributionResult> d : result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(namespace, name)).build()).getDistributions()) {
      DistributionResult v = attempted(d);
      sum = DistributionResult.create(sum.getSum() + v.getSum(), sum.getCount() + v.getCount(),
          Math.min(sum.getMin(), v.getMin()), Math.max(sum.getMax(), v.getMax()));
    }
    return sum;
  }

  private static DistributionResult attempted(MetricResult<DistributionResult> d) {
    try {
      return d.getCommitted();
    } catch (UnsupportedOperationException e) {
      return d.getAttempted();
    }
  }

  /** Every table the batch replaces per hour, then the statistics table. */
  private static List<GoldTable> allTables() {
    List<GoldTable> out = new ArrayList<>(GoldTables.ALL.stream().map(GoldTables.Spec::table).toList());
    out.add(TopicStats.TABLE);
    return out;
  }

  /** The rows of one hour as loaded, typed as the batch's rows are. */
  private static HourRows readBack(Warehouse warehouse, Hour hour) throws SQLException {
    Map<GoldTable, List<Row>> rows = new LinkedHashMap<>();
    try (Connection c = warehouse.connect()) {
      for (GoldTable t : allTables()) {
        List<Row> list = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + String.join(", ", t.columnNames()) + " FROM " + t.name()
            + " WHERE hour = ? ORDER BY " + String.join(", ", t.keys()))) {
          s.setObject(1, Warehouse.utc(hour.start()));
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              List<Object> values = new ArrayList<>();
              for (int i = 0; i < t.columns().size(); i++) {
                values.add(value(rs, i + 1, t.columns().get(i).sqlType()));
              }
              list.add(new Row(values));
            }
          }
        }
        rows.put(t, list);
      }
    }
    List<String> topics = rows.get(TopicStats.TABLE).stream().map(r -> (String) r.values().get(1)).toList();
    Map<GoldTable, List<Row>> kept = new LinkedHashMap<>();
    for (GoldTable t : GoldTables.computableFrom(topics)) {
      kept.put(t, rows.get(t));
    }
    kept.put(TopicStats.TABLE, rows.get(TopicStats.TABLE));
    return new HourRows(hour, topics, kept);
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

  /** The load step for every hour with one variant. */
  private static LoadTime loadAll(Options options, Variant variant, List<HourRows> hours) {
    LoadTime sum = new LoadTime(0, 0, 0, 0);
    for (HourRows h : hours) {
      sum = sum.plus(load(options, variant, h));
    }
    return sum;
  }

  /** One hour's load step: clean staging, stage (a pipeline on the batch's runner), swap (the batch's own). */
  private static LoadTime load(Options options, Variant variant, HourRows h) {
    Warehouse warehouse = new Warehouse(variant.url(), options.getJdbcUser(), options.getJdbcPasswordEnv());
    String runId = LakeWriterPipeline.newRunId();
    long t0 = System.nanoTime();
    HourLoader.cleanStaging(warehouse, h.hour());
    long t1 = System.nanoTime();
    Pipeline pipeline = Pipeline.create(options);
    h.rows().forEach((table, rows) -> {
      String step = camel(table.name());
      stage(pipeline.apply("List" + step, Create.of(rows).withCoder(SerializableCoder.of(Row.class))), step, table,
          warehouse, runId, variant.batchSize());
    });
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the staging pipeline ended " + state);
    }
    long t2 = System.nanoTime();
    HourLoader.swap(warehouse, new HourLoader.RunInfo(runId, h.hour(), Instant.now(), options.getRunner().getSimpleName()),
        h.goldTables(), h.topics(), List.of());
    long t3 = System.nanoTime();
    return new LoadTime((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
        distribution(result, JDBC_WRITE_FN, "records_per_jdbc_batch").getCount());
  }

  /** The batch's staging (HourlyBatch.stage): JdbcIO.write with the staging INSERT, the batch size and setter. */
  private static void stage(PCollection<Row> rows, String step, GoldTable table, Warehouse warehouse, String runId,
      int batchSize) {
    rows.apply("Stage" + step, JdbcIO.<Row>write()
        .withDataSourceConfiguration(warehouse.dataSource())
        .withStatement(table.insertStaging())
        .withBatchSize(batchSize)
        .withPreparedStatementSetter(new HourlyBatch.StageSetter<Row>(table, runId)));
  }

  /**
   * PROTOTYPE of a faster staging step (not what the batch does): every table's rows of the hour
   * grouped by table (they are few: one per group of an hourly aggregate) in one GroupByKey, then each
   * table written in one transaction with the database's bulk path: one COPY (PostgreSQL) or one
   * Appender (DuckDB).
   */
  private static void stagePerTable(PCollection<KV<String, Row>> rows, Warehouse warehouse, Map<String, GoldTable> tables,
      String runId) {
    rows.apply("GroupStagingRowsByTable", GroupByKey.create())
        .apply("StageTables", ParDo.of(new WriteTableFn(warehouse, tables, runId)));
  }

  /** Writes all staging rows of one table of the hour in one transaction, with the database's bulk path. */
  static final class WriteTableFn extends DoFn<KV<String, Iterable<Row>>, Void> {
    private static final long serialVersionUID = 1L;
    private final Warehouse warehouse;
    private final Map<String, GoldTable> tables;
    private final String runId;

    WriteTableFn(Warehouse warehouse, Map<String, GoldTable> tables, String runId) {
      this.warehouse = warehouse;
      this.tables = new LinkedHashMap<>(tables);
      this.runId = runId;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<Row>> rows) throws Exception {
      GoldTable table = tables.get(rows.getKey());
      long start = System.nanoTime();
      long count = 0;
      try (Connection c = warehouse.connect()) {
        c.setAutoCommit(false);
        if (warehouse.isDuckDb()) {
          try (DuckDBAppender appender = c.unwrap(DuckDBConnection.class).createAppender("main", table.staging())) {
            for (Row r : rows.getValue()) {
              count++;
              appender.beginRow();
              appender.append(runId);
              for (Object v : r.values()) {
                appendValue(appender, v);
              }
              appender.endRow();
            }
          }
        } else {
          StringBuilder csv = new StringBuilder();
          for (Row r : rows.getValue()) {
            count++;
            csv.append(csvValue(runId));
            for (Object v : r.values()) {
              csv.append(',').append(csvValue(v));
            }
            csv.append('\n');
          }
          c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table.staging() + " (run_id, "
              + String.join(", ", table.columnNames()) + ") FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
        }
        c.commit();
      }
      PROTOTYPE_MICROS.update((System.nanoTime() - start) / 1000);
      PROTOTYPE_ROWS.update(count);
    }

    /** Appends in the staging table's column order: run_id, then the gold table's columns (V200__hourly_batch.sql). */
    private static void appendValue(DuckDBAppender appender, Object v) throws SQLException {
      if (v == null) {
        appender.appendNull();
      } else if (v instanceof Instant t) {
        appender.append(Warehouse.utc(t));
      } else if (v instanceof Long l) {
        appender.append(l.longValue());
      } else if (v instanceof Integer n) {
        appender.append(n.intValue());
      } else if (v instanceof Double d) {
        appender.append(d.doubleValue());
      } else if (v instanceof Boolean b) {
        appender.append(b.booleanValue());
      } else {
        appender.append(v.toString());
      }
    }
  }

  /**
   * Diagnostic: the staging INSERTs of every hour over plain JDBC, without Beam: one connection per
   * hour, the batch's statement and binding, executeBatch every {@code batchSize} rows, one commit;
   * the staged rows are deleted again afterwards (not timed).
   */
  private static double plainInsertAll(Options options, Variant variant, List<HourRows> hours) throws Exception {
    Warehouse warehouse = new Warehouse(variant.url(), options.getJdbcUser(), options.getJdbcPasswordEnv());
    double seconds = 0;
    for (HourRows h : hours) {
      String runId = LakeWriterPipeline.newRunId();
      long t0 = System.nanoTime();
      try (Connection c = warehouse.connect()) {
        c.setAutoCommit(false);
        for (Map.Entry<GoldTable, List<Row>> e : h.rows().entrySet()) {
          HourlyBatch.StageSetter<Row> setter = new HourlyBatch.StageSetter<>(e.getKey(), runId);
          try (PreparedStatement s = c.prepareStatement(e.getKey().insertStaging())) {
            int n = 0;
            for (Row r : e.getValue()) {
              setter.setParameters(r, s);
              s.addBatch();
              if (++n % variant.batchSize() == 0) {
                s.executeBatch();
              }
            }
            if (n % variant.batchSize() != 0) {
              s.executeBatch();
            }
          }
        }
        c.commit();
      }
      seconds += (System.nanoTime() - t0) / 1e9;
      try (Connection c = warehouse.connect()) {
        for (GoldTable t : h.rows().keySet()) {
          try (PreparedStatement s = c.prepareStatement("DELETE FROM " + t.staging() + " WHERE run_id = ?")) {
            s.setString(1, runId);
            s.executeUpdate();
          }
        }
      }
    }
    return seconds;
  }

  private static String camel(String name) {
    StringBuilder out = new StringBuilder();
    for (String part : name.split("_")) {
      out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return out.toString();
  }

  /** The baseline for every hour: delete the hour (not timed), then load its rows the database's own way. */
  private static double baselineAll(Warehouse warehouse, List<HourRows> hours, Path scratch) throws SQLException, IOException {
    double seconds = 0;
    for (HourRows h : hours) {
      deleteHour(warehouse, h);
      seconds += warehouse.isDuckDb() ? insertFromParquet(warehouse, h, scratch) : copy(warehouse, h);
    }
    return seconds;
  }

  private static void deleteHour(Warehouse warehouse, HourRows h) throws SQLException {
    try (Connection c = warehouse.connect()) {
      for (GoldTable t : h.rows().keySet()) {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + t.name() + " WHERE hour = ?")) {
          s.setObject(1, Warehouse.utc(h.hour().start()));
          s.executeUpdate();
        }
      }
    }
  }

  /** PostgreSQL COPY of the hour's rows, CSV written from the same Java values, one transaction. */
  private static double copy(Warehouse warehouse, HourRows h) throws SQLException, IOException {
    long t0 = System.nanoTime();
    try (Connection c = warehouse.connect()) {
      c.setAutoCommit(false);
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      for (Map.Entry<GoldTable, List<Row>> e : h.rows().entrySet()) {
        if (e.getValue().isEmpty()) {
          continue;
        }
        StringBuilder csv = new StringBuilder();
        for (Row r : e.getValue()) {
          for (int i = 0; i < r.values().size(); i++) {
            csv.append(i == 0 ? "" : ",").append(csvValue(r.values().get(i)));
          }
          csv.append('\n');
        }
        copy.copyIn("COPY " + e.getKey().name() + " (" + String.join(", ", e.getKey().columnNames())
            + ") FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
      }
      c.commit();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** A value as a CSV field: empty for NULL, strings quoted, timestamps as UTC ISO local date-times. */
  static String csvValue(Object v) {
    if (v == null) {
      return "";
    } else if (v instanceof Instant t) {
      return Warehouse.utc(t).toString();
    } else if (v instanceof String s) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return v.toString();
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

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String fmt(double[] values) {
    return Arrays.toString(Arrays.stream(values).map(v -> Math.round(v * 1000) / 1000.0).toArray());
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
        return new Postgres(type, type.getMethod("start").invoke(null));
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

    @Override
    public void close() {
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
