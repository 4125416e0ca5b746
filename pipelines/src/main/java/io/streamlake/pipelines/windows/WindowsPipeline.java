package io.streamlake.pipelines.windows;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.boxoffice.BoxOfficeStats;
import io.streamlake.events.flights.FlightState;
import io.streamlake.events.flights.FlightStats;
import io.streamlake.events.shop.LatencyAlert;
import io.streamlake.events.shop.LowStarFollowup;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.events.shop.StarRating;
import io.streamlake.events.shop.VipAlert;
import io.streamlake.pipelines.common.DecodeRecords;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RunnerMatrix;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.common.ReadTopic;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.common.WarehouseOptions;
import io.streamlake.pipelines.common.WriteTopic;
import io.streamlake.schemas.Topics;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.joda.time.Duration;

/**
 * Fixed-window aggregations and real-time alerts for the web shop, the box office and flights.
 *
 * <ul>
 *   <li>Page views per HTTP method per window (default 5 min): views, error rate (status >= 500),
 *       average and p95 latency -> table and topic {@code pageviews_by_method_5m}.
 *   <li>High-latency alerts: a page view slower than {@code --latencyThresholdMs}, enriched with the
 *       user's profile from the users JSON-lines file (re-read every {@code --usersRefreshSeconds}) ->
 *       table and topic {@code latency_alerts}.
 *   <li>VIP alerts: a page view by a user in the VIP file (re-read when it changes) -> {@code vip_alerts}.
 *   <li>Low-star follow-ups: a rating below {@code --lowStarBelow} stars followed by page views of
 *       the same user within {@code --followupWindowMinutes} -> one record per rating, {@code
 *       low_star_followups}.
 *   <li>Box office per theater per window (default 1 min): arrivals, tickets sold, left without
 *       buying, average and max wait -> table {@code boxoffice_minutely}.
 *   <li>Flights per origin country per window (default 5 min): distinct aircraft, airborne vs on
 *       ground, average altitude and speed -> table {@code flights_by_country_5m}.
 * </ul>
 *
 * <p>Event time comes from the events; the watermark trails them by {@code --maxOutOfOrderMs}. An
 * event up to {@code --allowedLatenessMinutes} behind its window's end updates the window's row
 * (upserted by window start and group); a later one goes to the {@code late-events} topic and is
 * counted ({@link WindowedAggregate}). Undecodable records go to {@code deadletter}.
 *
 * <p>Inputs: topics {@code pageviews}, {@code ratings}, {@code boxoffice}, {@code flights}; files
 * {@code --usersFile}, {@code --vipFile}.
 *
 * <pre>
 * scripts/run-pipeline.sh windows --runner=FlinkRunner --readMode=STREAMING \
 *     --usersFile=.local/reference/users.jsonl --vipFile=.local/reference/vip.json
 * </pre>
 */
public final class WindowsPipeline {
  private WindowsPipeline() {}

  /** Options of the windows pipeline. */
  public interface Options extends KafkaOptions, WarehouseOptions, StreamingOptions {
    @Description("Size of the page-view windows, minutes")
    @Default.Long(5)
    Long getPageViewWindowMinutes();

    void setPageViewWindowMinutes(Long value);

    @Description("Size of the box-office windows, minutes")
    @Default.Long(1)
    Long getBoxOfficeWindowMinutes();

    void setBoxOfficeWindowMinutes(Long value);

    @Description("Size of the flights windows, minutes")
    @Default.Long(5)
    Long getFlightsWindowMinutes();

    void setFlightsWindowMinutes(Long value);

    @Description("How late (event time behind the watermark, minutes) an event may arrive and still update its"
        + " window or follow-up; later events go to the late output")
    @Default.Long(5)
    Long getAllowedLatenessMinutes();

    void setAllowedLatenessMinutes(Long value);

    @Description("How long a group's or user's state outlives its last closed window, minutes")
    @Default.Long(60)
    Long getStateRetentionMinutes();

    void setStateRetentionMinutes(Long value);

    @Description("A page view slower than this (ms) raises a latency alert")
    @Default.Integer(1000)
    Integer getLatencyThresholdMs();

    void setLatencyThresholdMs(Integer value);

    @Description("Users reference data: a JSON-lines file (one user per line with user_id, name, email, country,"
        + " city, segment), any Beam file system path")
    @Default.String(".local/reference/users.jsonl")
    String getUsersFile();

    void setUsersFile(String value);

    @Description("STREAMING: how often the users file is checked and, when changed, re-read (seconds)")
    @Default.Long(300)
    Long getUsersRefreshSeconds();

    void setUsersRefreshSeconds(Long value);

    @Description("VIP list: a JSON array of user ids (or of objects with user_id)")
    @Default.String(".local/reference/vip.json")
    String getVipFile();

