package io.streamlake.pipelines.batch;

import static io.streamlake.pipelines.batch.GoldTable.bigint;
import static io.streamlake.pipelines.batch.GoldTable.hourColumn;
import static io.streamlake.pipelines.batch.GoldTable.text;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/**
 * What one batch run saw of one topic in one hour: bronze files and rows read, what was quarantined,
 * duplicates dropped, and the silver rows with their control total ({@link TopicRules#controlTotal}).
 * Partial counts from each step are merged per topic; the result is the table {@code batch_topic_stats},
 * which the data checks compare the gold tables against.
 */
@DefaultCoder(SerializableCoder.class)
public record TopicStats(Instant hour, String topic, long bronzeFiles, long bronzeRows, long quarantinedFiles,
    long quarantinedRows, long duplicates, long silverRows, long controlTotal) implements GoldRow {

  public static final GoldTable TABLE = new GoldTable("batch_topic_stats", List.of(hourColumn(), text("topic"),
      bigint("bronze_files"), bigint("bronze_rows"), bigint("quarantined_files"), bigint("quarantined_rows"),
      bigint("duplicates"), bigint("silver_rows"), bigint("control_total")), List.of("hour", "topic"));

  public static TopicStats file(Instant hour, String topic, long rows) {
    return new TopicStats(hour, topic, 1, rows, 0, 0, 0, 0, 0);
  }

  public static TopicStats quarantinedFile(Instant hour, String topic) {
    return new TopicStats(hour, topic, 0, 0, 1, 0, 0, 0, 0);
  }

  public static TopicStats quarantinedRow(Instant hour, String topic) {
    return new TopicStats(hour, topic, 0, 0, 0, 1, 0, 0, 0);
  }

  public static TopicStats silver(Instant hour, String topic, long duplicates, long controlTotal) {
    return new TopicStats(hour, topic, 0, 0, 0, 0, duplicates, 1, controlTotal);
  }

  public TopicStats plus(TopicStats o) {
    return new TopicStats(hour, topic, bronzeFiles + o.bronzeFiles, bronzeRows + o.bronzeRows,
        quarantinedFiles + o.quarantinedFiles, quarantinedRows + o.quarantinedRows, duplicates + o.duplicates,
        silverRows + o.silverRows, controlTotal + o.controlTotal);
  }

  @Override
  public List<Object> values() {
    return Arrays.asList(hour, topic, bronzeFiles, bronzeRows, quarantinedFiles, quarantinedRows, duplicates,
        silverRows, controlTotal);
  }
}
