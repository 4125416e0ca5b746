package io.streamlake.generators.bench;

import io.streamlake.generators.cli.GeneratorRunner;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.generators.cli.RunStats;
import io.streamlake.generators.core.DisorderedStream;
import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.ticketing.TicketingScenario;
import java.io.PrintStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Benchmark (not a test): events/s from the ticketing generator into Kafka (generation, Avro
 * encoding, pacing off, the generator's producer) against a plain kafka-clients producer sending
 * the same pre-encoded bytes with the same settings. Runs A-B-B-A pairs in one JVM and prints each
 * run, the median rate of each side and the ratio.
 *
 * <pre>java -cp ... io.streamlake.generators.bench.GeneratorBenchmark BOOTSTRAP [EVENTS] [PAIRS]</pre>
 */
public final class GeneratorBenchmark {
  private GeneratorBenchmark() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
    long events = args.length > 1 ? Long.parseLong(args[1]) : 200_000;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String prefix = "bench-";
    createTopics(bootstrap, List.of(prefix + "bookings", prefix + "payments"));
    GeneratorConfig config = GeneratorConfig.builder().seed(1).rate(1000).events(events).build();

    List<GeneratedRecord> preEncoded = new ArrayList<>();
    DisorderedStream.of(new TicketingScenario(), config).forEachRemaining(preEncoded::add);
    System.out.printf("benchmark: %d bookings -> %d records per run, %d A-B-B-A pairs%n", events, preEncoded.size(), pairs);

    // warm-up of both paths, not measured
    runGenerator(bootstrap, prefix, config.toBuilder().events(Math.min(events, 20_000)).build());
    runPlain(bootstrap, prefix, preEncoded.subList(0, Math.min(preEncoded.size(), 40_000)));

    double[] generator = new double[pairs * 2];
    double[] plain = new double[pairs * 2];
    int g = 0;
    int p = 0;
    for (int i = 0; i < pairs; i++) {
      generator[g++] = runGenerator(bootstrap, prefix, config);
      plain[p++] = runPlain(bootstrap, prefix, preEncoded);
      plain[p++] = runPlain(bootstrap, prefix, preEncoded);
      generator[g++] = runGenerator(bootstrap, prefix, config);
    }
    double gm = median(generator);
    double pm = median(plain);
    System.out.printf("generator -> Kafka      median %,12.0f records/s  runs %s%n", gm, fmt(generator));
    System.out.printf("plain producer -> Kafka median %,12.0f records/s  runs %s%n", pm, fmt(plain));
    System.out.printf("ratio generator/plain   %.2f (target >= 0.80)%n", gm / pm);
  }

  private static double runGenerator(String bootstrap, String prefix, GeneratorConfig config) {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    long start = System.nanoTime();
    RunStats stats;
    try (KafkaRecordSink sink = new KafkaRecordSink(bootstrap, prefix, Map.of())) {
      stats = new GeneratorRunner(sink, 0, Duration.ofHours(1), quiet)
          .run(List.of(DisorderedStream.of(new TicketingScenario(), config)), config.baseTime(), () -> false);
      if (sink.failed() > 0) {
        throw new IllegalStateException("generator run lost records: " + sink.firstError());
      }
    }
    return stats.sent() / ((System.nanoTime() - start) / 1e9);
  }

  private static double runPlain(String bootstrap, String prefix, List<GeneratedRecord> records) {
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        KafkaRecordSink.producerConfig(bootstrap, Map.of()), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (GeneratedRecord r : records) {
        producer.send(new ProducerRecord<>(prefix + r.topic(), null, r.eventTime().toEpochMilli(), r.key(), r.value()));
      }
      producer.flush();
    }
    return records.size() / ((System.nanoTime() - start) / 1e9);
  }

  private static void createTopics(String bootstrap, List<String> names) throws InterruptedException {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      for (String name : names) {
        try {
          admin.createTopics(List.of(new NewTopic(name, 3, (short) 1))).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create " + name, e.getCause());
          }
        }
      }
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String fmt(double[] values) {
    return Arrays.stream(values).mapToObj(v -> String.format("%,.0f", v)).toList().toString();
  }
}
