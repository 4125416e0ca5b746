package io.streamlake.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.devservices.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** A replay reads exactly its fixed offset ranges, or fails: it never skips a partition silently. */
class ReadTopicReplayTest {
  private static final String TOPIC = "replay-gone";

  @Test
  void aRangeThatRetentionDeletedFailsTheReplayInsteadOfReadingNothing() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    kafka.createTopics(List.of(TOPIC), 1);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(TOPIC, 0, 1_000L + i, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
    List<ReadTopic.PartitionRange> ranges = ReadTopic.resolveRanges(kafka.bootstrapServers(), TOPIC, null, null);
    assertEquals(List.of(new ReadTopic.PartitionRange(TOPIC, 0, 0, 10)), ranges);
    // after the ranges were fixed, retention (here: a delete of the first half) removes the start of the range
    kafka.admin().deleteRecords(Map.of(new TopicPartition(TOPIC, 0), RecordsToDelete.beforeOffset(5))).all().get();

    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(ranges)).apply(ParDo.of(new ReadTopic.ReadRangeFn(kafka.bootstrapServers())));
    Exception e = assertThrows(Exception.class, () -> p.run().waitUntilFinish());
    String message = String.valueOf(e.getMessage()) + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
    assertTrue(message.contains("is no longer in Kafka"), message);
  }
}
