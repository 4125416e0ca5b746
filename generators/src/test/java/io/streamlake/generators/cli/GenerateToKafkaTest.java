package io.streamlake.generators.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.generators.Generate;
import io.streamlake.generators.core.DisorderedStream;
import io.streamlake.generators.core.GeneratedRecord.Kind;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.ticketing.TicketingScenario;
import io.streamlake.schemas.AvroDecodeException;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Generator -> a real in-process Kafka broker -> a consumer that decodes and counts every record. */
class GenerateToKafkaTest {
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.shared();
  }

  @Test
  void everyRecordArrivesAndDecodesExceptThePoison() {
    String prefix = "e2e-";
    kafka.createTopics(prefix, List.of(Topics.BOOKINGS, Topics.PAYMENTS));
    GeneratorConfig config = GeneratorConfig.builder().seed(3).rate(50).events(3000)
        .outOfOrder(0.05, Duration.ofSeconds(10)).late(0.01, Duration.ofMinutes(5))
        .duplicateFraction(0.02).poisonFraction(0.01).build();
    RunStats stats;
    try (KafkaRecordSink sink = new KafkaRecordSink(kafka.bootstrapServers(), prefix, Map.of())) {
      GeneratorRunner runner = new GeneratorRunner(sink, 0, Duration.ofSeconds(5), System.out);
      stats = runner.run(List.of(DisorderedStream.of(new TicketingScenario(), config)), config.baseTime(), () -> false);
      assertEquals(stats.sent(), sink.acknowledged());
      assertEquals(0, sink.failed());
    }

    Map<String, Long> valid = new HashMap<>();
    long poison = 0;
    Set<String> bookingIds = new HashSet<>();
    for (Topic<?> topic : List.of(Topics.BOOKINGS, Topics.PAYMENTS)) {
      for (ConsumerRecord<byte[], byte[]> r : readAll(prefix + topic.name())) {
        try {
          Object value = topic.codec().decode(r.value());
          valid.merge(topic.name(), 1L, Long::sum);
          if (value instanceof Booking b) {
            bookingIds.add(b.getBookingId());
            assertEquals(b.getBookedAt().toEpochMilli(), r.timestamp(), "record timestamp is the event time");
          }
        } catch (AvroDecodeException e) {
          poison++;
        }
      }
    }
    assertEquals(stats.count(Kind.POISON), poison);
    assertTrue(poison > 0);
    long validSent = stats.sent() - stats.count(Kind.POISON);
    assertEquals(validSent, valid.values().stream().mapToLong(Long::longValue).sum());
    assertEquals(config.events(), bookingIds.size(), "every booking arrived");
    assertEquals(stats.perTopic().get("bookings") - countPoison(config, "bookings"), valid.get("bookings"));
  }

  /** Poison records the model sends to one topic (recomputed from the same seed, no Kafka). */
  private static long countPoison(GeneratorConfig config, String topic) {
    long n = 0;
    var stream = DisorderedStream.of(new TicketingScenario(), config);
    while (stream.hasNext()) {
      var r = stream.next();
      if (r.kind() == Kind.POISON && r.topic().equals(topic)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void commandLineRunsAScenarioAndReportsCounts() {
    kafka.createTopics("cli-", List.of(Topics.BOOKINGS, Topics.PAYMENTS));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int code;
    try {
      System.setOut(new PrintStream(out, true));
      code = new CommandLine(new Generate()).execute("ticketing", "--bootstrap-servers", kafka.bootstrapServers(),
          "--topic-prefix", "cli-", "--events", "200", "--rate", "100", "--speedup", "0",
          "--base-time", Instant.parse("2026-03-01T10:00:00Z").toString());
    } finally {
      System.setOut(original);
    }
    String text = out.toString();
    assertEquals(0, code, text);
    assertTrue(text.contains("done: sent="), text);
    assertEquals(200, readAll("cli-bookings").size());
  }

  @Test
  void unreachableKafkaIsAClearErrorAndANonZeroExit() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true));
      code = new CommandLine(new Generate()).execute("ticketing", "--bootstrap-servers", "127.0.0.1:1",
          "--events", "10", "--connect-timeout-ms", "1500");
    } finally {
      System.setErr(original);
    }
    assertEquals(3, code);
    assertTrue(err.toString().contains("Kafka is unreachable at 127.0.0.1:1"), err.toString());
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    return TopicReader.readAll(kafka.bootstrapServers(), topic, Duration.ofSeconds(30));
  }
}
