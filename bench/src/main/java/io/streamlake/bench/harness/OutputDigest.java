package io.streamlake.bench.harness;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.events.ticketing.BookingFact;
import io.streamlake.schemas.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a job wrote to one output topic in one run, reduced to figures two jobs can be compared by:
 * the records written, the distinct results (the latest per result key: a re-emitted fact or window
 * row replaces the earlier one, as the warehouse upsert and a compacted topic do), a checksum of those
 * results, and the time the last one was written.
 *
 * <p>Offsets are taken before the run ({@link #endOffsets}) and the run's slice is read afterwards, so
 * any number of runs can write to the same topic.
 */
public final class OutputDigest {
  /** How an output's values are identified and compared. */
  public enum Kind {
    /** BookingFact: one result per booking id; compared on the encoded bytes. */
    FACTS(v -> AvroCodec.of(BookingFact.class).decode(v).getBookingId(), v -> v),
    /** PageViewStats: one result per (window start, method); compared on the encoded bytes. */
    WINDOW_ROWS(v -> {
      PageViewStats s = AvroCodec.of(PageViewStats.class).decode(v);
      return s.getWindowStart().toEpochMilli() + "|" + s.getMethod();
    }, v -> v),
    /** DeadLetter: one per id; compared on the id, the reason and the original bytes (not the failure time). */
    LETTERS(v -> AvroCodec.of(DeadLetter.class).decode(v).getEventId(), v -> {
      DeadLetter d = AvroCodec.of(DeadLetter.class).decode(v);
      return (d.getEventId() + "|" + d.getSourceTopic() + "|" + d.getSourcePartition() + "|" + d.getSourceOffset() + "|"
          + d.getError() + "|" + d.getFailedStep() + "|" + hex(d.getOriginalValue())).getBytes(StandardCharsets.UTF_8);
    });

    final Function<byte[], String> identity;
    final Function<byte[], byte[]> canonical;

    Kind(Function<byte[], String> identity, Function<byte[], byte[]> canonical) {
      this.identity = identity;
      this.canonical = canonical;
    }
  }

  /** Records written, distinct results, their checksum, and the latest record timestamp (ms, 0 if none). */
  public record Digest(long records, long results, String checksum, long lastWriteMs) {}

  private OutputDigest() {}

  public static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      return c.endOffsets(partitions(c, topic));
    }
  }

  /** Records in [from, end) of every partition of {@code topic}. */
  public static long count(Map<TopicPartition, Long> from, Map<TopicPartition, Long> end) {
    long n = 0;
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      n += e.getValue() - from.getOrDefault(e.getKey(), 0L);
    }
    return n;
  }

  public static Map<TopicPartition, Long> beginningOffsets(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      return c.beginningOffsets(partitions(c, topic));
    }
  }

  /** Reads the records written to {@code topic} since {@code from} and digests them. */
  public static Digest read(String bootstrap, String topic, Map<TopicPartition, Long> from, Kind kind) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> parts = partitions(c, topic);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      Map<String, byte[]> latest = new HashMap<>();
      long records = 0;
      long lastWrite = 0;
      for (TopicPartition tp : parts) {
        long start = from.getOrDefault(tp, 0L);
        long stop = end.get(tp);
        if (stop <= start) {
          continue;
        }
        c.assign(List.of(tp));
        c.seek(tp, start);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (c.position(tp) < stop) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("no progress reading " + tp + " up to offset " + stop);
          }
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
            if (r.offset() >= stop) {
              break;
            }
            records++;
            lastWrite = Math.max(lastWrite, r.timestamp());
            // offsets are read in order within a partition, and one result key always lands in one partition
            latest.put(kind.identity.apply(r.value()), kind.canonical.apply(r.value()));
          }
        }
      }
      return new Digest(records, latest.size(), checksum(latest), lastWrite);
    }
  }

  /** SHA-256 over the results sorted by key (first 16 hex digits); the same set of results gives the same sum. */
  static String checksum(Map<String, byte[]> results) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, byte[]> e : new TreeMap<>(results).entrySet()) {
        sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(e.getValue());
        sha.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(ByteBuffer b) {
    if (b == null) {
      return "-";
    }
    ByteBuffer d = b.duplicate();
    byte[] a = new byte[d.remaining()];
    d.get(a);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(a)).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
    List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    List<TopicPartition> out = new ArrayList<>();
    infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
    return out;
  }

  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
