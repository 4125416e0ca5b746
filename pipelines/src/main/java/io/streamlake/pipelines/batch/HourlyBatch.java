package io.streamlake.pipelines.batch;

import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.events.shop.Order;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RunnerMatrix;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.common.WarehouseOptions;
import io.streamlake.pipelines.lake.LakeLayout;
import io.streamlake.pipelines.lake.LakeOptions;
import io.streamlake.pipelines.lake.LakeWriterPipeline;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The hourly batch: turns one hour of the bronze lake into silver Parquet and gold warehouse tables.
 *
 * <p>For each hour (UTC, by event time) it reads {@code LAKE/bronze/TOPIC/dt=.../hour=...} of every
 * topic ({@link ReadBronze}; unreadable files and invalid records are quarantined with their path),
 * keeps one record per event id ({@link Deduplicate}), writes {@code LAKE/silver/TOPIC/dt=.../hour=...},
 * computes the gold tables ({@link TicketingGold}, {@link BoxOfficeGold}, {@link RetailGold}, {@link
 * ShopGold}), writes them once into the run's staging folder of the lake ({@link StageRows}: CSV for
 * PostgreSQL's COPY, a {@link RowFile} for DuckDB's appender),
 * and loads those files into the warehouse with the database's bulk path in one transaction that
 * replaces the hour and commits only after the {@link DataChecks} pass ({@link HourLoader}). Rerunning
 * an hour replaces exactly that hour.
 * Tables and columns: {@code docs/warehouse.md}.
 *
 * <p>{@code --hour=YYYY-MM-DDTHH} runs one hour (default: the last complete hour, see {@code
 * --settleMinutes}); {@code --from}/{@code --to} (both included) run a range, in order, stopping at the
 * first failure. One run at a time per {@code --lockFile}. Exit codes: 0 done; 1 failed (a data check,
 * the pipeline, the warehouse); 2 bad options; 3 done but something was quarantined; 75 another run
 * holds the lock.
 *
 * <pre>
 * scripts/hourly-batch.sh --lakeRoot=.local/lake --jdbcUrl=jdbc:duckdb:.local/warehouse.duckdb
 * scripts/hourly-batch.sh --from=2026-03-01T00 --to=2026-03-01T23 --runner=FlinkRunner
 * </pre>
 */
public final class HourlyBatch {
  private HourlyBatch() {}

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int QUARANTINED = 3;
  public static final int LOCKED = 75;

  /** The migrations of the batch's tables, in order (docs/warehouse.md). */
  public static final String[] MIGRATIONS = {"V200__hourly_batch.sql", "V201__staging_in_the_lake.sql"};

  /** Options of the hourly batch. */
  public interface Options extends LakeOptions, WarehouseOptions {
    @Description("The hour to run, YYYY-MM-DDTHH in UTC (default: the last complete hour)")
    String getHour();

    void setHour(String value);

    @Description("Backfill: the first hour to run, YYYY-MM-DDTHH (with --to; both included)")
    String getFrom();

    void setFrom(String value);

    @Description("Backfill: the last hour to run, YYYY-MM-DDTHH (default with --from: the last complete hour)")
    String getTo();

    void setTo(String value);

    @Description("An hour is complete this many minutes after it ends (late lake files, payments of its bookings)")
    @Default.Integer(20)
    Integer getSettleMinutes();

    void setSettleMinutes(Integer value);

    @Description("A booking is paid when a successful payment comes within this many minutes (at most 60)")
    @Default.Long(15)
    Long getPaymentWindowMinutes();

    void setPaymentWindowMinutes(Long value);

    @Description("Topics to process, comma-separated (default: every topic whose events have an event_id);"
        + " a gold table is rebuilt only when all its topics are processed")
    @Default.String("")
    String getTopics();

    void setTopics(String value);

    @Description("Silver files per topic and hour")
    @Default.Integer(1)
    Integer getSilverShards();

    void setSilverShards(Integer value);

    @Description("Only one hourly batch at a time holds this lock file")
    @Default.String(".local/hourly-batch.lock")
    String getLockFile();

    void setLockFile(String value);
  }

  public static void main(String[] args) {
    System.exit(cli(args, System.out, System.err, Clock.systemUTC()));
  }

