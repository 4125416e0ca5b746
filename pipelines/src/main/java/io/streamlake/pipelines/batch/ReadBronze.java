package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.lake.LakeLayout;
import io.streamlake.pipelines.lake.ParquetFiles;
import io.streamlake.schemas.AvroCodec;
import io.streamlake.schemas.Topic;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Reads bronze folders: lists their Parquet files, reads each file whole, and checks each record.
 *
 * <ul>
 *   <li>{@link #RECORDS}: valid records, as {@link SilverRecord}s (not yet deduplicated);
 *   <li>{@link #QUARANTINE}: a file that is not readable Parquet (nothing of it is used), or a record
 *       that breaks its topic's rules ({@link TopicRules}) or lies outside the folder's hour, each
 *       with its path and the reason;
 *   <li>{@link #STATS}: files and rows read and quarantined, per topic.
 * </ul>
 *
 * A file is read twice: once to check that all of it is readable, then to emit its records, so a file
 * that breaks halfway contributes nothing. Nothing is thrown on bad data.
 */
public final class ReadBronze extends PTransform<PCollection<BronzeSource>, PCollectionTuple> {
  public static final TupleTag<SilverRecord> RECORDS = new TupleTag<>() {};
  public static final TupleTag<QuarantineEntry> QUARANTINE = new TupleTag<>() {};
  public static final TupleTag<TopicStats> STATS = new TupleTag<>() {};

  public static ReadBronze create() {
    return new ReadBronze();
  }

  @Override
  public PCollectionTuple expand(PCollection<BronzeSource> sources) {
    PCollectionTuple out = sources
        .apply("ListFiles", ParDo.of(new ListFilesFn()))
        .setCoder(SerializableCoder.of(BronzeFile.class))
        .apply("SpreadFiles", Reshuffle.viaRandomKey())
        .apply("ReadFiles", ParDo.of(new ReadFileFn()).withOutputTags(RECORDS, TupleTagList.of(QUARANTINE).and(STATS)));
    out.get(RECORDS).setCoder(SilverRecord.Coder.of());
    out.get(QUARANTINE).setCoder(SerializableCoder.of(QuarantineEntry.class));
    out.get(STATS).setCoder(SerializableCoder.of(TopicStats.class));
    return out;
  }

  /** One bronze file to read. */
  public record BronzeFile(BronzeSource source, String path) implements Serializable {}

  static final class ListFilesFn extends DoFn<BronzeSource, BronzeFile> {
    private final Counter files = Metrics.counter("batch", "bronze_files");

    @ProcessElement
    public void process(@Element BronzeSource source, OutputReceiver<BronzeFile> out) throws IOException {
      MatchResult match = FileSystems.match(source.directory() + "/*.parquet", EmptyMatchTreatment.ALLOW);
      if (match.status() == MatchResult.Status.NOT_FOUND) {
        return;
      }
      List<MatchResult.Metadata> found = new ArrayList<>(match.metadata());
      found.sort(Comparator.comparing(m -> m.resourceId().toString()));
      for (MatchResult.Metadata m : found) {
        files.inc();
        out.output(new BronzeFile(source, m.resourceId().toString()));
      }
    }
  }

  static final class ReadFileFn extends DoFn<BronzeFile, SilverRecord> {
    private final Counter unreadable = Metrics.counter("batch", "quarantined_files");
    private final Counter invalid = Metrics.counter("batch", "quarantined_records");
    private final Counter read = Metrics.counter("batch", "bronze_records");

    @ProcessElement
    public void process(@Element BronzeFile file, MultiOutputReceiver out) {
      BronzeSource source = file.source();
      Topic<?> topic = LakeLayout.topic(source.topic());
      Schema schema = topic.schema();
      long rows;
      try {
        rows = ParquetFiles.read(FileSystems.matchNewResource(file.path(), false), schema, r -> {});
      } catch (IOException | RuntimeException e) {
        if (!source.lookahead()) {
          unreadable.inc();
          out.get(QUARANTINE).output(QuarantineEntry.file(source.topic(), file.path(), "unreadable Parquet: " + reason(e)));
          out.get(STATS).output(TopicStats.quarantinedFile(source.hour(), source.topic()));
        }
        return;
      }
      Hour hour = new Hour(source.hour());
      String timeField = LakeLayout.eventTimeField(schema);
      AvroCodec<?> codec = topic.codec();
      try {
        ParquetFiles.read(FileSystems.matchNewResource(file.path(), false), schema,
            r -> check(file, codec, schema, timeField, hour, r, out));
      } catch (IOException e) {
        throw new IllegalStateException("bronze file " + file.path() + " became unreadable while being read", e);
      }
      if (!source.lookahead()) {
        read.inc(rows);
        out.get(STATS).output(TopicStats.file(source.hour(), source.topic(), rows));
      }
    }

    private void check(BronzeFile file, AvroCodec<?> codec, Schema schema, String timeField, Hour hour,
        GenericRecord generic, MultiOutputReceiver out) {
      BronzeSource source = file.source();
      SpecificRecord record;
      String reason;
      byte[] bytes = null;
      try {
        bytes = ParquetFiles.toSingleObject(generic, schema);
        record = codec.decode(bytes);
        Instant at = (Instant) ((SpecificRecordBase) record).get(timeField);
        reason = TopicRules.violation(source.topic(), (GenericRecord) record);
        if (reason == null && !hour.contains(at)) {
          reason = timeField + " " + at + " is outside the partition hour " + hour;
        }
        if (reason == null) {
          out.get(RECORDS).output(new SilverRecord(source.topic(), String.valueOf(((GenericRecord) record).get("event_id")),
              at.toEpochMilli(), bytes, file.path(), source.lookahead()));
          return;
        }
      } catch (RuntimeException e) {
        reason = "cannot convert to " + schema.getName() + ": " + reason(e);
      }
      if (!source.lookahead()) {
        invalid.inc();
        Object id = generic.get("event_id");
        out.get(QUARANTINE).output(QuarantineEntry.record(source.topic(), file.path(), id == null ? null : id.toString(),
            reason, generic.toString()));
        out.get(STATS).output(TopicStats.quarantinedRow(source.hour(), source.topic()));
      }
    }

    private static String reason(Throwable e) {
      StringBuilder out = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
      for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        out.append(" / ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
      }
      return out.length() > 500 ? out.substring(0, 500) : out.toString();
    }
  }
}
