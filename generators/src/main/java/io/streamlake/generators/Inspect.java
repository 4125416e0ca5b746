package io.streamlake.generators;

import io.streamlake.generators.cli.TopicReader;
import io.streamlake.schemas.AvroDecodeException;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints what arrived per topic: records, how many decode as the topic's Avro type, how many do
 * not (poison), and the range of Kafka timestamps (event times).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Read every platform topic from the start and count decodable and undecodable records.")
public final class Inspect implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of the topic names (default: none).")
  String topicPrefix;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Inspect()).execute(args));
  }

  @Override
  public Integer call() {
    System.out.printf("%-24s %10s %10s %12s  %-24s %-24s%n", "topic", "records", "decoded", "undecodable", "first event time", "last event time");
    for (Topic<?> topic : Topics.all()) {
      AtomicLong records = new AtomicLong();
      AtomicLong decoded = new AtomicLong();
      AtomicLong min = new AtomicLong(Long.MAX_VALUE);
      AtomicLong max = new AtomicLong(Long.MIN_VALUE);
      TopicReader.forEach(bootstrapServers, topicPrefix + topic.name(), Duration.ofSeconds(60), r -> {
        records.incrementAndGet();
        min.accumulateAndGet(r.timestamp(), Math::min);
        max.accumulateAndGet(r.timestamp(), Math::max);
        try {
          topic.codec().decode(r.value());
          decoded.incrementAndGet();
        } catch (AvroDecodeException e) {
          // counted as undecodable below
        }
      });
      System.out.printf("%-24s %10d %10d %12d  %-24s %-24s%n", topicPrefix + topic.name(), records.get(), decoded.get(),
          records.get() - decoded.get(),
          records.get() == 0 ? "-" : Instant.ofEpochMilli(min.get()), records.get() == 0 ? "-" : Instant.ofEpochMilli(max.get()));
    }
    return 0;
  }
}
