package io.streamlake.pipelines.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same seeded bounded input of every scenario through the lake writer on Direct, Flink (embedded
 * MiniCluster) and Spark (local): the bronze layer holds the same rows in the same partition folders.
 */
class LakeWriterRunnersTest {
  static List<GeneratedRecord> generated;
  static List<TimestampedValue<RawRecord>> records;
  static Map<String, Map<String, List<String>>> direct;

  @BeforeAll
  static void runOnDirect() throws Exception {
    generated = LakeData.generated();
    records = LakeData.records(generated);
    direct = run("DirectRunner");
    Map<String, Integer> counts = LakeData.rowCounts(direct);
    long poison = generated.stream().filter(r -> r.kind() == GeneratedRecord.Kind.POISON).count();
    assertTrue(poison > 0, "the input has poison records");
    assertEquals((int) poison, counts.get(LakeLayout.DEAD_LETTER_DIR), "every poison record is a dead letter");
    assertEquals(records.size(), counts.values().stream().mapToInt(Integer::intValue).sum(),
        "every record lands once (duplicates too: bronze is raw)");
    assertTrue(direct.get(Topics.BOOKINGS.name()).size() >= 2, "the data spans an hour boundary");
  }

  static Map<String, Map<String, List<String>>> run(String runner) throws Exception {
    Path lake = Files.createTempDirectory("lake-" + runner);
    LakeWriterPipeline.Options options = LakeData.options(runner, lake, false);
    options.setTopics(LakeData.topics(generated));
    Pipeline p = Pipeline.create(options);
    LakeWriterPipeline.land(p.apply("Records", Create.timestamped(records).withCoder(RawRecord.Coder.of())),
        ToLakeRecords.topics(options.getTopics()), options);
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
    return LakeData.bronze(lake);
  }

  @Test
  void flinkBatchWritesTheSameBronze() throws Exception {
    assertEquals(direct, run("FlinkRunner"));
  }

  @Test
  void sparkBatchWritesTheSameBronze() throws Exception {
    assertEquals(direct, run("SparkRunner"));
  }
}
