package io.streamlake.pipelines.lake;

import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RunnerMatrix;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.common.ReadTopic;
import io.streamlake.schemas.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.joda.time.Duration;

/**
 * The lake writer: lands every event of every topic, continuously, as Parquet in the bronze layer,
 * partitioned by <b>event</b> time.
 *
 * <p>Inputs: the platform topics ({@code --topics}, default all of {@code Topics.all()}), Avro
 * single-object. Outputs: {@code LAKE/bronze/TOPIC/dt=YYYY-MM-DD/hour=HH/part-*.parquet} with each
 * topic's current schema, and records that do not decode in {@code LAKE/bronze/_deadletter/...}
 * (as {@code DeadLetter}s with their original bytes), partitioned by their Kafka timestamp. Files
 * close every {@code --closeFilesEverySeconds} (default 120) of wall-clock time; file names carry a
 * run id, the closing number and the shard, so nothing is ever overwritten (see {@link WriteLake}).
 * The lake root is any Beam filesystem URI ({@code --lakeRoot}).
 *
 * <pre>
 * scripts/run-pipeline.sh lake --runner=FlinkRunner --bootstrapServers=127.0.0.1:9092 --lakeRoot=.local/lake
 * scripts/run-pipeline.sh lake --readMode=REPLAY --lakeRoot=/data/lake      # bounded: what is on the topics now
 * </pre>
 */
public final class LakeWriterPipeline {
  private LakeWriterPipeline() {}

  /** Options of the lake writer. */
  public interface Options extends KafkaOptions, LakeOptions, StreamingOptions {
    @Description("Topics to land, comma-separated registry names (default: every topic)")
    @Default.String("")
    String getTopics();

    void setTopics(String value);

    @Description("Files close (and become visible) every this many seconds of wall-clock time (unbounded input)")
    @Default.Integer(120)
    Integer getCloseFilesEverySeconds();

    void setCloseFilesEverySeconds(Integer value);

    @Description("Parallel writers per partition folder: each closing writes up to this many files per folder")
    @Default.Integer(1)
    Integer getShards();

    void setShards(Integer value);
  }

  public static void main(String[] args) {
    PipelineOptionsFactory.register(Options.class);
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    PipelineResult result;
    try {
      result = run(options);
    } catch (Preflight.PreflightException | IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.getReadMode() == KafkaOptions.ReadMode.REPLAY) {
      // a streaming job runs on after main returns, as the other pipelines' (on a cluster, run-on-flink.sh
      // gets its job id back instead of waiting for the life of the job)
      result.waitUntilFinish();
      Preflight.printCounters(result, System.out);
    }
  }

  /** Checks the options, builds and starts the pipeline. */
  public static PipelineResult run(Options options) {
    options.setStreaming(options.getReadMode() == KafkaOptions.ReadMode.STREAMING);
    if (options.getCloseFilesEverySeconds() < 1 || options.getShards() < 1) {
      throw new IllegalArgumentException("--closeFilesEverySeconds and --shards must be at least 1");
    }
    Preflight.check(options, RunnerMatrix.PipelineName.LAKE);
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, options);
    return pipeline.run();
  }

  /** Reads every topic and writes the bronze layer. */
  public static WriteFilesResult<String> build(Pipeline pipeline, Options options) {
    List<Topic<?>> topics = ToLakeRecords.topics(options.getTopics());
    List<PCollection<RawRecord>> reads = new ArrayList<>();
    for (Topic<?> topic : topics) {
      reads.add(pipeline.apply("Read" + ToLakeRecords.stepName(topic.name()), ReadTopic.of(options, topic)));
    }
    PCollection<RawRecord> all = PCollectionList.of(reads).apply("AllTopics", Flatten.pCollections());
    return land(all, topics, options);
  }

  /** Everything between the IO edges: raw records of {@code topics} to bronze files. Tests call this. */
  public static WriteFilesResult<String> land(PCollection<RawRecord> records, List<Topic<?>> topics, Options options) {
    return records
        .apply("ToLakeRecords", ToLakeRecords.of(topics, options.getTopicPrefix())
            .withMaxFutureSkew(KafkaOptions.maxFutureSkew(options)))
        .apply("WriteBronze", WriteLake.to(LakeLayout.root(options.getLakeRoot()) + "/" + LakeLayout.BRONZE,
            Duration.standardSeconds(options.getCloseFilesEverySeconds()), options.getShards(), newRunId()));
  }

  /** A fresh id for the files of one launch. */
  public static String newRunId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
