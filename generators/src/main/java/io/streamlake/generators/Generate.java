package io.streamlake.generators;

import io.streamlake.generators.cli.GeneratorRunner;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.generators.cli.RunStats;
import io.streamlake.generators.core.DisorderedStream;
import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.core.Scenario;
import io.streamlake.schemas.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The generators' command line: produces the events of one or more scenarios to Kafka, paced at a
 * rate, deterministic for a seed and base time.
 *
 * <pre>
 * java -cp ... io.streamlake.generators.Generate ticketing --bootstrap-servers 127.0.0.1:9092 \
 *     --rate 200 --duration 60s --seed 7 --late 0.01 --poison 0.001
 * </pre>
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Produce seeded, rate-controlled Avro events to Kafka.%n"
        + "SCENARIOS: a comma-separated list of ticketing, boxoffice, flights, shop, retail, "
        + "flights-replay (needs --replay-file), retail-csv (needs --csv-file), or all.%n"
        + "With one seed and base time, every run sends the same bytes in the same order.")
public final class Generate implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SCENARIOS", description = "Scenario(s) to run.")
  String scenarios;

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix for every topic name (default: none).")
  String topicPrefix;

  @Option(names = "--rate", defaultValue = "100", description = "Primary events per second of event time, per scenario (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--events", description = "Primary events per scenario.")
  Long events;

  @Option(names = "--duration", description = "Event-time span per scenario instead of --events, e.g. 90s, 5m, 1h (events = duration x rate).")
  String duration;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--base-time", description = "Event time of the first event, ISO-8601 (default: now, truncated to the minute).")
  Instant baseTime;

  @Option(names = "--speedup", defaultValue = "1", description = "Wall-clock pacing: 1 = real time, 60 = an hour a minute, 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  double speedup;

  @Option(names = "--out-of-order", defaultValue = "0", description = "Fraction of records sent out of order (default: ${DEFAULT-VALUE}).")
  double outOfOrder;

  @Option(names = "--out-of-order-max", defaultValue = "30s", description = "How far out of order at most (default: ${DEFAULT-VALUE}).")
  String outOfOrderMax;

  @Option(names = "--late", defaultValue = "0", description = "Fraction of records sent late (default: ${DEFAULT-VALUE}).")
  double late;

  @Option(names = "--late-by", defaultValue = "10m", description = "How late a late record is sent, at least (default: ${DEFAULT-VALUE}).")
  String lateBy;

  @Option(names = "--duplicates", defaultValue = "0", description = "Fraction of records sent twice (default: ${DEFAULT-VALUE}).")
  double duplicates;

  @Option(names = "--poison", defaultValue = "0", description = "Fraction of records followed by a poison record, bytes that are not valid Avro (default: ${DEFAULT-VALUE}).")
  double poison;

  @Option(names = "--replay-file", description = "flights-replay: a file in the OpenSky /states/all JSON format.")
  Path replayFile;

  @Option(names = "--csv-file", description = "retail-csv: a CSV file in the Online Retail format.")
  Path csvFile;

  @Option(names = "--reference-dir", description = "shop: also write the reference data (users.jsonl, products.jsonl, vip.json) into this folder.")
  Path referenceDir;

  @Option(names = "--connect-timeout-ms", defaultValue = "10000", description = "How long to wait for Kafka to answer before giving up (default: ${DEFAULT-VALUE}).")
  int connectTimeoutMs;

  @Option(names = "--progress-seconds", defaultValue = "5", description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Generate());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("error: " + e.getMessage());
      return 2;
    });
    System.exit(cli.execute(args));
  }

  @Override
  public Integer call() {
    Instant base = baseTime != null ? baseTime : Instant.now().truncatedTo(ChronoUnit.MINUTES);
    long count = eventCount();
    GeneratorConfig config = GeneratorConfig.builder()
        .seed(seed).baseTime(base).rate(rate).events(count)
        .outOfOrder(outOfOrder, parseDuration(outOfOrderMax)).late(late, parseDuration(lateBy))
        .duplicateFraction(duplicates).poisonFraction(poison)
        .build();
    List<Scenario> selected = selectScenarios();
    if (referenceDir != null) {
      for (Scenario s : selected) {
        if (s instanceof io.streamlake.generators.shop.ShopScenario shop) {
          io.streamlake.generators.shop.ReferenceDataFiles.write(referenceDir, shop, config);
          System.out.println("reference data written to " + referenceDir);
        }
      }
    }
    Set<String> topics = new LinkedHashSet<>();
    List<DisorderedStream> streams = new ArrayList<>();
    for (Scenario s : selected) {
      s.topics().stream().map(Topic::name).forEach(t -> topics.add(topicPrefix + t));
      streams.add(DisorderedStream.of(s, config));
    }
    try {
      KafkaRecordSink.checkReachable(bootstrapServers, topics, connectTimeoutMs);
    } catch (IllegalStateException e) {
      System.err.println("error: " + e.getMessage());
      return 3;
    }
    System.out.printf("generating %s to %s: %s%n",
        selected.stream().map(Scenario::name).toList(), bootstrapServers, config);
    aheadOfTheClock(base, config.eventTime(Math.max(0, count - 1)), speedup, Instant.now())
        .ifPresent(System.err::println);

    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.set(true);
      try {
        finished.await(); // let the main loop flush and report before the JVM exits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "generator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    long started = System.nanoTime();
    try (KafkaRecordSink sink = new KafkaRecordSink(bootstrapServers, topicPrefix, Map.of())) {
      GeneratorRunner runner = new GeneratorRunner(sink, speedup, Duration.ofSeconds(progressSeconds), System.out);
      RunStats stats = runner.run(streams, base, stop::get);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("%s: sent=%d acked=%d errors=%d in %.1f s (%.0f records/s)%n",
          stop.get() ? "interrupted" : "done", stats.sent(), sink.acknowledged(), sink.failed(),
          seconds, stats.sent() / Math.max(seconds, 1e-9));
      stats.perTopic().forEach((t, n) -> System.out.printf("  %-24s %d%n", topicPrefix + t, n));
      for (GeneratedRecord.Kind kind : GeneratedRecord.Kind.values()) {
        System.out.printf("  %-24s %d%n", kind.name().toLowerCase(), stats.count(kind));
      }
      if (sink.failed() > 0) {
        System.err.println("error: " + sink.failed() + " records were not delivered; first error: " + sink.firstError());
        return 4;
      }
      return stop.get() ? 130 : 0;
    } finally {
      finished.countDown();
      if (!stop.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
  }

  /**
   * A warning when the run's event times will get more than the pipelines' default future skew ahead
   * of the wall clock ({@code first .. last} sent from {@code now}, {@code speedup} times real time, 0:
   * at once): streaming pipelines send such events to the dead letters unless started with a larger
   * {@code --maxFutureSkewMinutes} (or 0), so say so before sending rather than after.
   */
  static java.util.Optional<String> aheadOfTheClock(Instant first, Instant last, double speedup, Instant now) {
    Duration span = Duration.between(first, last);
    // the record furthest ahead of the clock is the last one: sent span / speedup after the start
    Duration sentAfter = speedup <= 0 ? Duration.ZERO : Duration.ofNanos((long) (span.toNanos() / speedup));
    Duration ahead = Duration.between(now.plus(sentAfter), last);
    if (ahead.toMinutes() <= io.streamlake.schemas.EventTimes.DEFAULT_MAX_FUTURE_SKEW_MINUTES) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("warning: the last events of this run are " + ahead.toMinutes() + " minutes ahead of"
        + " the wall clock when they are sent; streaming pipelines send events more than --maxFutureSkewMinutes"
        + " (default " + io.streamlake.schemas.EventTimes.DEFAULT_MAX_FUTURE_SKEW_MINUTES + ") ahead of the clock to the dead letters. Start them with"
        + " --maxFutureSkewMinutes=0 (or larger), or give a --base-time in the past, or a smaller --speedup.");
  }

  private long eventCount() {
    if (events != null && duration != null) {
      throw new CommandLine.ParameterException(new CommandLine(this), "give --events or --duration, not both");
    }
    if (events != null) {
      return events;
    }
    Duration span = duration != null ? parseDuration(duration) : Duration.ofMinutes(1);
    return (long) Math.ceil(span.toMillis() / 1000.0 * rate);
  }

  private List<Scenario> selectScenarios() {
    List<String> names = scenarios.equals("all") ? Scenarios.generated() : List.of(scenarios.split(","));
    Scenarios.Inputs inputs = new Scenarios.Inputs(replayFile, csvFile);
    return names.stream().map(String::strip).map(n -> Scenarios.create(n, inputs)).toList();
  }

  /** Parses 90s, 5m, 2h, 500ms or an ISO-8601 duration (PT5M). */
  static Duration parseDuration(String text) {
    String t = text.strip().toLowerCase();
    try {
      if (t.startsWith("pt") || t.startsWith("p")) {
        return Duration.parse(text.strip().toUpperCase());
      } else if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      } else if (t.endsWith("m")) {
        return Duration.ofSeconds((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 60));
      } else if (t.endsWith("h")) {
        return Duration.ofSeconds((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 3600));
      }
    } catch (RuntimeException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException("cannot read duration '" + text + "' (use e.g. 500ms, 90s, 5m, 2h or PT5M)");
  }
}
