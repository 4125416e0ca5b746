package io.streamlake.bench.beam;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.pipelines.common.DecodeRecords;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.common.ReadTopic;
import io.streamlake.pipelines.common.WriteTopic;
import io.streamlake.pipelines.join.BookingJoinPipeline;
import io.streamlake.pipelines.windows.PageViewsByMethod;
import io.streamlake.pipelines.windows.WindowedAggregate;
import io.streamlake.pipelines.windows.WindowsPipeline;
import io.streamlake.schemas.Topics;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;

/**
 * The Beam side of the benchmark: the pipelines' own code, built as their {@code run} methods build
 * it, in REPLAY mode (a bounded read of the whole topics, batch on Flink), writing Kafka only (no
 * warehouse). Building is kept apart from running so the benchmark times only the run.
 *
 * <p>{@code --streaming} is left as given (default false, as the pipelines' REPLAY mode sets it), so
 * the same bounded replay can also be measured on the runner's streaming translation: the replay
 * read holds the watermark back until every record is read, so every record is on time either way.
 */
public final class BeamJobs {
  private BeamJobs() {}

  /** {@code BookingJoinPipeline.build}: read, decode, join, write facts/orphans/late/dead letters to Kafka. */
  public static Pipeline join(String... args) {
    PipelineOptionsFactory.register(BookingJoinPipeline.Options.class);
    BookingJoinPipeline.Options options = PipelineOptionsFactory.fromArgs(args).as(BookingJoinPipeline.Options.class);
    options.setReadMode(KafkaOptions.ReadMode.REPLAY);
    options.setWriteKafka(true);
    options.setWriteWarehouse(false);
    Pipeline pipeline = Pipeline.create(options);
    BookingJoinPipeline.build(pipeline, options);
    return pipeline;
  }

  /**
   * The page-view part of {@code WindowsPipeline}, with its step names: ReadPageViews, ParsePageViews,
   * AggregatePageViewsByMethod ({@code WindowedAggregate} of the pipeline's own {@code
   * PageViewsByMethod}), and the topic writes of its rows, late records and dead letters. The other
   * aggregates of the windows pipeline (alerts, follow-ups, box office, flights) are left out: the
   * native baseline does only this one.
   */
  public static Pipeline pageViews(String... args) {
    PipelineOptionsFactory.register(WindowsPipeline.Options.class);
    WindowsPipeline.Options options = PipelineOptionsFactory.fromArgs(args).as(WindowsPipeline.Options.class);
    options.setReadMode(KafkaOptions.ReadMode.REPLAY);
    Pipeline pipeline = Pipeline.create(options);
    PCollection<RawRecord> raw = pipeline.apply("ReadPageViews", ReadTopic.of(options, Topics.PAGE_VIEWS));
    DecodeRecords<PageView> decode = DecodeRecords.of(Topics.PAGE_VIEWS, PageView::getViewedAt);
    PCollectionTuple views = raw.apply("ParsePageViews", decode);
    WindowedAggregate<PageView, PageViewStats> byMethod = WindowedAggregate.of(new PageViewsByMethod(),
        Duration.standardMinutes(options.getPageViewWindowMinutes()),
        Duration.standardMinutes(options.getAllowedLatenessMinutes()),
        Duration.standardMinutes(options.getStateRetentionMinutes()), "AggregatePageViewsByMethod");
    PCollectionTuple stats = views.get(decode.decoded()).apply("AggregatePageViewsByMethod", byMethod);
    stats.get(byMethod.rows()).apply("WritePageViewStatsTopic", WriteTopic.of(options, Topics.PAGE_VIEW_STATS));
    stats.get(byMethod.late()).apply("WriteLateTopic", WriteTopic.of(options, Topics.LATE_EVENTS));
    PCollection<DeadLetter> deadLetters = views.get(decode.failures());
    deadLetters.apply("WriteDeadLetterTopic", WriteTopic.of(options, Topics.DEAD_LETTERS));
    return pipeline;
  }
}
