package io.streamlake.pipelines.lake;

import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.events.ticketing.PaymentMethod;
import io.streamlake.events.ticketing.PaymentStatus;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.TimestampedValue;

/** Small builders for lake tests: events, the Kafka records that carry them, and reading the lake back. */
public final class LakeFixtures {
  private static final AtomicLong OFFSETS = new AtomicLong();

  private LakeFixtures() {}

  public static LakeWriterPipeline.Options options(Path lakeRoot) {
    LakeWriterPipeline.Options o = PipelineOptionsFactory.as(LakeWriterPipeline.Options.class);
    o.setLakeRoot(lakeRoot.toString());
    return o;
  }

  public static Booking booking(String id, Instant at) {
    return new Booking("ev-" + id, id, "u-1", "sh-hamlet", "Hamlet", "Globe Theatre", "London", 2, 4500L, 9000L,
        "EUR", at, "web");
  }

  public static Payment payment(String id, String bookingId, Instant at) {
    return new Payment("ev-" + id, id, bookingId, 9000L, "EUR", PaymentMethod.CARD, PaymentStatus.SUCCESS, 1, at);
  }

  /** The Kafka record of a value, with the given Kafka timestamp (which need not be the event time). */
  public static <T extends SpecificRecord> TimestampedValue<RawRecord> raw(Topic<T> topic, T value, Instant kafkaTime) {
    return raw(topic.name(), topic.keyOf(value), topic.codec().encode(value), kafkaTime);
  }

  public static TimestampedValue<RawRecord> raw(String topic, String key, byte[] value, Instant kafkaTime) {
    RawRecord r = new RawRecord(topic, 0, OFFSETS.incrementAndGet(), key.getBytes(StandardCharsets.UTF_8), value,
        kafkaTime.toEpochMilli());
    return TimestampedValue.of(r, org.joda.time.Instant.ofEpochMilli(kafkaTime.toEpochMilli()));
  }

  /** Every Parquet file under a folder, relative to it, sorted; temporary files excluded. */
  public static List<String> parquetFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .map(f -> dir.relativize(f).toString())
          .filter(f -> f.endsWith(".parquet") && !f.contains(".temp"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The records of one Parquet file, as generic records of the folder's schema. */
  public static List<GenericRecord> read(Path file, org.apache.avro.Schema schema) {
    List<GenericRecord> out = new ArrayList<>();
    try {
      ParquetFiles.read(FileSystems.matchNewResource(file.toString(), false), schema, out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
