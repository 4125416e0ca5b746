package io.streamlake.bench.nativeflink;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.schemas.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Native Flink 1.19 baseline of the 5-minute page-view aggregation ({@code WindowsPipeline}'s
 * {@code AggregatePageViewsByMethod}): reads {@code pageviews} with Flink's Kafka source (bounded,
 * earliest to latest offsets), decodes the same Avro, and per HTTP method and tumbling event-time
 * window counts distinct views, errors (status >= 500), error rate, average and p95 latency. Rows go
 * to the {@code pageviews_by_method_5m} topic, views later than the allowed lateness to {@code
 * late-events}, undecodable records to {@code deadletter} (all named with {@code --outputPrefix}).
 *
 * <pre>
 * java -cp "$(cat bench/target/classpath.txt):bench/target/classes" \
 *     io.streamlake.bench.nativeflink.NativePageViewWindowJob --bootstrapServers=127.0.0.1:9192 --topicPrefix=bench-quick-
 * </pre>
 */
public final class NativePageViewWindowJob {
  /** The name the Beam pipeline gives the aggregation (counter namespace, late records' text). */
  static final String NAME = "pageviews_by_method_5m";
  static final String STEP = "AggregatePageViewsByMethod";

  private static final OutputTag<PageView> LATE_VIEWS = new OutputTag<>("late-views", new AvroTypeInfo<>(PageView.class));

  private NativePageViewWindowJob() {}

  public static void main(String[] args) throws Exception {
    NativeOptions options = NativeOptions.parse(args);
    StreamExecutionEnvironment env = NativeJoinJob.environment(options);
    build(env, options);
    JobExecutionResult result = env.execute("NativePageViewWindowJob");
    System.out.printf("native page-view windows: %d ms net runtime%n", result.getNetRuntime());
  }

  public static void build(StreamExecutionEnvironment env, NativeOptions o) {
    SingleOutputStreamOperator<PageView> views = KafkaEdges
        .readBounded(env, o, o.topicPrefix() + Topics.PAGE_VIEWS.name(), "ReadPageViews")
        .process(new DecodeFunction<>(PageView.class), new AvroTypeInfo<>(PageView.class)).name("ParsePageViews")
        .uid("ParsePageViews");
    Aggregated agg = aggregate(
        NativeJoinJob.eventTime(o, views, (v, ts) -> v.getViewedAt().toEpochMilli()),
        Duration.ofMinutes(o.pageViewWindowMinutes()), Duration.ofMinutes(o.allowedLatenessMinutes()));
    String out = o.outputPrefix();
    agg.rows().sinkTo(KafkaEdges.sink(o.bootstrapServers(), out + Topics.PAGE_VIEW_STATS.name(), Topics.PAGE_VIEW_STATS))
        .name("WritePageViewStatsTopic").uid("WritePageViewStatsTopic");
    agg.late().sinkTo(KafkaEdges.sink(o.bootstrapServers(), out + Topics.LATE_EVENTS.name(), Topics.LATE_EVENTS))
        .name("WriteLateTopic").uid("WriteLateTopic");
    views.getSideOutput(DecodeFunction.DEAD_LETTERS)
        .sinkTo(KafkaEdges.sink(o.bootstrapServers(), out + Topics.DEAD_LETTERS.name(), Topics.DEAD_LETTERS))
        .name("WriteDeadLetterTopic").uid("WriteDeadLetterTopic");
  }

  /** The aggregation between the IO edges: views must carry their event time as the record timestamp. */
  public static Aggregated aggregate(DataStream<PageView> views, Duration size, Duration lateness) {
    long sizeMs = size.toMillis();
    long latenessMs = lateness.toMillis();
    SingleOutputStreamOperator<PageViewStats> rows = views
        .keyBy(v -> v.getMethod().name(), TypeInformation.of(String.class))
        .window(TumblingEventTimeWindows.of(size))
        .allowedLateness(lateness)
        .sideOutputLateData(LATE_VIEWS)
        .aggregate(new PageViewStatsAggregate(), new ToRow(), TypeInformation.of(PageViewStatsAggregate.Acc.class),
            TypeInformation.of(PageViewStatsAggregate.Acc.class), new AvroTypeInfo<>(PageViewStats.class))
        .name(STEP).uid(STEP);
    DataStream<DeadLetter> late = rows.getSideOutput(LATE_VIEWS)
        .map(v -> lateLetter(v, sizeMs, latenessMs), new AvroTypeInfo<>(DeadLetter.class)).name("LateAsDeadLetters");
    return new Aggregated(rows, late);
  }

  /** A view for a closed window, as the Beam aggregation writes it to {@code late-events}. */
  static DeadLetter lateLetter(PageView v, long size, long lateness) {
    long t = v.getViewedAt().toEpochMilli();
    long start = t - Math.floorMod(t, size);
    String reason = "late: window [" + java.time.Instant.ofEpochMilli(start) + ", "
        + java.time.Instant.ofEpochMilli(start + size) + ") of " + NAME + " group " + v.getMethod().name()
        + " closed at its end plus the allowed lateness (" + lateness / 1000 + " s)";
    String source = Topics.PAGE_VIEWS.name();
    return new DeadLetter(source + "/" + v.getEventId() + "/" + STEP, source, null, null, null,
        ByteBuffer.wrap(Topics.PAGE_VIEWS.codec().encode(v)), reason, STEP, java.time.Instant.now());
  }

  static final class ToRow extends ProcessWindowFunction<PageViewStatsAggregate.Acc, PageViewStats, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(String method, Context ctx, Iterable<PageViewStatsAggregate.Acc> accs,
        Collector<PageViewStats> out) {
      for (PageViewStatsAggregate.Acc acc : accs) {
        out.collect(PageViewStatsAggregate.row(method, ctx.window().getStart(), ctx.window().getEnd(), acc));
      }
    }
  }

  /** Window rows and the views that came after their window closed. */
  public record Aggregated(DataStream<PageViewStats> rows, DataStream<DeadLetter> late) {}
}
