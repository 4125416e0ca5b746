package io.streamlake.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlake.bench.beam.BeamJobs;
import io.streamlake.bench.nativeflink.NativeJoinJob;
import io.streamlake.bench.nativeflink.NativeOptions;
import io.streamlake.bench.nativeflink.NativePageViewWindowJob;
import io.streamlake.generators.bench.ProcStat;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * One benchmark run in this JVM: one job ({@code join} or {@code windows}) on one side ({@code beam}:
 * the pipeline on the Flink runner, REPLAY mode; {@code native}: the Flink DataStream baseline), over
 * the whole input topics, then a digest of what it wrote. Prints one line {@code RESULT {json}}.
 *
 * <p>Measured: the job's net runtime as Flink reports it (from the job's creation in the MiniCluster
 * to its end: scheduling, reading every record, the last result flushed to Kafka; not the JVM start,
 * not building the pipeline or job graph), the wall time of the run call (which also starts the
 * MiniCluster and, for Beam, translates the pipeline), and the process CPU seconds used over that
 * call ({@code /proc/self/stat}).
 *
 * <pre>
 * java -Xmx2g -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.streamlake.bench.harness.BenchRun \
 *     beam join --bootstrapServers=127.0.0.1:9192 --topicPrefix=bench-quick- --parallelism=2 [job options ...]
 * </pre>
 */
public final class BenchRun {
  private BenchRun() {}

  /** The input topics and the outputs (topic, how to digest it) of each job. */
  static List<Topic<?>> inputs(String job) {
    return switch (job) {
      case "join" -> List.of(Topics.BOOKINGS, Topics.PAYMENTS);
      case "windows" -> List.of(Topics.PAGE_VIEWS);
      default -> throw new IllegalArgumentException("unknown job " + job + " (join or windows)");
    };
  }

