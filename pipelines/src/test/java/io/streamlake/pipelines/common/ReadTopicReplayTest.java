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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A replay reads exactly its fixed offset ranges, or fails: it never skips a partition silently. */
class ReadTopicReplayTest {
  private static final String TOPIC = "replay-gone";

  /**
   * The REPLAY read itself (offset ranges resolved from Kafka, then read by a plain consumer per
   * partition) on every runner: exactly the records stamped in [--replayFrom, --replayTo), each once,
   * with its partition, offset and bytes. The runners' pipeline tests feed records in directly, so this
   * is the test of the Kafka read on Flink and Spark.
   */
  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "FlinkRunner", "SparkRunner"})
  void aReplayReadsExactlyItsRangeOnEveryRunner(String runner) throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    String prefix = "replay-range-" + runner.toLowerCase() + "-";
    String topic = prefix + io.streamlake.schemas.Topics.BOOKINGS.name();
    kafka.createTopics(List.of(topic), 3);
    List<String> expected = new java.util.ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (int partition = 0; partition < 3; partition++) {
        for (int i = 0; i < 40; i++) {
          long ts = 1_000_000L + i * 1000L; // one record a second per partition; the replay takes seconds 10..29
          producer.send(new ProducerRecord<>(topic, partition, ts, null,
              (partition + "/" + i).getBytes(StandardCharsets.UTF_8)));
          if (i >= 10 && i < 30) {
            expected.add(topic + "/" + partition + "@" + i + "=" + partition + "/" + i);
          }
        }
      }
      producer.flush();
    }
    List<String> args = new java.util.ArrayList<>(List.of("--runner=" + runner, "--readMode=REPLAY",
        "--topicPrefix=" + prefix,
        "--bootstrapServers=" + kafka.bootstrapServers(),
        "--replayFrom=" + java.time.Instant.ofEpochMilli(1_010_000L), "--replayTo=" + java.time.Instant.ofEpochMilli(1_030_000L)));
    if (runner.equals("FlinkRunner")) {
      args.addAll(List.of("--flinkMaster=[local]", "--parallelism=2"));
    } else if (runner.equals("SparkRunner")) {
      args.add("--sparkMaster=local[2]");
    }
    KafkaOptions options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(KafkaOptions.class);
    Pipeline p = Pipeline.create(options);
    Collected<String> read = Collected.of(p.apply(ReadTopic.of(options, io.streamlake.schemas.Topics.BOOKINGS))
        .apply(org.apache.beam.sdk.transforms.MapElements.into(org.apache.beam.sdk.values.TypeDescriptors.strings())
            .via((RawRecord r) -> r.topic() + "/" + r.partition() + "@" + r.offset() + "="
                + new String(r.value(), StandardCharsets.UTF_8))), "replayed-" + runner);
    p.run().waitUntilFinish();
    assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(read.get()));
    assertEquals(expected.size(), read.get().size(), "each record once");
  }

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