  /** The command line: parses, takes the lock, runs the hours in order; returns the exit code. */
  public static int cli(String[] args, PrintStream out, PrintStream err, Clock clock) {
    Options options;
    List<Hour> hours;
    try {
      PipelineOptionsFactory.register(Options.class);
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
      hours = hours(options, clock.instant());
      topics(options);
      Warehouse.requireNoSecret(options.getJdbcUrl(), options.getJdbcPasswordEnv());
      RunnerMatrix.refusal(RunnerMatrix.PipelineName.HOURLY_BATCH, options).ifPresent(reason -> {
        throw new IllegalArgumentException(reason); // --streaming=true: a usage error, exit 2
      });
      if (options.getPaymentWindowMinutes() < 1 || options.getPaymentWindowMinutes() > 60) {
        throw new IllegalArgumentException("--paymentWindowMinutes must be within 1..60");
      }
      if (options.getHour() == null && options.getTo() == null
          && options.getPaymentWindowMinutes() > options.getSettleMinutes()) {
        // the last complete hour's bookings may be paid after the run starts: they would count as unpaid
        throw new IllegalArgumentException("--paymentWindowMinutes (" + options.getPaymentWindowMinutes() + ") is"
            + " longer than --settleMinutes (" + options.getSettleMinutes() + "): the last complete hour's late"
            + " payments would not be in the lake yet; raise --settleMinutes to at least the payment window");
      }
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    }
    Path lockFile = Path.of(options.getLockFile());
    try (RunLock lock = RunLock.tryAcquire(lockFile)) {
      if (lock == null) {
        err.println("hourly batch: another run holds the lock " + lockFile.toAbsolutePath() + " ("
            + RunLock.holder(lockFile) + "); not starting. Exit " + LOCKED + ".");
        return LOCKED;
      }
      return runHours(options, hours, out, err);
    } catch (IOException e) {
      err.println("error: cannot take the lock " + lockFile + ": " + e.getMessage());
      return FAILED;
    }
  }

  private static int runHours(Options options, List<Hour> hours, PrintStream out, PrintStream err) {
    try {
      Preflight.check(options, RunnerMatrix.PipelineName.HOURLY_BATCH);
      Warehouse.of(options).migrate(MIGRATIONS);
    } catch (RuntimeException e) {
      err.println("error: " + e.getMessage());
      return FAILED;
    }
    out.println("hourly batch: " + hours.size() + (hours.size() == 1 ? " hour " : " hours ") + hours.get(0)
        + (hours.size() > 1 ? " .. " + hours.get(hours.size() - 1) : "") + ", lake " + LakeLayout.root(options.getLakeRoot())
        + ", warehouse " + options.getJdbcUrl() + ", runner " + options.getRunner().getSimpleName());
    boolean quarantined = false;
    for (int i = 0; i < hours.size(); i++) {
      Hour hour = hours.get(i);
      try {
        Report report = runHour(options, hour);
        out.print(report.describe());
        out.flush();
        quarantined |= report.quarantined();
      } catch (RuntimeException e) {
        err.println("hour " + hour + " FAILED: " + e.getMessage());
        if (i + 1 < hours.size()) {
          err.println("not run: " + hours.get(i + 1) + (i + 2 < hours.size() ? " .. " + hours.get(hours.size() - 1) : ""));
        }
        return FAILED;
      }
    }
    return quarantined ? QUARANTINED : OK;
  }

  /** The hours to run: --hour, or --from/--to, or the last complete hour. */
  static List<Hour> hours(Options options, Instant now) {
    Hour lastComplete = Hour.lastComplete(now, Duration.ofMinutes(options.getSettleMinutes()));
    if (options.getFrom() != null || options.getTo() != null) {
      if (options.getHour() != null) {
        throw new IllegalArgumentException("give either --hour or --from/--to, not both");
      }
      if (options.getFrom() == null) {
        throw new IllegalArgumentException("--to needs --from");
      }
      return Hour.range(Hour.parse(options.getFrom()), options.getTo() == null ? lastComplete : Hour.parse(options.getTo()));
    }
    return List.of(options.getHour() == null ? lastComplete : Hour.parse(options.getHour()));
  }

  /** The topics of a run, by registry name. */
  static List<String> topics(Options options) {
    if (options.getTopics() == null || options.getTopics().isBlank()) {
      return TopicRules.batchTopics().stream().map(Topic::name).toList();
    }
    List<String> out = new ArrayList<>();
    for (String name : options.getTopics().split(",")) {
      Topic<?> topic = LakeLayout.topic(name.strip());
      if (topic.schema().getField("event_id") == null) {
        throw new IllegalArgumentException("topic " + topic.name() + " has no event_id; the batch cannot deduplicate it");
      }
      out.add(topic.name());
    }
    return out;
  }

