package io.streamlake.generators.bench;

import io.streamlake.generators.cli.GeneratorRunner;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.generators.cli.RunStats;
import io.streamlake.generators.core.DisorderedStream;
import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.ticketing.TicketingScenario;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Benchmark (not a test): events/s from the ticketing generator into Kafka (generation, Avro
 * encoding, pacing off, the generator's producer) against a plain kafka-clients producer sending
 * the same pre-encoded bytes with the same settings.
 *
 * <p>Every run is a fresh child JVM (same {@code java} and classpath as this one, the JVM options of
 * the system property {@code bench.childJvmOptions}, the same for both sides), in A-B-B-A order. A
 * child does {@value #DEFAULT_WARM_UPS} unmeasured warm-up runs of its side (a child option, {@code
 * -Dbench.warmUps=N} in {@code bench.childJvmOptions}), each as large as the measured one, waits until
 * its JIT compilers have been idle for a second, then makes the measured run and reports its rate. A
 * fresh JVM keeps compiling its hot paths for seconds, on the cores the producer and the broker need,
 * and each new run deoptimizes code the last one specialized (a run starts with bookings only and ends
 * with payments only): with one warm-up run the measured run's JIT threads took 0.41-0.57 of the
 * generator's 1.2-1.4 CPU seconds and 0.24-0.31 of the plain side's 0.6-0.8 (ratio 0.64); with four,
 * 0.08-0.26 and 0.10-0.22 (ratio 0.66). The plain child encodes its records and collects them into
 * the old generation before either run. One unmeasured run of each side (a fifth
 * of the size) warms the broker first. So neither side shares a heap with the other's data: the plain
 * side's pre-encoded records (about 0.5 GB for a million bookings) are not live during a generator
 * run. Prints each run, the median rate of each side and the ratio.
 *
 * <p>Each child prints the CPU time its JVM spent on the measured run (every thread), and how much of
 * it its JIT compiler threads and its GC and VM threads took ({@code /proc/self/task}).
 *
 * <p>The children's default options, {@value #CHILD_JVM_OPTIONS}, give a fixed heap with {@code
 * -XX:+AlwaysPreTouch}, large enough that the plain side's records stay well under G1's marking
 * threshold for a million bookings. Both matter on this two-core VM: with 1 GB the plain child ran eight
 * concurrent marking cycles over its half-gigabyte of records during its runs (3.0-4.7 instead of
 * 2.0-2.7 CPU seconds for the same run; the benchmark gave 0.82 with 1 GB, 0.45 with 3 GB); a heap
 * whose pages are touched for the first time during the run made the plain side 2.5 times slower.
 * Either would flatter the ratio.
 *
 * <pre>java -cp ... io.streamlake.generators.bench.GeneratorBenchmark BOOTSTRAP [EVENTS] [PAIRS]</pre>
 */
public final class GeneratorBenchmark {
  private GeneratorBenchmark() {}

