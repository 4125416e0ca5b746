package io.streamlake.pipelines.windows;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.boxoffice.BoxOfficeStats;
import io.streamlake.events.flights.FlightStats;
import io.streamlake.events.shop.HttpMethod;
import io.streamlake.events.shop.LatencyAlert;
import io.streamlake.events.shop.LowStarFollowup;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.events.shop.StarRating;
import io.streamlake.events.shop.VipAlert;
import io.streamlake.generators.boxoffice.BoxOfficeScenario;
import io.streamlake.generators.core.DisorderedStream;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.core.Rng;
import io.streamlake.generators.core.TimeOrderedEmissions;
import io.streamlake.generators.flights.FlightsScenario;
import io.streamlake.pipelines.common.Collected;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.AvroDecodeException;
import io.streamlake.schemas.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;

/**
 * Generated input for the windows pipeline (web shop, box office, flights; with duplicates and
 * poison records), a bounded run of the pipeline over it, and options for each runner under test.
 */
final class WindowsData {
  private WindowsData() {}

  static final int USERS = 40;
  /** Users 0..29 are in the users file; 30..39 are not. */
  static final int KNOWN_USERS = 30;
  static final String VIP = "[\"u-001\", \"u-007\", \"u-012\"]";

  static String userId(int i) {
    return String.format("u-%03d", i);
  }

  /** The users file: one JSON object per line, and one line that is not. */
  static String usersFile() {
    String lines = IntStream.range(0, KNOWN_USERS)
        .mapToObj(i -> WindowsFixtures.userLine(userId(i), "User " + i, i % 2 == 0 ? "DE" : "FR"))
        .collect(Collectors.joining("\n"));
    return lines + "\n{\"name\": \"no id\"}\n";
  }

  /**
   * Web-shop event {@code n}: a page view at {@code config.eventTime(n)}; every fifth event is a
   * rating first (by one of twice as many users), the view half a second later. Methods, status codes and latencies are drawn from
   * (seed, n); a tenth of the views are slower than a second.
   */
  static List<Emission> shopEvent(GeneratorConfig config, long n) {
    SplittableRandom rnd = Rng.of(config.seed(), "windows-shop", n);
    java.time.Instant at = config.eventTime(n);
    String user = userId(rnd.nextInt(USERS));
    HttpMethod method = rnd.nextDouble() < 0.7 ? HttpMethod.GET
        : HttpMethod.values()[1 + rnd.nextInt(HttpMethod.values().length - 1)];
    double s = rnd.nextDouble();
    int status = s < 0.05 ? 500 + rnd.nextInt(4) : s < 0.1 ? 404 : 200;
    int latency = rnd.nextDouble() < 0.1 ? 1000 + rnd.nextInt(3000) : 20 + rnd.nextInt(400);
    List<Emission> out = new ArrayList<>();
    if (n % 5 == 0) {
      // raters come from twice the viewers, so some never view a page afterwards
      StarRating r = new StarRating(Rng.eventId(config.seed(), "windows-rating", n), userId(rnd.nextInt(2 * USERS)),
          "prod-" + rnd.nextInt(10), 1 + rnd.nextInt(5), at);
      out.add(Emission.of(io.streamlake.schemas.Topics.STAR_RATINGS, r, r.getRatedAt()));
      at = at.plusMillis(500);
    }
    PageView v = new PageView(Rng.eventId(config.seed(), "windows-view", n), user, "s-" + user,
        "/p/" + rnd.nextInt(50), method, status, latency, at);
    out.add(Emission.of(io.streamlake.schemas.Topics.PAGE_VIEWS, v, at));
    return out;
  }

  /** Every record the generators would send for the three scenarios, in sending order per scenario. */
  static List<GeneratedRecord> generated(GeneratorConfig shop, GeneratorConfig boxOffice, GeneratorConfig flights) {
    List<GeneratedRecord> out = new ArrayList<>();
    DisorderedStream.of(new TimeOrderedEmissions(shop, n -> shopEvent(shop, n)), shop).forEachRemaining(out::add);
    DisorderedStream.of(new BoxOfficeScenario(), boxOffice).forEachRemaining(out::add);
    DisorderedStream.of(new FlightsScenario(), flights).forEachRemaining(out::add);
    return out;
  }

  /** The same records as the pipeline would read them. */
  static List<TimestampedValue<RawRecord>> records(GeneratorConfig shop, GeneratorConfig boxOffice,
      GeneratorConfig flights) {
    List<TimestampedValue<RawRecord>> out = new ArrayList<>();
    long offset = 0;
    for (GeneratedRecord r : generated(shop, boxOffice, flights)) {
      RawRecord raw = new RawRecord(r.topic(), 0, offset++, r.key(), r.value(), r.eventTime().toEpochMilli());
      out.add(TimestampedValue.of(raw, org.joda.time.Instant.ofEpochMilli(r.eventTime().toEpochMilli())));
    }
    return out;
  }

