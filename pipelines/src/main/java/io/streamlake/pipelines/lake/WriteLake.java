package io.streamlake.pipelines.lake;

import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Writes {@link LakeRecord}s as Parquet files under one layer of the lake ({@code LAKE/bronze} or
 * {@code LAKE/silver}), each record in its own folder ({@code TOPIC/dt=.../hour=...}), with the
 * current Avro schema of that folder's topic.
 *
 * <p>Unbounded input is kept in the global window with a processing-time trigger, so a file closes
 * every {@code closeEvery} of wall-clock time whatever the event times inside it: a record with an
 * old event time still lands in its old partition and is never dropped as late. Bounded input is
 * written once, at the end.
 *
 * <p>File names are {@code part-RUN-ATTEMPT-PANE-SHARD-of-N.parquet}: RUN is a fresh id per pipeline
 * launch, ATTEMPT a fresh id per instance of the writing step (a Flink failover restarts the job with
 * the same RUN, and its panes count from 0 or from the restored checkpoint again: without ATTEMPT the
 * restarted job's files replaced the first attempt's), PANE counts the file closings, SHARD the
 * parallel writers; so a restart or a second worker never overwrites a file. Files are written to a
 * temporary folder and moved into place when complete, so a reader never sees half a file.
 */
public final class WriteLake extends PTransform<PCollection<LakeRecord>, WriteFilesResult<String>> {
  private final String layerRoot;
  private final Duration closeEvery;
  private final int shards;
  private final String runId;

  private WriteLake(String layerRoot, Duration closeEvery, int shards, String runId) {
    this.layerRoot = layerRoot;
    this.closeEvery = closeEvery;
    this.shards = shards;
    this.runId = runId;
  }

  /**
   * @param layerRoot e.g. {@code LAKE/bronze}
   * @param closeEvery how often files close on unbounded input (wall clock)
   * @param shards files per folder per closing
   * @param runId unique per pipeline launch; part of every file name
   */
  public static WriteLake to(String layerRoot, Duration closeEvery, int shards, String runId) {
    return new WriteLake(layerRoot, closeEvery, shards, runId);
  }

  @Override
  public WriteFilesResult<String> expand(PCollection<LakeRecord> input) {
    PCollection<LakeRecord> records = input;
    if (input.isBounded() == PCollection.IsBounded.UNBOUNDED) {
      records = input.apply("CloseFilesPeriodically",
          Window.<LakeRecord>into(new GlobalWindows())
              .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(closeEvery)))
              .discardingFiredPanes()
              .withAllowedLateness(Duration.ZERO));
    }
    return records.apply("WriteParquetFiles", FileIO.<String, LakeRecord>writeDynamic()
        .by(new FolderFn())
        .withDestinationCoder(StringUtf8Coder.of())
        .via(Contextful.fn(new ToGenericFn()), Contextful.fn(new SinkFn()))
        .to(layerRoot)
        .withNaming(new NamingFn(runId))
        .withNumShards(shards));
  }

  static final class FolderFn implements SerializableFunction<LakeRecord, String> {
    @Override
    public String apply(LakeRecord r) {
      return r.directory();
    }
  }

  static final class ToGenericFn implements SerializableFunction<LakeRecord, GenericRecord> {
    @Override
    public GenericRecord apply(LakeRecord r) {
      return ParquetFiles.toGeneric(r.value(), LakeLayout.schemaOf(r.dataset()));
    }
  }

  static final class SinkFn implements SerializableFunction<String, FileIO.Sink<GenericRecord>> {
    @Override
    public FileIO.Sink<GenericRecord> apply(String directory) {
      String dataset = directory.contains("/") ? directory.substring(0, directory.indexOf('/')) : directory;
      return ParquetIO.sink(LakeLayout.schemaOf(dataset)).withConfiguration(Map.of());
    }
  }

  static final class NamingFn implements SerializableFunction<String, FileIO.Write.FileNaming> {
    private final String runId;
    /** Made anew in every deserialized copy, that is for every instance of the step and every restart. */
    private transient String attempt;

    NamingFn(String runId) {
      this.runId = runId;
    }

    @Override
    public FileIO.Write.FileNaming apply(String directory) {
      if (attempt == null) {
        attempt = UUID.randomUUID().toString().substring(0, 8);
      }
      String a = attempt;
      return (window, pane, numShards, shardIndex, compression) -> String.format(
          "%s/part-%s-%s-%05d-%02d-of-%02d.parquet", directory, runId, a, pane.getIndex(), shardIndex, numShards);
    }
  }
}