  static Map<Topic<?>, OutputDigest.Kind> outputs(String job) {
    Map<Topic<?>, OutputDigest.Kind> out = new LinkedHashMap<>();
    if (job.equals("join")) {
      out.put(Topics.BOOKINGS_FACT, OutputDigest.Kind.FACTS);
      out.put(Topics.ORPHAN_PAYMENTS, OutputDigest.Kind.LETTERS);
    } else {
      out.put(Topics.PAGE_VIEW_STATS, OutputDigest.Kind.WINDOW_ROWS);
    }
    out.put(Topics.LATE_EVENTS, OutputDigest.Kind.LETTERS);
    out.put(Topics.DEAD_LETTERS, OutputDigest.Kind.LETTERS);
    return out;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: BenchRun beam|native join|windows --bootstrapServers=... --topicPrefix=... "
          + "[--parallelism=2] [job options]");
      System.exit(2);
    }
    String side = args[0];
    String job = args[1];
    Map<String, String> opts = new LinkedHashMap<>();
    List<String> extra = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      String a = args[i];
      String name = a.startsWith("--") && a.contains("=") ? a.substring(2, a.indexOf('=')) : "";
      if (List.of("bootstrapServers", "topicPrefix", "parallelism").contains(name)) {
        opts.put(name, a.substring(a.indexOf('=') + 1));
      } else {
        extra.add(a);
      }
    }
    String bootstrap = opts.getOrDefault("bootstrapServers", "127.0.0.1:9092");
    String prefix = opts.getOrDefault("topicPrefix", "");
    int parallelism = Integer.parseInt(opts.getOrDefault("parallelism", "2"));
    String outPrefix = side.equals("native") ? prefix + "native-" : prefix;
    List<String> jobArgs = new ArrayList<>(List.of("--bootstrapServers=" + bootstrap, "--topicPrefix=" + prefix,
        "--parallelism=" + parallelism));
    jobArgs.addAll(extra);

    long records = 0;
    for (Topic<?> t : inputs(job)) {
      String name = prefix + t.name();
      records += OutputDigest.count(OutputDigest.beginningOffsets(bootstrap, name), OutputDigest.endOffsets(bootstrap, name));
    }
    Map<Topic<?>, OutputDigest.Kind> outputs = outputs(job);
    // every run starts from empty output topics: they kept every earlier run's outputs (gigabytes after a day of
    // full-size runs), since each run appended to the same topics
    recreateTopics(bootstrap, outPrefix, outputs.keySet());
    Map<Topic<?>, Map<TopicPartition, Long>> before = new LinkedHashMap<>();
    for (Topic<?> t : outputs.keySet()) {
      before.put(t, OutputDigest.endOffsets(bootstrap, outPrefix + t.name()));
    }
    double loadBefore = ProcStat.loadAverage();

    Map<String, Object> result = new LinkedHashMap<>();
    long netRuntimeMs;
    double cpu0;
    long t0;
    long wall0;
    Map<String, Long> counters = new TreeMap<>();
    FirstRead firstRead;
    double[] jitGc0;
    if (side.equals("beam")) {
      List<String> beamArgs = new ArrayList<>(List.of("--runner=FlinkRunner", "--flinkMaster=[local]"));
      beamArgs.addAll(jobArgs);
      Pipeline pipeline = job.equals("join") ? BeamJobs.join(beamArgs.toArray(String[]::new))
          : BeamJobs.pageViews(beamArgs.toArray(String[]::new));
      firstRead = FirstRead.start();
      jitGc0 = ProcStat.jitAndGcCpuSeconds();
      cpu0 = ProcStat.cpuSeconds();
      wall0 = System.currentTimeMillis();
      t0 = System.nanoTime();
      PipelineResult r = pipeline.run();
      r.waitUntilFinish();
      netRuntimeMs = flinkRuntime(r);
      try {
        for (MetricResult<Long> c : r.metrics().queryMetrics(MetricsFilter.builder().build()).getCounters()) {
          counters.merge(c.getName().getNamespace() + ":" + c.getName().getName(), c.getAttempted(), Long::sum);
        }
      } catch (RuntimeException e) {
        // --disableMetrics=true leaves the runner result without metrics
        System.err.println("no Beam metrics: " + e);
      }
    } else if (side.equals("native")) {
      NativeOptions o = NativeOptions.parse(jobArgs.toArray(String[]::new));
      StreamExecutionEnvironment env = NativeJoinJob.environment(o);
      if (job.equals("join")) {
        NativeJoinJob.build(env, o);
      } else {
        NativePageViewWindowJob.build(env, o);
      }
      firstRead = FirstRead.start();
      jitGc0 = ProcStat.jitAndGcCpuSeconds();
      cpu0 = ProcStat.cpuSeconds();
      wall0 = System.currentTimeMillis();
      t0 = System.nanoTime();
      JobExecutionResult r = env.execute("native-" + job);
      netRuntimeMs = r.getNetRuntime();
    } else {
      throw new IllegalArgumentException("unknown side " + side + " (beam or native)");
    }
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    double cpu = ProcStat.cpuSeconds() - cpu0;
    double processCpu = ProcStat.cpuSeconds();
    double[] jitGc1 = ProcStat.jitAndGcCpuSeconds();
    firstRead.stop();

    Map<String, Object> digests = new LinkedHashMap<>();
    long lastWrite = 0;
    for (Map.Entry<Topic<?>, OutputDigest.Kind> o : outputs.entrySet()) {
      OutputDigest.Digest d = OutputDigest.read(bootstrap, outPrefix + o.getKey().name(), before.get(o.getKey()),
          o.getValue());
      lastWrite = Math.max(lastWrite, d.lastWriteMs());
      digests.put(o.getKey().name(), d);
    }
    result.put("side", side);
    result.put("job", job);
    result.put("records", records);
    result.put("netRuntimeMs", netRuntimeMs);
    result.put("wallMs", wallMs);
    result.put("toLastWriteMs", lastWrite == 0 ? null : lastWrite - wall0);
    // the headline: first record read to last result written, and the CPU used from that first read to the end
    result.put("firstReadToLastWriteMs", firstRead.epochMs() == 0 || lastWrite == 0 ? null
        : lastWrite - firstRead.epochMs());
    result.put("firstReadAfterMs", firstRead.epochMs() == 0 ? null : firstRead.epochMs() - wall0);
    result.put("cpuFromFirstReadSec", firstRead.epochMs() == 0 ? null : cpu0 + cpu - firstRead.cpuSeconds());
    result.put("cpuSec", cpu);
    // of that run call's CPU: JIT compilation (a fresh JVM compiles the hot code of every run) and GC
    result.put("jitCpuSec", jitGc1[0] - jitGc0[0]);
    result.put("gcCpuSec", jitGc1[1] - jitGc0[1]);
    result.put("processCpuSec", processCpu);
    result.put("parallelism", parallelism);
    result.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    result.put("loadAvg1m", loadBefore);
    result.put("jobArgs", extra);
    result.put("outputs", digests);
    result.put("counters", counters);
    System.out.println("RESULT " + new ObjectMapper().writeValueAsString(result));
    System.out.flush();
    // MiniCluster and Kafka client threads may linger; the result is out
    System.exit(0);
  }

  /** Flink's net runtime of the job the Beam runner ran (FlinkRunnerResult keeps it in a private field). */
  static long flinkRuntime(PipelineResult r) {
    try {
      Field f = r.getClass().getDeclaredField("runtime");
      f.setAccessible(true);
      return f.getLong(r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("not a FlinkRunnerResult with a runtime: " + r.getClass(), e);
    }
  }

  /**
   * Deletes these topics (if they exist) and creates them again, empty, with their registry's
   * partitions. A KRaft broker frees a deleted topic's name at once; should the name still be taken,
   * the creation is tried again for up to 30 seconds.
   */
  static void recreateTopics(String bootstrap, String prefix, Collection<Topic<?>> topics)
      throws InterruptedException, ExecutionException {
    List<String> names = topics.stream().map(t -> prefix + t.name()).toList();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Set<String> existing = admin.listTopics().names().get();
      List<String> delete = names.stream().filter(existing::contains).toList();
      if (!delete.isEmpty()) {
        admin.deleteTopics(delete).all().get();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      List<NewTopic> pending = topics.stream().map(t -> new NewTopic(prefix + t.name(), t.partitions(), (short) 1))
          .toList();
      while (!pending.isEmpty()) {
        Map<String, KafkaFuture<Void>> results = admin.createTopics(pending).values();
        List<NewTopic> again = new ArrayList<>();
        for (NewTopic t : pending) {
          try {
            results.get(t.name()).get();
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
              throw e;
            }
            again.add(t); // the deleted topic's name is not free yet
          }
        }
        pending = again;
        if (!pending.isEmpty()) {
          Thread.sleep(100);
        }
      }
    }
  }
}