  /** What one hour's run did. */
  public record Report(Hour hour, String runId, double seconds, HourLoader.Loaded loaded, List<TopicStats> stats,
      List<QuarantineEntry> quarantine, Timings timings) {
    public boolean quarantined() {
      return !quarantine.isEmpty();
    }

    public String describe() {
      long files = quarantine.stream().filter(q -> q.kind() == QuarantineEntry.Kind.FILE).count();
      StringBuilder b = new StringBuilder(String.format("hour %s %s run %s %.1f s: silver %d rows, gold %d rows,"
              + " quarantined %d files and %d records%n", hour, quarantined() ? "QUARANTINED" : "OK", runId, seconds,
          loaded.silverRows(), loaded.goldRows(), files, quarantine.size() - files));
      b.append(String.format("  pipeline %.1f s; load: staging %.3f s, swap %.3f s (delete and load %.3f s, data checks"
          + " %.3f s, commit %.3f s)%n", timings.pipeline(), timings.staging(), timings.swap(), loaded.replace(),
          loaded.checks(), loaded.commit()));
      for (TopicStats s : stats) {
        if (s.bronzeFiles() + s.quarantinedFiles() > 0) {
          b.append(String.format("  %-22s %5d files %7d bronze rows %5d duplicates %5d quarantined %7d silver rows%n",
              s.topic(), s.bronzeFiles(), s.bronzeRows(), s.duplicates(), s.quarantinedRows() + s.quarantinedFiles(),
              s.silverRows()));
        }
      }
      loaded.rows().forEach((table, n) -> b.append(String.format("  %-34s %6d rows%n", table, n)));
      quarantine.stream().limit(50).forEach(q -> b.append("  quarantined ").append(q.describe()).append('\n'));
      if (quarantine.size() > 50) {
        b.append("  ... and ").append(quarantine.size() - 50).append(" more in batch_quarantine\n");
      }
      return b.toString();
    }
  }

  /**
   * Runs one hour: the pipeline (silver and the gold rows into the run's staging folder), then the
   * swap into the warehouse, then, once the swap has committed, the quarantine moves, the run's silver
   * published in place of the hour's ({@link RunFiles#publishSilver}) and the staging cleanup. The
   * caller holds the lock and has migrated the warehouse.
   *
   * <p>Nothing is moved or deleted in the lake before the commit: a run that fails (or crashes) before
   * it leaves bronze and silver as they were (an unreadable file is found, reported and quarantined
   * again by the rerun) and only its own staging files are discarded. A failure after the commit (a
   * move or a cleanup) leaves the committed hour alone and says so: the run still fails (exit 1), and
   * a rerun finishes the job.
   */
  public static Report runHour(Options options, Hour hour) {
    Instant started = Instant.now();
    String runId = LakeWriterPipeline.newRunId();
    String root = LakeLayout.root(options.getLakeRoot());
    List<String> topics = topics(options);
    Warehouse warehouse = Warehouse.of(options);
    HourLoader.RunInfo run = new HourLoader.RunInfo(runId, hour, started, options.getRunner().getSimpleName());
    PipelineResult result;
    List<QuarantineEntry> quarantine;
    HourLoader.Loaded loaded;
    long t0 = System.nanoTime();
    long t2;
    long t3;
    try {
      Pipeline pipeline = Pipeline.create(options);
      build(pipeline, options, hour, runId);
      result = pipeline.run();
      PipelineResult.State state = result.waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("the pipeline ended " + state);
      }
      quarantine = RunFiles.readQuarantineList(root, hour, runId);
      t2 = System.nanoTime();
      loaded = HourLoader.swap(warehouse, run, RunFiles.stagingDir(root, hour, runId),
          GoldTables.computableFrom(topics), topics, quarantine);
      t3 = System.nanoTime();
    } catch (RuntimeException | Error e) {
      // an Error too (out of memory): its staging files go and the run is recorded as failed, if that can be done
      RunFiles.discardStaging(root, hour, runId); // its silver files too: they wait there for the commit
      HourLoader.recordFailure(warehouse, run, String.valueOf(e.getMessage()));
      throw e;
    }
    try {
      RunFiles.moveQuarantinedFiles(root, quarantine);
      RunFiles.publishSilver(root, topics, hour, runId);
      RunFiles.deleteStaging(root, hour);
      Timings timings = new Timings((t2 - t0) / 1e9, stagingSeconds(result), (t3 - t2) / 1e9);
      return new Report(hour, runId, (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0, loaded,
          stats(warehouse, hour, topics), quarantine, timings);
    } catch (RuntimeException e) {
      throw new IllegalStateException("hour " + hour + " was loaded and committed by run " + runId + ", but what"
          + " follows the commit failed (moving unreadable files to the quarantine folder, replacing the hour's silver"
          + " with the run's, removing the staging files, or reading the run's statistics): " + e.getMessage()
          + "; a rerun of the hour finishes it", e);
    }
  }

