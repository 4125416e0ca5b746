package io.streamlake.pipelines.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.testing.Await;
import io.streamlake.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;

/**
 * Generator -> in-process Kafka -> the lake writer on the Flink runner (embedded MiniCluster, streaming,
 * detached) -> bronze Parquet files, closed every two seconds: the event topics hold exactly the rows a
 * bounded Direct run of the same records writes, in the same event-time partitions.
 */
class LakeWriterFlinkStreamingTest {

  @Test
  void streamingLakeWriterOnFlinkLandsWhatABoundedRunLands() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    String prefix = "it-lake-";
    kafka.createTopics(prefix, Topics.all());
    List<GeneratedRecord> generated = LakeData.generated();
    try (KafkaRecordSink sink = new KafkaRecordSink(kafka.bootstrapServers(), prefix, Map.of())) {
      for (GeneratedRecord r : generated) {
        sink.send(r);
      }
      sink.flush();
      assertEquals(0, sink.failed(), () -> "producing the test data failed: " + sink.firstError());
    }
    Map<String, Map<String, List<String>>> expected = eventTopics(bounded(generated));

    Path lake = Files.createTempDirectory("it-lake");
    LakeWriterPipeline.Options options = LakeData.options("FlinkRunner", lake, true);
    options.setBootstrapServers(kafka.bootstrapServers());
    options.setTopicPrefix(prefix);
    options.setTopics(LakeData.topics(generated));
    options.setReadMode(KafkaOptions.ReadMode.STREAMING);
    options.setCloseFilesEverySeconds(2);
    options.as(FlinkPipelineOptions.class).setAttachedMode(false);
    PipelineResult result = LakeWriterPipeline.run(options);
    try {
      Await.until(() -> expected.equals(eventTopics(LakeData.bronze(lake))), Duration.ofMinutes(3),
          Duration.ofMillis(500), () -> "bronze rows " + LakeData.rowCounts(LakeData.bronze(lake)) + ", expected "
              + LakeData.rowCounts(expected));
    } finally {
      result.cancel();
    }
  }

  private static Map<String, Map<String, List<String>>> bounded(List<GeneratedRecord> generated) throws Exception {
    Path lake = Files.createTempDirectory("it-lake-direct");
    LakeWriterPipeline.Options options = LakeData.options("DirectRunner", lake, false);
    options.setTopics(LakeData.topics(generated));
    Pipeline p = Pipeline.create(options);
    LakeWriterPipeline.land(p.apply("Records", Create.timestamped(LakeData.records(generated)).withCoder(RawRecord.Coder.of())),
        ToLakeRecords.topics(options.getTopics()), options);
    p.run().waitUntilFinish();
    return LakeData.bronze(lake);
  }

  /**
   * The event topics only: a dead letter lands in the partition of its Kafka timestamp, which for a
   * poison record is the time the generator sent it, not a field the two runs share.
   */
  private static Map<String, Map<String, List<String>>> eventTopics(Map<String, Map<String, List<String>>> bronze) {
    Map<String, Map<String, List<String>>> out = new TreeMap<>(bronze);
    out.remove(LakeLayout.DEAD_LETTER_DIR);
    return out;
  }
}