    void setVipFile(String value);

    @Description("STREAMING: how often the VIP file is checked for changes (seconds)")
    @Default.Long(10)
    Long getVipPollSeconds();

    void setVipPollSeconds(Long value);

    @Description("A rating with fewer stars than this is a low-star rating")
    @Default.Integer(3)
    Integer getLowStarBelow();

    void setLowStarBelow(Integer value);

    @Description("Page views within this many minutes after a low-star rating are its follow-up")
    @Default.Long(10)
    Long getFollowupWindowMinutes();

    void setFollowupWindowMinutes(Long value);

    @Description("Write the results to the warehouse (JDBC)")
    @Default.Boolean(true)
    Boolean getWriteWarehouse();

    void setWriteWarehouse(Boolean value);

    @Description("Write results, late records and dead letters to Kafka topics")
    @Default.Boolean(true)
    Boolean getWriteKafka();

    void setWriteKafka(Boolean value);
  }

  public static void main(String[] args) {
    Preflight.main(args, Options.class, WindowsPipeline::run);
  }

  /** Checks the options against the runner and the endpoints, builds and starts the pipeline. */
  public static PipelineResult run(Options options) {
    options.setStreaming(options.getReadMode() == KafkaOptions.ReadMode.STREAMING);
    Preflight.check(options, RunnerMatrix.PipelineName.WINDOWS);
    if (options.getWriteWarehouse()) {
      Warehouse.of(options).migrate(MIGRATIONS);
    }
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, options);
    return pipeline.run();
  }

  /** Reads the topics and reference files, computes, and writes every output. */
  public static Outputs build(Pipeline pipeline, Options options) {
    boolean streaming = options.getReadMode() == KafkaOptions.ReadMode.STREAMING;
    Sources sources = new Sources(
        pipeline.apply("ReadPageViews", ReadTopic.of(options, Topics.PAGE_VIEWS)),
        pipeline.apply("ReadRatings", ReadTopic.of(options, Topics.STAR_RATINGS)),
        pipeline.apply("ReadBoxOffice", ReadTopic.of(options, Topics.BOX_OFFICE)),
        pipeline.apply("ReadFlights", ReadTopic.of(options, Topics.FLIGHTS)),
        ReferenceData.watch(pipeline, "UsersFile", options.getUsersFile(),
            Duration.standardSeconds(options.getUsersRefreshSeconds()), streaming),
        ReferenceData.watch(pipeline, "VipFile", options.getVipFile(),
            Duration.standardSeconds(options.getVipPollSeconds()), streaming));
    Outputs outputs = analyze(sources, options);
    write(outputs, options);
    return outputs;
  }

  /**
   * The raw inputs: Kafka records of each topic, and the reference files' contents as they change
   * (each element one whole file, timestamped when read).
   */
  public record Sources(PCollection<RawRecord> pageViews, PCollection<RawRecord> ratings,
      PCollection<RawRecord> boxOffice, PCollection<RawRecord> flights, PCollection<String> usersFile,
      PCollection<String> vipFile) {}

  /** Decodes and computes every result: everything between the IO edges. */
  public static Outputs analyze(Sources in, Options options) {
    Duration lateness = Duration.standardMinutes(options.getAllowedLatenessMinutes());
    Duration retention = Duration.standardMinutes(options.getStateRetentionMinutes());

    java.time.Duration skew = KafkaOptions.maxFutureSkew(options);
    DecodeRecords<PageView> decodeViews = DecodeRecords.of(Topics.PAGE_VIEWS, PageView::getViewedAt)
        .withMaxFutureSkew(skew);
    DecodeRecords<StarRating> decodeRatings = DecodeRecords.of(Topics.STAR_RATINGS, StarRating::getRatedAt)
        .withMaxFutureSkew(skew);
    DecodeRecords<BoxOfficeEvent> decodeBoxOffice = DecodeRecords.of(Topics.BOX_OFFICE, BoxOfficeEvent::getEventTime)
        .withMaxFutureSkew(skew);
    DecodeRecords<FlightState> decodeFlights = DecodeRecords.of(Topics.FLIGHTS, FlightState::getLastContact)
        .withMaxFutureSkew(skew);
    PCollectionTuple views = in.pageViews().apply("ParsePageViews", decodeViews);
    PCollectionTuple ratings = in.ratings().apply("ParseRatings", decodeRatings);
    PCollectionTuple boxOffice = in.boxOffice().apply("ParseBoxOffice", decodeBoxOffice);
    PCollectionTuple flights = in.flights().apply("ParseFlights", decodeFlights);
    PCollection<PageView> pageViews = views.get(decodeViews.decoded());

    WindowedAggregate<PageView, PageViewStats> byMethod = WindowedAggregate.of(new PageViewsByMethod(),
        Duration.standardMinutes(options.getPageViewWindowMinutes()), lateness, retention, "AggregatePageViewsByMethod");
    PCollectionTuple viewStats = pageViews.apply("AggregatePageViewsByMethod", byMethod);

    PCollectionView<ReferenceData.UserDirectory> users = in.usersFile().apply("LoadUsers", ReferenceData.usersView());
    PCollectionView<ReferenceData.VipList> vips = in.vipFile().apply("LoadVipList", ReferenceData.vipView());
    PCollection<LatencyAlert> latencyAlerts = pageViews.apply("AlertHighLatency",
        new LatencyAlerts(options.getLatencyThresholdMs(), users));
    PCollection<VipAlert> vipAlerts = pageViews.apply("AlertVipViews", new VipAlerts(vips));

    PCollectionTuple followups = PCollectionTuple.of(LowStarFollowups.RATINGS, ratings.get(decodeRatings.decoded()))
        .and(LowStarFollowups.VIEWS, pageViews)
        .apply("CorrelateLowStarFollowups", new LowStarFollowups(options.getLowStarBelow(),
            Duration.standardMinutes(options.getFollowupWindowMinutes()), lateness, retention));

    WindowedAggregate<BoxOfficeEvent, BoxOfficeStats> byTheater = WindowedAggregate.of(new BoxOfficeByTheater(),
        Duration.standardMinutes(options.getBoxOfficeWindowMinutes()), lateness, retention, "AggregateBoxOffice");
    PCollectionTuple theaterStats = boxOffice.get(decodeBoxOffice.decoded()).apply("AggregateBoxOffice", byTheater);

    WindowedAggregate<FlightState, FlightStats> byCountry = WindowedAggregate.of(new FlightsByCountry(),
        Duration.standardMinutes(options.getFlightsWindowMinutes()), lateness, retention, "AggregateFlights");
    PCollectionTuple countryStats = flights.get(decodeFlights.decoded()).apply("AggregateFlights", byCountry);

    PCollection<DeadLetter> late = PCollectionList.of(viewStats.get(byMethod.late()))
        .and(followups.get(LowStarFollowups.LATE))
        .and(theaterStats.get(byTheater.late()))
        .and(countryStats.get(byCountry.late()))
        .apply("CollectLate", Flatten.pCollections());
    PCollection<DeadLetter> deadLetters = PCollectionList.of(views.get(decodeViews.failures()))
        .and(ratings.get(decodeRatings.failures()))
        .and(boxOffice.get(decodeBoxOffice.failures()))
        .and(flights.get(decodeFlights.failures()))
        .apply("CollectDeadLetters", Flatten.pCollections());
    return new Outputs(viewStats.get(byMethod.rows()), latencyAlerts, vipAlerts,
        followups.get(LowStarFollowups.FOLLOWUPS), theaterStats.get(byTheater.rows()),
        countryStats.get(byCountry.rows()), late, deadLetters);
  }

  /** The IO edge on the way out: Kafka topics and warehouse tables. */
  static void write(Outputs outputs, Options options) {
    if (options.getWriteKafka()) {
      outputs.pageViewStats().apply("WritePageViewStatsTopic", WriteTopic.of(options, Topics.PAGE_VIEW_STATS));
      outputs.latencyAlerts().apply("WriteLatencyAlertsTopic", WriteTopic.of(options, Topics.LATENCY_ALERTS));
      outputs.vipAlerts().apply("WriteVipAlertsTopic", WriteTopic.of(options, Topics.VIP_ALERTS));
      outputs.followups().apply("WriteFollowupsTopic", WriteTopic.of(options, Topics.LOW_STAR_FOLLOWUPS));
      outputs.late().apply("WriteLateTopic", WriteTopic.of(options, Topics.LATE_EVENTS));
      outputs.deadLetters().apply("WriteDeadLetterTopic", WriteTopic.of(options, Topics.DEAD_LETTERS));
    }
    if (options.getWriteWarehouse()) {
      WindowsWarehouse.write(outputs, Warehouse.of(options), options.getJdbcBatchSize(),
          options.getReadMode() == KafkaOptions.ReadMode.STREAMING);
    }
  }

  /** The warehouse tables this pipeline writes. */
  static final String[] MIGRATIONS = {"V101__windows.sql"};

  /** What the pipeline produces. Window rows and follow-ups are re-emitted when late data updates them. */
  public record Outputs(PCollection<PageViewStats> pageViewStats, PCollection<LatencyAlert> latencyAlerts,
      PCollection<VipAlert> vipAlerts, PCollection<LowStarFollowup> followups,
      PCollection<BoxOfficeStats> boxOfficeStats, PCollection<FlightStats> flightStats,
      PCollection<DeadLetter> late, PCollection<DeadLetter> deadLetters) {}
}