  /**
   * Seconds of an hour's run: the pipeline (bronze to staging files), its staging write alone ({@link
   * StageRows}' own timer, grouped rows to files; NaN when the runner reports no metrics) and the swap.
   */
  public record Timings(double pipeline, double staging, double swap) {
    /** Staging + swap: what the run spends loading the warehouse. */
    public double load() {
      return staging + swap;
    }
  }

  private static double stagingSeconds(PipelineResult result) {
    try {
      double micros = 0;
      for (MetricResult<DistributionResult> d : result.metrics().queryMetrics(MetricsFilter.builder()
          .addNameFilter(MetricNameFilter.named(StageRows.class, "staging_micros")).build()).getDistributions()) {
        micros += d.getAttempted().getSum();
      }
      return micros / 1e6;
    } catch (UnsupportedOperationException e) {
      return Double.NaN;
    }
  }

  /** What {@link #refine} produces: silver records of the hour, quarantine, statistics and gold rows per table. */
  public record Outputs(PCollection<SilverRecord> silver, PCollection<QuarantineEntry> quarantine,
      PCollection<TopicStats> stats, Map<GoldTable, PCollection<? extends GoldRow>> gold) {}

  /** The pipeline of one hour, IO included. */
  public static Outputs build(Pipeline pipeline, Options options, Hour hour, String runId) {
    String root = LakeLayout.root(options.getLakeRoot());
    List<String> topics = topics(options);
    List<BronzeSource> sources = new ArrayList<>();
    for (String topic : topics) {
      sources.add(BronzeSource.of(root, topic, hour, false));
    }
    if (topics.contains(Topics.BOOKINGS.name()) && topics.contains(Topics.PAYMENTS.name())) {
      sources.add(BronzeSource.of(root, Topics.PAYMENTS.name(), hour.next(), true));
    }
    PCollection<BronzeSource> folders = pipeline.apply("ListBronzeFolders",
        Create.of(sources).withCoder(SerializableCoder.of(BronzeSource.class)));
    Outputs outputs = refine(folders, hour, topics, Duration.ofMinutes(options.getPaymentWindowMinutes()));
    write(outputs, options, hour, runId);
    return outputs;
  }