  private static final String PREFIX = "bench-";
  private static final String CHILD = "--child";
  private static final String RESULT = "RESULT ";
  /** JVM options of every child unless {@code -Dbench.childJvmOptions=...} says otherwise. */
  static final String CHILD_JVM_OPTIONS = "-Xms3g -Xmx3g -XX:+AlwaysPreTouch";
  /** Unmeasured runs of its side a child makes before the measured one ({@code -Dbench.warmUps=N}). */
  static final int DEFAULT_WARM_UPS = 4;
  private static final int WARM_UPS = Integer.getInteger("bench.warmUps", DEFAULT_WARM_UPS);

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(CHILD)) {
      child(args[1], args[2], Long.parseLong(args[3]));
      return;
    }
    String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
    long events = args.length > 1 ? Long.parseLong(args[1]) : 200_000;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    recreateTopics(bootstrap, List.of(PREFIX + "bookings", PREFIX + "payments"));
    System.out.printf("benchmark: %d bookings per run, %d A-B-B-A pairs, each run a fresh JVM (%s)%n", events, pairs,
        String.join(" ", jvmOptions()));

    // the broker warms up too (its JIT, log segments): one run of each side, a fifth of the size, not measured
    System.out.println("warm-up, not measured:");
    runChild("generator", bootstrap, Math.max(1, events / 5));
    runChild("plain", bootstrap, Math.max(1, events / 5));
    System.out.println("measured:");
    double[] generator = new double[pairs * 2];
    double[] plain = new double[pairs * 2];
    int g = 0;
    int p = 0;
    for (int i = 0; i < pairs; i++) {
      generator[g++] = runChild("generator", bootstrap, events);
      plain[p++] = runChild("plain", bootstrap, events);
      plain[p++] = runChild("plain", bootstrap, events);
      generator[g++] = runChild("generator", bootstrap, events);
    }
    double gm = median(generator);
    double pm = median(plain);
    System.out.printf("generator -> Kafka      median %,12.0f records/s  runs %s%n", gm, fmt(generator));
    System.out.printf("plain producer -> Kafka median %,12.0f records/s  runs %s%n", pm, fmt(plain));
    System.out.printf("ratio generator/plain   %.2f (target >= 0.80)%n", gm / pm);
  }

  /** One side in this JVM: a warm-up run, then the measured run, whose rate goes to stdout as {@code RESULT rate}. */
  private static void child(String side, String bootstrap, long events) {
    GeneratorConfig config = GeneratorConfig.builder().seed(1).rate(1000).events(events).build();
    DoubleSupplier run;
    String records;
    if (side.equals("generator")) {
      run = () -> runGenerator(bootstrap, config);
      records = "";
    } else if (side.equals("plain")) {
      List<GeneratedRecord> preEncoded = new ArrayList<>();
      DisorderedStream.of(new TicketingScenario(), config).forEachRemaining(preEncoded::add);
      System.gc(); // the records are old now: settle them before the runs, so their collection is not timed
      run = () -> runPlain(bootstrap, preEncoded);
      records = "; " + preEncoded.size() + " records";
    } else {
      throw new IllegalArgumentException("side must be generator or plain, got " + side);
    }
    for (int i = 0; i < WARM_UPS; i++) {
      run.getAsDouble();
    }
    awaitJitIdle();
    long cpu = processCpuNanos();
    double[] jitGc0 = ProcStat.jitAndGcCpuSeconds();
    long main = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    double rate = run.getAsDouble();
    double mainSeconds = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - main) / 1e9;
    double[] jitGc1 = ProcStat.jitAndGcCpuSeconds();
    double total = (processCpuNanos() - cpu) / 1e9;
    double jit = jitGc1[0] - jitGc0[0];
    double gc = jitGc1[1] - jitGc0[1];
    String detail = String.format("(this JVM's CPU %.2f s for the run: sending thread %.2f, JIT %.2f, GC %.2f, the"
        + " other threads (producer I/O%s) %.2f%s)", total, mainSeconds, jit, gc,
        side.equals("generator") ? ", generation" : "", total - mainSeconds - jit - gc, records);
    System.out.println(RESULT + rate + " " + detail);
  }

  /**
   * Waits until the JIT compilers have been idle for a second (at most 60 s), so the measured run does
   * not share the cores with compiling what the warm-up runs made hot.
   */
  private static void awaitJitIdle() {
    var compilation = ManagementFactory.getCompilationMXBean();
    long deadline = System.nanoTime() + 60_000_000_000L;
    long last = compilation.getTotalCompilationTime();
    try {
      while (System.nanoTime() < deadline) {
        Thread.sleep(1000);
        long now = compilation.getTotalCompilationTime();
        if (now == last) {
          break;
        }
        last = now;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs one side in a fresh JVM and returns the rate it reports; its other output is passed through. */
  private static double runChild(String side, String bootstrap, long events) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), GeneratorBenchmark.class.getName(), CHILD,
        side, bootstrap, Long.toString(events)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Double rate = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(RESULT)) {
          String[] result = line.substring(RESULT.length()).split(" ", 2);
          rate = Double.parseDouble(result[0]);
          System.out.printf("  %-9s %,12.0f records/s %s%n", side, rate, result.length > 1 ? result[1] : "");
        } else if (!line.startsWith("SLF4J")) {
          System.out.println("  " + side + "| " + line);
        }
      }
    }
    int exit = process.waitFor();
    if (exit != 0 || rate == null) {
      throw new IllegalStateException("the " + side + " run failed (exit " + exit + ")");
    }
    return rate;
  }

  /** CPU time of this process (every thread, JIT and GC included). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The children's JVM options: the same for both sides. */
  private static List<String> jvmOptions() {
    return List.of(System.getProperty("bench.childJvmOptions", CHILD_JVM_OPTIONS).trim().split("\\s+"));
  }

  private static double runGenerator(String bootstrap, GeneratorConfig config) {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    long start = System.nanoTime();
    RunStats stats;
    try (KafkaRecordSink sink = new KafkaRecordSink(bootstrap, PREFIX, Map.of())) {
      stats = new GeneratorRunner(sink, 0, Duration.ofHours(1), quiet)
          .run(List.of(DisorderedStream.of(new TicketingScenario(), config)), config.baseTime(), () -> false);
      if (sink.failed() > 0) {
        throw new IllegalStateException("generator run lost records: " + sink.firstError());
      }
    }
    return stats.sent() / ((System.nanoTime() - start) / 1e9);
  }

  private static double runPlain(String bootstrap, List<GeneratedRecord> records) {
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        KafkaRecordSink.producerConfig(bootstrap, Map.of()), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (GeneratedRecord r : records) {
        producer.send(new ProducerRecord<>(PREFIX + r.topic(), null, r.eventTime().toEpochMilli(), r.key(), r.value()));
      }
      producer.flush();
    }
    return records.size() / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Deletes the benchmark's topics and creates them empty: each benchmark writes gigabytes, and
   * the broker's log of earlier benchmarks (20 GB after a day of runs) slowed later ones down.
   */
  private static void recreateTopics(String bootstrap, List<String> names) throws InterruptedException {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      try {
        admin.deleteTopics(names).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new IllegalStateException("cannot delete the benchmark topics " + names, e.getCause());
        }
      }
      try {
        // a KRaft broker frees a deleted topic's name at once
        admin.createTopics(names.stream().map(name -> new NewTopic(name, 3, (short) 1)).toList()).all().get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("cannot create the benchmark topics " + names, e.getCause());
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
