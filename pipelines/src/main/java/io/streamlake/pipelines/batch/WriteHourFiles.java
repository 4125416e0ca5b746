package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.lake.LakeLayout;
import io.streamlake.pipelines.lake.ParquetFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The files of one batch run, each written whole by one worker after a group-by: the hour's silver
 * Parquet (ParquetIO's sink), written into the run's staging folder as {@code
 * silver.TOPIC.part-RUN-SHARD-of-N.parquet} and published to {@code
 * LAKE/silver/TOPIC/dt=.../hour=.../part-RUN-SHARD-of-N.parquet} only after the hour's load has
 * committed ({@link RunFiles#publishSilver}), and the run's quarantine list. A file is written under
 * a temporary name and renamed when complete, and its name depends only on the run, topic and shard,
 * so a retried bundle rewrites the same file.
 */
public final class WriteHourFiles {
  private WriteHourFiles() {}

  /** Writes the hour's silver records, {@code shards} files per topic. */
  public static PTransform<PCollection<SilverRecord>, PCollection<Void>> silver(String root, Hour hour, String runId,
      int shards) {
    return new PTransform<>() {
      @Override
      public PCollection<Void> expand(PCollection<SilverRecord> records) {
        return records
            .apply("KeyByTopicShard", WithKeys.of((SilverRecord r) -> r.topic() + "/" + Math.floorMod(r.eventId().hashCode(), shards))
                .withKeyType(TypeDescriptors.strings()))
            .apply("GroupByTopicShard", GroupByKey.create())
            .apply("WriteSilverFiles", ParDo.of(new SilverFileFn(root, hour.start(), runId, shards)));
      }
    };
  }

  /** Writes the run's quarantine list (JSON lines); no file when nothing was quarantined. */
  public static PTransform<PCollection<QuarantineEntry>, PCollection<Void>> quarantineList(String root, Hour hour,
      String runId) {
    return new PTransform<>() {
      @Override
      public PCollection<Void> expand(PCollection<QuarantineEntry> entries) {
        return entries
            .apply("KeyAsOneList", WithKeys.of((QuarantineEntry e) -> "all").withKeyType(TypeDescriptors.strings()))
            .apply("GroupTheList", GroupByKey.create())
            .apply("WriteListFile", ParDo.of(new QuarantineListFn(RunFiles.quarantineListPrefix(root, hour, runId) + ".jsonl")));
      }
    };
  }

  static final class SilverFileFn extends DoFn<KV<String, Iterable<SilverRecord>>, Void> {
    private final String root;
    private final Instant hour;
    private final String runId;
    private final int shards;
    private final Counter files = Metrics.counter("batch", "silver_files");

    SilverFileFn(String root, Instant hour, String runId, int shards) {
      this.root = root;
      this.hour = hour;
      this.runId = runId;
      this.shards = shards;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<SilverRecord>> group) throws IOException {
      String topic = group.getKey().substring(0, group.getKey().lastIndexOf('/'));
      int shard = Integer.parseInt(group.getKey().substring(group.getKey().lastIndexOf('/') + 1));
      Schema schema = LakeLayout.schemaOf(topic);
      String dir = RunFiles.stagingDir(root, Hour.of(hour), runId);
      String name = RunFiles.stagedSilverName(topic, String.format("part-%s-%02d-of-%02d.parquet", runId, shard, shards));
      FileIO.Sink<GenericRecord> sink = ParquetIO.sink(schema).withConfiguration(Map.of());
      writeAtomically(dir, name, channel -> {
        sink.open(channel);
        for (SilverRecord r : group.getValue()) {
          sink.write(ParquetFiles.toGeneric(r.value(), schema));
        }
        sink.flush();
      });
      files.inc();
    }
  }

  static final class QuarantineListFn extends DoFn<KV<String, Iterable<QuarantineEntry>>, Void> {
    private final String file;

    QuarantineListFn(String file) {
      this.file = file;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<QuarantineEntry>> all) throws IOException {
      int slash = file.lastIndexOf('/');
      writeAtomically(file.substring(0, slash), file.substring(slash + 1), channel -> {
        Writer out = new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
        for (QuarantineEntry e : all.getValue()) {
          out.write(e.toJson());
          out.write('\n');
        }
        out.flush();
      });
    }
  }

  /** What writes a file's content into an open channel. */
  interface ChannelWriter {
    void write(WritableByteChannel channel) throws IOException;
  }

  /** Writes {@code dir/.NAME.inprogress}, then renames it to {@code dir/NAME}. */
  static void writeAtomically(String dir, String name, ChannelWriter content) throws IOException {
    ResourceId temp = FileSystems.matchNewResource(dir + "/." + name + ".inprogress", false);
    ResourceId target = FileSystems.matchNewResource(dir + "/" + name, false);
    try (WritableByteChannel channel = FileSystems.create(temp, MimeTypes.BINARY)) {
      content.write(channel);
    }
    FileSystems.delete(List.of(target), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    FileSystems.rename(List.of(temp), List.of(target));
  }
}
