package io.streamlake.pipelines.lake;

import io.streamlake.events.DeadLetter;
import io.streamlake.pipelines.common.DeadLetters;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import io.streamlake.pipelines.common.DecodeRecords;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.AvroCodec;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Partition;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Instant;

/**
 * Raw Kafka records of any of the given topics to lake records: each is decoded with its topic's
 * schema ({@link DecodeRecords}, which stamps it with the event's own time), re-encoded with the
 * current schema, and placed in {@code TOPIC/dt=.../hour=...} of its <b>event</b> time. A record that
 * does not decode, or comes from a topic not in the list, becomes a dead letter in {@code
 * _deadletter/dt=.../hour=...} of its Kafka timestamp (of its decoding, when its event time is too far ahead of
 * the wall clock: {@link DecodeRecords}).
 */
public final class ToLakeRecords extends PTransform<PCollection<RawRecord>, PCollection<LakeRecord>> {
  private final List<Topic<?>> topics;
  private final String topicPrefix;
  private final java.time.Duration maxFutureSkew;

  private ToLakeRecords(List<Topic<?>> topics, String topicPrefix, java.time.Duration maxFutureSkew) {
    this.topics = List.copyOf(topics);
    this.topicPrefix = topicPrefix == null ? "" : topicPrefix;
    this.maxFutureSkew = maxFutureSkew;
  }

  /**
   * @param topics the topics the input holds
   * @param topicPrefix prefix of the Kafka topic names (stripped: the lake uses registry names)
   */
  public static ToLakeRecords of(List<Topic<?>> topics, String topicPrefix) {
    return new ToLakeRecords(topics, topicPrefix,
        java.time.Duration.ofMinutes(io.streamlake.schemas.EventTimes.DEFAULT_MAX_FUTURE_SKEW_MINUTES));
  }

  /** The same, with event times allowed up to {@code skew} ahead of the wall clock ({@link DecodeRecords#withMaxFutureSkew}). */
  public ToLakeRecords withMaxFutureSkew(java.time.Duration skew) {
    return new ToLakeRecords(topics, topicPrefix, skew);
  }

  @Override
  public PCollection<LakeRecord> expand(PCollection<RawRecord> input) {
    PCollectionList<RawRecord> byTopic = input.apply("RouteByTopic",
        Partition.of(topics.size() + 1, new RouteFn(topics.stream().map(Topic::name).toList(), topicPrefix)));
    List<PCollection<LakeRecord>> parts = new ArrayList<>();
    List<PCollection<DeadLetter>> deadLetters = new ArrayList<>();
    for (int i = 0; i < topics.size(); i++) {
      decode(topics.get(i), byTopic.get(i), parts, deadLetters);
    }
    // the same coder as the decoders' dead letters: Flink refuses to flatten streams of different coders
    deadLetters.add(byTopic.get(topics.size()).apply("UnknownTopicsAsDeadLetters", ParDo.of(new UnknownTopicFn()))
        .setCoder(AvroCoder.of(DeadLetter.class)));
    parts.add(PCollectionList.of(deadLetters).apply("CollectDeadLetters", Flatten.pCollections())
        .apply("PlaceDeadLetters", ParDo.of(new PlaceFn<>(DeadLetter.class, LakeLayout.DEAD_LETTER_DIR))));
    return PCollectionList.of(parts).apply("CollectLakeRecords", Flatten.pCollections()).setCoder(LakeRecord.Coder.of());
  }

  private <T extends SpecificRecord> void decode(Topic<T> topic, PCollection<RawRecord> raw,
      List<PCollection<LakeRecord>> parts, List<PCollection<DeadLetter>> deadLetters) {
    DecodeRecords<T> decode = DecodeRecords.of(topic, new EventTimeFn<>(LakeLayout.eventTimeField(topic.schema())))
        .withMaxFutureSkew(maxFutureSkew);
    PCollectionTuple decoded = raw.apply("Parse" + stepName(topic.name()), decode);
    parts.add(decoded.get(decode.decoded())
        .apply("Place" + stepName(topic.name()), ParDo.of(new PlaceFn<>(topic.valueClass(), topic.name()))));
    deadLetters.add(decoded.get(decode.failures()));
  }

  /** {@code retail-invoice-lines} -> {@code RetailInvoiceLines}. */
  static String stepName(String topic) {
    StringBuilder out = new StringBuilder();
    for (String part : topic.split("[^A-Za-z0-9]+")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  /** The event time of a record: its first non-null timestamp-millis field. */
  static final class EventTimeFn<T extends SpecificRecord> implements SerializableFunction<T, java.time.Instant> {
    private final String field;

    EventTimeFn(String field) {
      this.field = field;
    }

    @Override
    public java.time.Instant apply(T value) {
      return (java.time.Instant) ((SpecificRecordBase) value).get(field);
    }
  }

  static final class RouteFn implements Partition.PartitionFn<RawRecord> {
    private final List<String> names;
    private final String prefix;

    RouteFn(List<String> names, String prefix) {
      this.names = names;
      this.prefix = prefix;
    }

    @Override
    public int partitionFor(RawRecord record, int partitions) {
      String topic = record.topic();
      if (topic.startsWith(prefix)) {
        int i = names.indexOf(topic.substring(prefix.length()));
        if (i >= 0) {
          return i;
        }
      }
      return names.size();
    }
  }

  static final class UnknownTopicFn extends DoFn<RawRecord, DeadLetter> {
    private final Counter unknown = Metrics.counter("lake", "unknown_topic");

    @ProcessElement
    public void process(@Element RawRecord record, OutputReceiver<DeadLetter> out) {
      unknown.inc();
      out.output(DeadLetters.of(record, "topic " + record.topic() + " is not one the lake writer reads", "RouteByTopic"));
    }
  }

  /** A decoded value (or dead letter) into the partition folder of its element timestamp. */
  static final class PlaceFn<T extends SpecificRecord> extends DoFn<T, LakeRecord> {
    private final Class<T> type;
    private final String dataset;
    private final Counter placed;
    private transient AvroCodec<T> codec;

    PlaceFn(Class<T> type, String dataset) {
      this.type = type;
      this.dataset = dataset;
      this.placed = Metrics.counter("lake", dataset + "_records");
    }

    @Setup
    public void setup() {
      codec = AvroCodec.of(type);
    }

    @ProcessElement
    public void process(@Element T value, @Timestamp Instant timestamp, OutputReceiver<LakeRecord> out) {
      placed.inc();
      String partition = LakeLayout.partition(java.time.Instant.ofEpochMilli(timestamp.getMillis()));
      out.output(new LakeRecord(dataset + "/" + partition, codec.encode(value)));
    }
  }

  /** Every topic of the registry, or the named ones (comma-separated registry names). */
  public static List<Topic<?>> topics(String names) {
    if (names == null || names.isBlank()) {
      return Topics.all();
    }
    List<Topic<?>> out = new ArrayList<>();
    for (String name : names.split(",")) {
      out.add(LakeLayout.topic(name.strip()));
    }
    return out;
  }
}
