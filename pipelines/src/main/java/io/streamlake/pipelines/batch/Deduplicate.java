package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.lake.LakeLayout;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Keeps one record per (topic, event id). When copies differ, the one with the smallest bytes wins,
 * so every runner keeps the same one. {@link #STATS} counts, per topic of the batch hour, the silver
 * rows, their control total and the duplicates dropped.
 *
 * <p>Records are grouped by (topic, bucket of the event id), {@link #BUCKETS} buckets per topic, and
 * deduplicated within a bucket in memory: a few hundred groups per hour instead of one per event,
 * which keeps the per-group overhead of a runner small; a bucket holds 1/BUCKETS of a topic's hour.
 */
public final class Deduplicate extends PTransform<PCollection<SilverRecord>, PCollectionTuple> {
  public static final TupleTag<SilverRecord> RECORDS = new TupleTag<>() {};
  public static final TupleTag<TopicStats> STATS = new TupleTag<>() {};
  /** Groups per topic. */
  public static final int BUCKETS = 8;

  private final Instant hour;

  private Deduplicate(Instant hour) {
    this.hour = hour;
  }

  public static Deduplicate forHour(Hour hour) {
    return new Deduplicate(hour.start());
  }

  @Override
  public PCollectionTuple expand(PCollection<SilverRecord> records) {
    PCollectionTuple out = records
        .apply("KeyByEventIdBucket", WithKeys.of((SilverRecord r) -> r.topic() + "/"
                + Math.floorMod(r.eventId().hashCode(), BUCKETS))
            .withKeyType(TypeDescriptors.strings()))
        .apply("GroupBuckets", GroupByKey.create())
        .apply("KeepOneCopy", ParDo.of(new KeepOneFn(hour)).withOutputTags(RECORDS, TupleTagList.of(STATS)));
    out.get(RECORDS).setCoder(SilverRecord.Coder.of());
    out.get(STATS).setCoder(SerializableCoder.of(TopicStats.class));
    return out;
  }

  static final class KeepOneFn extends DoFn<KV<String, Iterable<SilverRecord>>, SilverRecord> {
    private final Instant hour;
    private final Counter duplicates = Metrics.counter("batch", "duplicates");
    private final Counter kept = Metrics.counter("batch", "silver_records");

    KeepOneFn(Instant hour) {
      this.hour = hour;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<SilverRecord>> bucket, MultiOutputReceiver out) {
      Map<String, SilverRecord> best = new HashMap<>();
      Map<String, Long> copies = new HashMap<>();
      for (SilverRecord r : bucket.getValue()) {
        copies.merge(r.eventId(), 1L, Long::sum);
        best.merge(r.eventId(), r, KeepOneFn::smaller);
      }
      for (SilverRecord r : best.values()) {
        long dropped = copies.get(r.eventId()) - 1;
        duplicates.inc(dropped);
        out.get(RECORDS).output(r);
        if (!r.lookahead()) {
          kept.inc();
          GenericRecord value = (GenericRecord) LakeLayout.topic(r.topic()).codec().decode(r.value());
          out.get(STATS).output(TopicStats.silver(hour, r.topic(), dropped, TopicRules.controlTotal(r.topic(), value)));
        }
      }
    }

    /** The copy every runner keeps: smallest bytes, then smallest path. */
    static SilverRecord smaller(SilverRecord a, SilverRecord b) {
      int c = Arrays.compareUnsigned(a.value(), b.value());
      return c < 0 || (c == 0 && a.path().compareTo(b.path()) <= 0) ? a : b;
    }
  }
}