  /** The records of one topic that decode (poison left out). */
  static <T extends SpecificRecord> List<T> decoded(List<TimestampedValue<RawRecord>> records, Topic<T> topic) {
    List<T> out = new ArrayList<>();
    for (TimestampedValue<RawRecord> r : records) {
      if (r.getValue().topic().equals(topic.name())) {
        try {
          out.add(topic.codec().decode(r.getValue().value()));
        } catch (AvroDecodeException e) {
          // poison: the model leaves it out, the pipeline must dead-letter it
        }
      }
    }
    return out;
  }

  static long count(List<TimestampedValue<RawRecord>> records, Topic<?> topic) {
    return records.stream().filter(r -> r.getValue().topic().equals(topic.name())).count();
  }

  /** Options for a runner: Direct, Flink (embedded MiniCluster) or Spark (local). */
  static WindowsPipeline.Options options(String runner, boolean streaming) {
    List<String> args = new ArrayList<>(List.of("--runner=" + runner, "--pageViewWindowMinutes=5",
        "--boxOfficeWindowMinutes=1", "--flightsWindowMinutes=5", "--allowedLatenessMinutes=5",
        "--latencyThresholdMs=1000", "--followupWindowMinutes=10", "--lowStarBelow=3",
        "--writeKafka=false", "--writeWarehouse=false"));
    if (runner.equals("FlinkRunner")) {
      args.addAll(List.of("--flinkMaster=[local]", "--parallelism=2", "--objectReuse=false"));
    } else if (runner.equals("SparkRunner")) {
      args.addAll(List.of("--sparkMaster=local[2]"));
    }
    if (streaming) {
      args.add("--streaming=true");
    }
    PipelineOptionsFactory.register(WindowsPipeline.Options.class);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(WindowsPipeline.Options.class);
  }

  /** What one run produced: the last row per key (rows are re-emitted when late data changes them). */
  record Outcome(Map<String, PageViewStats> pageViews, Map<String, BoxOfficeStats> boxOffice,
      Map<String, FlightStats> flights, Map<String, LatencyAlert> latencyAlerts, Map<String, VipAlert> vipAlerts,
      Map<String, LowStarFollowup> followups, long late, long deadLetters, long rowEmissions,
      Map<String, Long> counters) {
    long counter(String name) {
      return counters.getOrDefault(name, 0L);
    }
  }

  static String key(java.time.Instant windowStart, String group) {
    return windowStart + "/" + group;
  }

  /** Runs the pipeline (decode + compute, no IO) over bounded input on the options' runner. */
  static Outcome runBounded(WindowsPipeline.Options options, List<TimestampedValue<RawRecord>> records,
      String users, String vip) {
    Pipeline p = Pipeline.create(options);
    PCollection<RawRecord> all = p.apply("Records", Create.timestamped(records).withCoder(RawRecord.Coder.of()));
    WindowsPipeline.Sources sources = new WindowsPipeline.Sources(
        only(all, "pageviews"), only(all, "ratings"), only(all, "boxoffice"), only(all, "flights"),
        p.apply("UsersFile", Create.of(users).withCoder(StringUtf8Coder.of())),
        p.apply("VipFile", Create.of(vip).withCoder(StringUtf8Coder.of())));
    WindowsPipeline.Outputs out = WindowsPipeline.analyze(sources, options);
    Collected<PageViewStats> views = Collected.of(out.pageViewStats(), "views");
    Collected<BoxOfficeStats> boxOffice = Collected.of(out.boxOfficeStats(), "boxoffice");
    Collected<FlightStats> flights = Collected.of(out.flightStats(), "flights");
    Collected<LatencyAlert> latency = Collected.of(out.latencyAlerts(), "latency");
    Collected<VipAlert> vips = Collected.of(out.vipAlerts(), "vip");
    Collected<LowStarFollowup> followups = Collected.of(out.followups(), "followups");
    Collected<DeadLetter> late = Collected.of(out.late(), "late");
    Collected<DeadLetter> dead = Collected.of(out.deadLetters(), "dead");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return new Outcome(
        last(views.get(), r -> key(r.getWindowStart(), r.getMethod())),
        last(boxOffice.get(), r -> key(r.getWindowStart(), r.getTheaterId())),
        last(flights.get(), r -> key(r.getWindowStart(), r.getOriginCountry())),
        last(latency.get(), LatencyAlert::getAlertId), last(vips.get(), VipAlert::getAlertId),
        last(followups.get(), LowStarFollowup::getRatingEventId),
        late.get().size(), dead.get().size(),
        views.get().size() + boxOffice.get().size() + flights.get().size() + followups.get().size(),
        Preflight.counters(result));
  }

  private static PCollection<RawRecord> only(PCollection<RawRecord> all, String topic) {
    return all.apply("Only" + topic, Filter.by((RawRecord r) -> r.topic().equals(topic)));
  }

  private static <R> Map<String, R> last(List<R> rows, java.util.function.Function<R, String> key) {
    Map<String, R> out = new TreeMap<>();
    rows.forEach(r -> out.put(key.apply(r), r));
    return out;
  }
}
