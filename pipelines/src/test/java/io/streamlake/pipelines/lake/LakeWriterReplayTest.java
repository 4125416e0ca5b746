package io.streamlake.pipelines.lake;

import static io.streamlake.pipelines.lake.LakeFixtures.booking;
import static io.streamlake.pipelines.lake.LakeFixtures.parquetFiles;
import static io.streamlake.pipelines.lake.LakeFixtures.payment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lake writer's own entry point over a real Kafka broker, bounded (REPLAY): topics to bronze files. */
class LakeWriterReplayTest {
  static final String PREFIX = "lake-";
  static final Instant T = Instant.parse("2026-04-02T07:30:00Z");

  @TempDir
  Path lake;

  @Test
  void replayLandsEveryTopicRecordInItsEventHour() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    kafka.createTopics(PREFIX, List.of(Topics.BOOKINGS, Topics.PAYMENTS));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < 20; i++) {
        Instant at = T.plusSeconds(i * 180);
        producer.send(new ProducerRecord<>(PREFIX + "bookings", null, at.toEpochMilli(), ("b" + i).getBytes(StandardCharsets.UTF_8),
            Topics.BOOKINGS.codec().encode(booking("b" + i, at))));
        producer.send(new ProducerRecord<>(PREFIX + "payments", null, at.plusSeconds(60).toEpochMilli(),
            ("b" + i).getBytes(StandardCharsets.UTF_8), Topics.PAYMENTS.codec().encode(payment("p" + i, "b" + i, at.plusSeconds(60)))));
      }
      producer.send(new ProducerRecord<>(PREFIX + "payments", null, T.toEpochMilli(), null, new byte[] {9, 9}));
      producer.flush();
    }
    LakeWriterPipeline.Options options = LakeFixtures.options(lake);
    options.setBootstrapServers(kafka.bootstrapServers());
    options.setTopicPrefix(PREFIX);
    options.setTopics("bookings,payments");
    options.setReadMode(KafkaOptions.ReadMode.REPLAY);
    PipelineResult result = LakeWriterPipeline.run(options);
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    List<String> bookings = parquetFiles(lake.resolve("bronze/bookings"));
    assertEquals(List.of("dt=2026-04-02/hour=07", "dt=2026-04-02/hour=08"),
        bookings.stream().map(f -> f.substring(0, f.lastIndexOf('/'))).distinct().toList());
    long rows = bookings.stream().mapToLong(f -> LakeFixtures.read(lake.resolve("bronze/bookings").resolve(f),
        Topics.BOOKINGS.schema()).size()).sum();
    assertEquals(20, rows);
    assertEquals(20, parquetFiles(lake.resolve("bronze/payments")).stream().mapToLong(f -> LakeFixtures.read(
        lake.resolve("bronze/payments").resolve(f), Topics.PAYMENTS.schema()).size()).sum());
    assertTrue(parquetFiles(lake.resolve("bronze/_deadletter")).get(0).startsWith("dt=2026-04-02/hour=07/"));
  }
}
