package io.streamlake.pipelines.common;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where and how a pipeline reads Kafka. Shared by every pipeline that reads topics. */
public interface KafkaOptions extends PipelineOptions {
  @Description("Kafka bootstrap servers, e.g. 127.0.0.1:9092")
  @Default.String("127.0.0.1:9092")
  String getBootstrapServers();

  void setBootstrapServers(String value);

  @Description("Prefix of every topic name (for shared clusters and isolated tests)")
  @Default.String("")
  String getTopicPrefix();

  void setTopicPrefix(String value);

  @Description("STREAMING: read the topics unbounded from --startFrom on. REPLAY: read a fixed range of the"
      + " topics (bounded): from --replayFrom (default: the first offset) to --replayTo (default: the end"
      + " offsets when the pipeline starts)")
  @Default.Enum("STREAMING")
  ReadMode getReadMode();

  void setReadMode(ReadMode value);

  @Description("REPLAY: read each partition from its first record with a Kafka timestamp at or after this time"
      + " (in offset order), ISO-8601 (default: the beginning of each partition)")
  String getReplayFrom();

  void setReplayFrom(String value);

  @Description("REPLAY: read each partition up to, not including, its first record with a Kafka timestamp at or"
      + " after this time (in offset order: with out-of-order timestamps a record stamped earlier can come after"
      + " that cut and is not read; replay adjacent ranges to read everything), ISO-8601 (default: up to the end"
      + " offsets at start)")
  String getReplayTo();

  void setReplayTo(String value);

  @Description("STREAMING: where a new consumer starts: EARLIEST or LATEST")
  @Default.String("EARLIEST")
  String getStartFrom();

  void setStartFrom(String value);

  @Description("How far out of order events may arrive (ms): the watermark trails the highest event time by this")
  @Default.Long(30_000)
  Long getMaxOutOfOrderMs();

  void setMaxOutOfOrderMs(Long value);

  @Description("STREAMING: a caught-up partition's watermark follows the wall clock minus max out-of-order"
      + " minus this (ms), so an idle partition does not hold the pipeline back")
  @Default.Long(60_000)
  Long getIdleTimeoutMs();

  void setIdleTimeoutMs(Long value);

  @Description("An event stamped more than this many minutes ahead of the wall clock is not trusted: it moves the"
      + " watermark only that far ahead of the clock, and decoding sends it to the dead letters with the reason (a"
      + " producer's clock, or the event, is wrong; Kafka 4 brokers refuse such records by default). 0 turns the"
      + " check off")
  @Default.Long(io.streamlake.schemas.EventTimes.DEFAULT_MAX_FUTURE_SKEW_MINUTES)
  Long getMaxFutureSkewMinutes();

  void setMaxFutureSkewMinutes(Long value);

  /** {@link #getMaxFutureSkewMinutes()} as a duration (zero: no limit); refuses a negative or absurd value. */
  static java.time.Duration maxFutureSkew(KafkaOptions options) {
    long minutes = options.getMaxFutureSkewMinutes();
    if (minutes < 0 || minutes > 1_000_000_000L) {
      throw new IllegalArgumentException("--maxFutureSkewMinutes must be 0 (off) to 1000000000, got " + minutes);
    }
    return java.time.Duration.ofMinutes(minutes);
  }

  /** How the topics are read. */
  enum ReadMode { STREAMING, REPLAY }
}
