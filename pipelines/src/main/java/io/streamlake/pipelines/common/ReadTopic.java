package io.streamlake.pipelines.common;

import io.streamlake.schemas.Topic;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Instant;

/**
 * Reads one platform topic as {@link RawRecord}s timestamped with the Kafka record time (the event
 * time, for our producers). The only place that reads Kafka.
 *
 * <ul>
 *   <li>STREAMING: {@code KafkaIO}, unbounded, with {@link EventTimePolicy} watermarks;
 *   <li>REPLAY: a bounded read of a fixed offset range per partition, resolved when the pipeline is
 *       built (from {@code --replayFrom}/{@code --replayTo}, or the whole topic up to the end offsets
 *       at that moment), so a replay reads exactly the same records on any runner.
 * </ul>
 */
public final class ReadTopic extends PTransform<PBegin, PCollection<RawRecord>> {
  private final KafkaOptions options;
  private final Topic<?> topic;

  private ReadTopic(KafkaOptions options, Topic<?> topic) {
    this.options = options;
    this.topic = topic;
  }

  public static ReadTopic of(KafkaOptions options, Topic<?> topic) {
    return new ReadTopic(options, topic);
  }

  @Override
  public PCollection<RawRecord> expand(PBegin input) {
    String name = options.getTopicPrefix() + topic.name();
    if (options.getReadMode() == KafkaOptions.ReadMode.REPLAY) {
      List<PartitionRange> ranges = resolveRanges(options.getBootstrapServers(), name,
          parse(options.getReplayFrom()), parse(options.getReplayTo()));
      return input
          .apply("ListPartitions", Create.of(ranges).withCoder(SerializableCoder.of(PartitionRange.class)))
          .apply("SpreadPartitions", Reshuffle.viaRandomKey())
          .apply("ReadPartitionRanges", ParDo.of(new ReadRangeFn(options.getBootstrapServers())))
          .setCoder(RawRecord.Coder.of());
    }
    Map<String, Object> consumer = new HashMap<>();
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, options.getStartFrom().toLowerCase());
    return input
        .apply("ReadKafka", KafkaIO.<byte[], byte[]>read()
            .withBootstrapServers(options.getBootstrapServers())
            .withTopic(name)
            .withKeyDeserializer(ByteArrayDeserializer.class)
            .withValueDeserializer(ByteArrayDeserializer.class)
            .withConsumerConfigUpdates(consumer)
            .withTimestampPolicyFactory(EventTimePolicy.factory(
                org.joda.time.Duration.millis(options.getMaxOutOfOrderMs()),
                org.joda.time.Duration.millis(options.getIdleTimeoutMs()),
                org.joda.time.Duration.millis(KafkaOptions.maxFutureSkew(options).toMillis()))))
        .apply("ToRawRecords", MapElements.into(TypeDescriptor.of(RawRecord.class))
            .via((KafkaRecord<byte[], byte[]> r) -> new RawRecord(r.getTopic(), r.getPartition(), r.getOffset(),
                r.getKV().getKey(), r.getKV().getValue(), r.getTimestamp())))
        .setCoder(RawRecord.Coder.of());
  }

  private static java.time.Instant parse(String iso) {
    return iso == null || iso.isBlank() ? null : java.time.Instant.parse(iso);
  }

  /** The offset range [from, to) of each partition for a replay. */
  static List<PartitionRange> resolveRanges(String bootstrap, String topic, java.time.Instant from, java.time.Instant to) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrap);
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> start = from == null ? begin : offsetsAt(consumer, partitions, from, end);
      Map<TopicPartition, Long> stop = to == null ? end : offsetsAt(consumer, partitions, to, end);
      List<PartitionRange> ranges = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        long a = Math.max(start.get(tp), begin.get(tp));
        long b = stop.get(tp);
        if (b > a) {
          ranges.add(new PartitionRange(topic, tp.partition(), a, b));
        }
      }
      return ranges;
    }
  }

  private static Map<TopicPartition, Long> offsetsAt(KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions, java.time.Instant time, Map<TopicPartition, Long> end) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(tp -> query.put(tp, time.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp o = found.get(tp);
      out.put(tp, o == null ? end.get(tp) : o.offset());
    }
    return out;
  }

  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
        // a range that retention deleted must fail the replay: the default ("latest") jumped to the end
        // and read nothing of the partition, silently
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Offsets [from, to) of one partition. */
  public record PartitionRange(String topic, int partition, long from, long to) implements Serializable {}

  /** Reads one partition range with a plain consumer; emits each record at its Kafka timestamp. */
  static final class ReadRangeFn extends DoFn<PartitionRange, RawRecord> {
    private final String bootstrap;

    ReadRangeFn(String bootstrap) {
      this.bootstrap = bootstrap;
    }

    @ProcessElement
    public void process(@Element PartitionRange range, OutputReceiver<RawRecord> out) {
      TopicPartition tp = new TopicPartition(range.topic(), range.partition());
      try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, range.from());
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (consumer.position(tp) < range.to()) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("no progress reading " + range + " for 5 minutes");
          }
          ConsumerRecords<byte[], byte[]> polled;
          try {
            polled = consumer.poll(Duration.ofMillis(500));
          } catch (OffsetOutOfRangeException e) {
            throw new IllegalStateException("cannot replay " + range + ": offset "
                + e.offsetOutOfRangePartitions().get(tp) + " is no longer in Kafka (retention deleted it after the replay's ranges were fixed); run the"
                + " replay again to read what the topic still holds", e);
          }
          for (ConsumerRecord<byte[], byte[]> r : polled) {
            if (r.offset() >= range.to()) {
              break;
            }
            deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            out.outputWithTimestamp(new RawRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.timestamp()),
                new Instant(r.timestamp()));
          }
        }
      }
    }
  }
}
