package io.streamlake.pipelines.bench;

import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.pipelines.common.DecodeRecords;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.ReadTopic;
import io.streamlake.pipelines.windows.PageViewsByMethod;
import io.streamlake.pipelines.windows.WindowedAggregate;
import io.streamlake.pipelines.windows.WindowsPipeline;
import io.streamlake.schemas.AvroCodec;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Benchmark (not a test): page views/s of the windows pipeline ({@link WindowsPipeline}: the 5-minute
 * page-view aggregation per HTTP method, with the latency/VIP alerts and low-star follow-ups that
 * read the same page views) over topics already loaded into Kafka, as a bounded replay ({@code
 * --readMode=REPLAY}) on the runner given in the options, Kafka and warehouse writes off.
 *
 * <p>Also measured: the 5-minute aggregation alone on the same runner (read, decode, {@link
 * WindowedAggregate} with the pipeline's own {@link PageViewsByMethod}), to tell the aggregation's cost from
 * the rest of the pipeline's.
 *
 * <p>Baseline, measured in the same JVM before and after the pipelines: one plain kafka-clients
 * consumer thread reads the same page-view topic, decodes every record and computes the same
 * per-method 5-minute rows (views, errors, average and p95 latency, distinct by event id) in a
 * HashMap. The pipeline is also run once over empty topics ({@code --emptyTopicPrefix}) to measure
 * its fixed cost (pipeline construction, runner start and stop), so the output shows the rate both
 * with and without it.
 *
 * <pre>
 * scripts/bench-windows.sh [EVENTS] [RUNNER]
 * java -cp ... io.streamlake.pipelines.bench.WindowsBenchmark --bootstrapServers=127.0.0.1:9092 \
 *     --topicPrefix=bench-windows-100000- --emptyTopicPrefix=bench-windows-empty- \
 *     --usersFile=.local/bench-windows/100000/reference/users.jsonl --vipFile=.local/bench-windows/100000/reference/vip.json \
 *     --runner=FlinkRunner --flinkMaster=[local] --parallelism=2
 * </pre>
 */
public final class WindowsBenchmark {
  private WindowsBenchmark() {}

  /** The windows pipeline's options plus what the benchmark needs. */
  public interface Options extends WindowsPipeline.Options {
    @Description("Topic prefix of a set of empty topics, for the fixed-cost run (empty: skip that run)")
    @Default.String("")
    String getEmptyTopicPrefix();

    void setEmptyTopicPrefix(String value);

    @Description("How many times the pipeline runs over the loaded topics (the median is reported)")
    @Default.Integer(1)
    Integer getPipelineRuns();

    void setPipelineRuns(Integer value);
  }

  public static void main(String[] args) {
    PipelineOptionsFactory.register(Options.class);
    Options options = PipelineOptionsFactory.fromArgs(args).as(Options.class);
    options.setReadMode(KafkaOptions.ReadMode.REPLAY);
    options.setWriteKafka(false);
    options.setWriteWarehouse(false);
    String runner = options.getRunner().getSimpleName();
    String prefix = options.getTopicPrefix();
    String topic = prefix + Topics.PAGE_VIEWS.name();
    long windowMillis = Duration.ofMinutes(options.getPageViewWindowMinutes()).toMillis();

    // warm-up of the plain path (JIT, broker page cache), not measured
    PlainResult warm = plainAggregate(options.getBootstrapServers(), topic, windowMillis);
    System.out.printf("windows benchmark: %d page views in %s, runner %s%n", warm.views(), topic, runner);

    List<PlainResult> plain = new ArrayList<>();
    plain.add(plainAggregate(options.getBootstrapServers(), topic, windowMillis));
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < options.getPipelineRuns(); i++) {
      runs.add(runPipeline(options, prefix));
    }
    Run aggregation = runAggregationOnly(options, prefix);
    Run emptyPipeline = null;
    Run emptyAggregation = null;
    if (!options.getEmptyTopicPrefix().isBlank()) {
      emptyPipeline = runPipeline(options, options.getEmptyTopicPrefix());
      emptyAggregation = runAggregationOnly(options, options.getEmptyTopicPrefix());
    }
    plain.add(plainAggregate(options.getBootstrapServers(), topic, windowMillis));

    double plainRate = median(plain.stream().mapToDouble(PlainResult::rate).toArray());
    System.out.printf("plain consumer (baseline; 1 thread: read + decode + the same 5-min rows): median %,.0f page views/s"
        + " (runs %s)%n", plainRate, fmt(plain));
    Run run = runs.stream().sorted((a, b) -> Double.compare(a.seconds(), b.seconds())).toList().get(runs.size() / 2);
    Map<String, Long> c = run.counters();
    long records = c.entrySet().stream().filter(e -> e.getKey().startsWith("decode:")).mapToLong(Map.Entry::getValue).sum();
    report("windows pipeline (all outputs computed, none written)", run, emptyPipeline, plainRate,
        String.format("; %d records of all topics; runs %s s", records,
            Arrays.toString(runs.stream().mapToDouble(r -> Math.round(r.seconds() * 10) / 10.0).toArray())));
    report("5-min aggregation alone (read, decode, WindowedAggregate)", aggregation, emptyAggregation, plainRate,
        String.format("; %d rows", aggregation.counters().getOrDefault(PageViewsByMethod.NAME + ":rows", 0L)));

    long rows = c.getOrDefault("pageviews_by_method_5m:rows", 0L);
    System.out.printf("rows pageviews_by_method_5m: pipeline %d (+%d updates, %d late, %d duplicates), plain %d%s%n",
        rows, c.getOrDefault("pageviews_by_method_5m:row_updates", 0L), c.getOrDefault("pageviews_by_method_5m:late", 0L),
        c.getOrDefault("pageviews_by_method_5m:duplicate", 0L), warm.rows(),
        rows == warm.rows() ? "" : "  (MISMATCH)");
    long deadLetters = c.entrySet().stream().filter(e -> e.getKey().startsWith("decode:") && e.getKey().endsWith("_dead_letter"))
        .mapToLong(Map.Entry::getValue).sum();
    System.out.printf("counters: decoded %d, dead letters %d, latency alerts %d, vip alerts %d, low-star follow-ups %d,"
        + " aggregation keys still held %d%n", records - deadLetters, deadLetters,
        c.getOrDefault("alerts:latency_known_user", 0L) + c.getOrDefault("alerts:latency_unknown_user", 0L),
        c.getOrDefault("alerts:vip", 0L), c.getOrDefault("low_star_followups:followup", 0L),
        c.getOrDefault("pageviews_by_method_5m:keys_opened", 0L) - c.getOrDefault("pageviews_by_method_5m:keys_released", 0L));
  }

  /** One line per measured pipeline: the rate with and without its fixed cost, and the ratios to the plain baseline. */
  private static void report(String what, Run run, Run empty, double plainRate, String extra) {
    long views = run.counters().getOrDefault("decode:pageviews_decoded", 0L);
    double gross = views / run.seconds();
    StringBuilder b = new StringBuilder(String.format("%s: %d page views in %.1f s = %,.0f page views/s, ratio to plain"
        + " %.3f", what, views, run.seconds(), gross, gross / plainRate));
    if (empty != null) {
      double net = run.seconds() - empty.seconds();
      b.append(String.format("; fixed cost (the same over empty topics) %.1f s, without it %,.0f page views/s, ratio %.3f",
          empty.seconds(), net > 0 ? views / net : Double.NaN, net > 0 ? views / net / plainRate : Double.NaN));
    }
    System.out.println(b.append(extra));
  }

  /** One timed pipeline run and its counters. */
  record Run(double seconds, Map<String, Long> counters) {}

  private static Run runPipeline(Options options, String prefix) {
    options.setTopicPrefix(prefix);
    long start = System.nanoTime();
    PipelineResult result = WindowsPipeline.run(options);
    PipelineResult.State state = result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the windows pipeline ended " + state);
    }
    return new Run(seconds, Preflight.counters(result));
  }

  /** Only the page-view aggregation of the pipeline: read, decode, aggregate per method in windows; no outputs. */
  private static Run runAggregationOnly(Options options, String prefix) {
    options.setTopicPrefix(prefix);
    options.setStreaming(false);
    long start = System.nanoTime();
    Pipeline pipeline = Pipeline.create(options);
    DecodeRecords<PageView> decode = DecodeRecords.of(Topics.PAGE_VIEWS, PageView::getViewedAt)
        .withMaxFutureSkew(KafkaOptions.maxFutureSkew(options));
    org.joda.time.Duration lateness = org.joda.time.Duration.standardMinutes(options.getAllowedLatenessMinutes());
    pipeline.apply("ReadPageViews", ReadTopic.of(options, Topics.PAGE_VIEWS))
        .apply("ParsePageViews", decode)
        .get(decode.decoded())
        .apply("AggregatePageViewsByMethod", WindowedAggregate.of(new PageViewsByMethod(),
            org.joda.time.Duration.standardMinutes(options.getPageViewWindowMinutes()), lateness,
            org.joda.time.Duration.standardMinutes(options.getStateRetentionMinutes()), "AggregatePageViewsByMethod"));
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the aggregation pipeline ended " + state);
    }
    return new Run(seconds, Preflight.counters(result));
  }


  /** What one plain run read and computed. */
  record PlainResult(long views, long rows, double seconds) {
    double rate() {
      return views / seconds;
    }
  }

  /** One window of one method: the distinct event ids and their latencies, errors counted. */
  private static final class Acc {
    final Set<String> ids = new HashSet<>();
    int[] latencies = new int[64];
    int n;
    long errors;
    long sum;

    void add(PageView v) {
      if (!ids.add(v.getEventId())) {
        return;
      }
      if (n == latencies.length) {
        latencies = Arrays.copyOf(latencies, n * 2);
      }
      latencies[n++] = v.getLatencyMs();
      sum += v.getLatencyMs();
      if (v.getStatusCode() >= 500) {
        errors++;
      }
    }

    /** Error rate, average and p95 (nearest rank): what the pipeline's row holds. */
    double[] summarize() {
      int[] sorted = Arrays.copyOf(latencies, n);
      Arrays.sort(sorted);
      int rank = Math.max(1, (int) Math.ceil(0.95 * n));
      return new double[] {(double) errors / n, (double) sum / n, sorted[rank - 1]};
    }
  }

  /** Reads the whole topic with one consumer, decodes each page view and computes the per-method window rows. */
  static PlainResult plainAggregate(String bootstrap, String topic, long windowMillis) {
    AvroCodec<PageView> codec = Topics.PAGE_VIEWS.codec();
    Map<String, Acc> windows = new HashMap<>();
    long views = 0;
    long start = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrap);
      }
      infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no progress reading " + topic + " for 5 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          PageView v = codec.decode(r.value());
          long at = v.getViewedAt().toEpochMilli();
          long windowStart = at - Math.floorMod(at, windowMillis);
          windows.computeIfAbsent(windowStart + "/" + v.getMethod().name(), k -> new Acc()).add(v);
          views++;
          deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        }
      }
    }
    double check = 0;
    for (Acc acc : windows.values()) {
      check += acc.summarize()[2];
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (Double.isNaN(check)) {
      throw new IllegalStateException("unreachable: keeps the summaries from being optimised away");
    }
    return new PlainResult(views, windows.size(), seconds);
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String fmt(List<PlainResult> runs) {
    StringBuilder b = new StringBuilder("[");
    for (PlainResult r : runs) {
      b.append(b.length() > 1 ? ", " : "").append(String.format("%,.0f", r.rate()));
    }
    return b.append("]").toString();
  }
}