  /** Everything between reading bronze and writing: validation, deduplication, statistics, gold tables. */
  public static Outputs refine(PCollection<BronzeSource> folders, Hour hour, List<String> topics, Duration paymentWindow) {
    PCollectionTuple read = folders.apply("ReadBronze", ReadBronze.create());
    PCollectionTuple deduplicated = read.get(ReadBronze.RECORDS).apply("DeduplicateByEventId", Deduplicate.forHour(hour));
    PCollection<SilverRecord> all = deduplicated.get(Deduplicate.RECORDS);
    PCollection<SilverRecord> silver = all.apply("KeepTheHour", Filter.by((SilverRecord r) -> !r.lookahead()));

    List<TopicStats> zeros = topics.stream().map(t -> new TopicStats(hour.start(), t, 0, 0, 0, 0, 0, 0, 0)).toList();
    PCollection<TopicStats> stats = PCollectionList.of(read.get(ReadBronze.STATS))
        .and(deduplicated.get(Deduplicate.STATS))
        .and(folders.getPipeline().apply("ListTopics", Create.of(zeros).withCoder(SerializableCoder.of(TopicStats.class))))
        .apply("CollectStats", Flatten.pCollections())
        .apply("KeyStatsByTopic", WithKeys.of((TopicStats s) -> s.topic()).withKeyType(TypeDescriptors.strings()))
        .apply("SumStats", Combine.perKey(new SumStatsFn()))
        .apply("DropTopicKeys", Values.create());

    Map<GoldTable, PCollection<? extends GoldRow>> gold = new LinkedHashMap<>();
    List<GoldTable> computable = GoldTables.computableFrom(topics);
    if (computable.contains(TicketingGold.TABLE)) {
      PCollection<Booking> bookings = silver.apply("DecodeBookings", Typed.of(Topics.BOOKINGS));
      PCollection<Payment> payments = all.apply("DecodePayments", Typed.withLookahead(Topics.PAYMENTS));
      gold.put(TicketingGold.TABLE, PCollectionTuple.of(TicketingGold.BOOKINGS, bookings).and(TicketingGold.PAYMENTS, payments)
          .apply("ComputeTicketingGold", TicketingGold.of(hour, paymentWindow)));
    }
    if (computable.contains(BoxOfficeGold.TABLE)) {
      PCollection<BoxOfficeEvent> events = silver.apply("DecodeBoxOffice", Typed.of(Topics.BOX_OFFICE));
      gold.put(BoxOfficeGold.TABLE, events.apply("ComputeBoxOfficeGold", BoxOfficeGold.of(hour)));
    }
    if (computable.contains(RetailGold.SALES_TABLE)) {
      PCollection<InvoiceLine> lines = silver.apply("DecodeInvoiceLines", Typed.of(Topics.RETAIL_INVOICE_LINES));
      PCollectionTuple retail = lines.apply("ComputeRetailGold", RetailGold.of(hour));
      gold.put(RetailGold.SALES_TABLE, retail.get(RetailGold.SALES));
      gold.put(RetailGold.TOP_PRODUCTS_TABLE, retail.get(RetailGold.TOP_PRODUCTS));
      gold.put(RetailGold.CUSTOMERS_TABLE, retail.get(RetailGold.CUSTOMERS));
      gold.put(RetailGold.CANCELLATIONS_TABLE, retail.get(RetailGold.CANCELLATIONS));
    }
    if (computable.contains(ShopGold.TABLE)) {
      PCollection<Order> orders = silver.apply("DecodeOrders", Typed.of(Topics.ORDERS));
      gold.put(ShopGold.TABLE, orders.apply("ComputeShopGold", ShopGold.of(hour)));
    }
    return new Outputs(silver, read.get(ReadBronze.QUARANTINE), stats, gold);
  }

  /** The IO edge on the way out: silver files, the quarantine list, staging files. */
  static void write(Outputs outputs, Options options, Hour hour, String runId) {
    String root = LakeLayout.root(options.getLakeRoot());
    outputs.silver().apply("WriteSilver", WriteHourFiles.silver(root, hour, runId, options.getSilverShards()));
    outputs.quarantine().apply("WriteQuarantineList", WriteHourFiles.quarantineList(root, hour, runId));
    List<GoldTable> tables = new ArrayList<>();
    List<PCollection<StageRows.Row>> rows = new ArrayList<>();
    tables.add(TopicStats.TABLE);
    rows.add(StageRows.rowsOf(outputs.stats(), TopicStats.TABLE, camel(TopicStats.TABLE.name())));
    outputs.gold().forEach((table, gold) -> {
      tables.add(table);
      rows.add(StageRows.rowsOf(gold, table, camel(table.name())));
    });
    PCollectionList.of(rows).apply("CollectStagingRows", Flatten.pCollections())
        .apply("StageRows", StageRows.into(RunFiles.stagingDir(root, hour, runId),
            BulkLoad.Dialect.of(Warehouse.of(options).url()), tables));
  }

  /** {@code gold_shop_product_hourly} -> {@code GoldShopProductHourly}. */
  static String camel(String name) {
    StringBuilder out = new StringBuilder();
    for (String part : name.split("_")) {
      out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return out.toString();
  }

  static final class SumStatsFn implements SerializableFunction<Iterable<TopicStats>, TopicStats> {
    @Override
    public TopicStats apply(Iterable<TopicStats> parts) {
      TopicStats sum = null;
      for (TopicStats s : parts) {
        sum = sum == null ? s : sum.plus(s);
      }
      return sum;
    }
  }

  /** The hour's statistics per topic, as loaded. */
  static List<TopicStats> stats(Warehouse warehouse, Hour hour, List<String> topics) {
    List<TopicStats> out = new ArrayList<>();
    try (Connection c = warehouse.connect(); PreparedStatement s = c.prepareStatement("SELECT topic, bronze_files,"
        + " bronze_rows, quarantined_files, quarantined_rows, duplicates, silver_rows, control_total"
        + " FROM batch_topic_stats WHERE hour = ? ORDER BY topic")) {
      s.setObject(1, Warehouse.utc(hour.start()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (topics.contains(rs.getString(1))) {
            out.add(new TopicStats(hour.start(), rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)));
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read batch_topic_stats: " + e.getMessage(), e);
    }
    return out;
  }
}
