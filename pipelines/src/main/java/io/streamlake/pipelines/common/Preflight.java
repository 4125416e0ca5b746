package io.streamlake.pipelines.common;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Checks a pipeline's options against its runner and endpoints before it starts, and stops with one
 * clear sentence instead of a stack trace deep inside a runner.
 */
public final class Preflight {
  private Preflight() {}

  /** Thrown with a one-sentence reason; the pipeline's {@code main} prints it and exits non-zero. */
  public static final class PreflightException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public PreflightException(String message) {
      super(message);
    }
  }

  /**
   * Refuses a pipeline on a runner and mode that {@link RunnerMatrix} marks as failing fast, then checks
   * that Kafka and the warehouse answer.
   */
  public static void check(PipelineOptions options, RunnerMatrix.PipelineName pipeline) {
    RunnerMatrix.refusal(pipeline, options).ifPresent(reason -> {
      throw new PreflightException(reason);
    });
    if (options instanceof KafkaOptions k) {
      checkKafka(k.getBootstrapServers());
    }
    if (options instanceof WarehouseOptions w) {
      Warehouse warehouse;
      try {
        warehouse = Warehouse.of(w);
      } catch (IllegalArgumentException e) {
        throw new PreflightException(e.getMessage());
      }
      try {
        warehouse.checkReachable();
      } catch (IllegalStateException e) {
        throw new PreflightException(e.getMessage()); // one sentence and exit 2, not a stack trace
      }
    }
  }

  /** Fails fast when no broker answers within 10 seconds. */
  public static void checkKafka(String bootstrap) {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new PreflightException("--bootstrapServers is required.");
    }
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
      Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      if (names == null) {
        throw new PreflightException("Kafka at " + bootstrap + " listed no topics.");
      }
    } catch (PreflightException e) {
      throw e;
    } catch (Exception e) {
      throw new PreflightException("Kafka is unreachable at " + bootstrap + " (start it with scripts/kafka-local.sh"
          + " start, or pass --bootstrapServers).");
    }
  }

  /**
   * The {@code main} of a pipeline that reads Kafka: parses {@code args} into {@code type} and starts
   * the pipeline with {@code start}; options that fail their checks ({@link PreflightException}) print
   * the reason and exit with code 2. A REPLAY (bounded) run is waited for and its counters printed; a
   * streaming one runs on after {@code main} returns.
   */
  public static <O extends KafkaOptions> void main(String[] args, Class<O> type, Function<O, PipelineResult> start) {
    PipelineOptionsFactory.register(type);
    O options = PipelineOptionsFactory.fromArgs(args).withValidation().as(type);
    PipelineResult result;
    try {
      result = start.apply(options);
    } catch (PreflightException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.getReadMode() == KafkaOptions.ReadMode.REPLAY) {
      result.waitUntilFinish();
      printCounters(result, System.out);
    }
  }

  /** Prints every counter of a finished pipeline, one per line, sorted. */
  public static Map<String, Long> printCounters(PipelineResult result, PrintStream out) {
    Map<String, Long> counters = counters(result);
    out.println("counters:");
    counters.forEach((name, value) -> out.printf("  %-40s %d%n", name, value));
    return counters;
  }

  /** Committed (or attempted, where the runner has no committed values) counters by namespace:name. */
  public static Map<String, Long> counters(PipelineResult result) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder().build());
    Map<String, Long> out = new TreeMap<>();
    for (MetricResult<Long> c : metrics.getCounters()) {
      long value;
      try {
        value = c.getCommitted();
      } catch (UnsupportedOperationException e) {
        value = c.getAttempted();
      }
      out.merge(c.getName().getNamespace() + ":" + c.getName().getName(), value, Long::sum);
    }
    return out;
  }
}
