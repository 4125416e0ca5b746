package io.streamlake.pipelines.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * What runs where: every pipeline on every runner in both modes, either works or is refused before it
 * starts with one sentence. The one source of truth for {@link Preflight} (which refuses the cells that
 * fail fast) and for the README's runner matrix ({@link #markdown()}); {@code RunnerMatrixTest} checks
 * that the README carries exactly this table and that every cell marked as working is backed by a test
 * that runs it.
 */
public final class RunnerMatrix {
  private RunnerMatrix() {}

  /** The pipelines, by the name the scripts use. */
  public enum PipelineName {
    JOIN("join"),
    WINDOWS("windows"),
    LAKE("lake"),
    HOURLY_BATCH("hourly-batch"),
    RETAIL_OLTP("retail-oltp");

    private final String script;

    PipelineName(String script) {
      this.script = script;
    }

    /** The name {@code scripts/run-pipeline.sh}, {@code run-on-flink.sh} and {@code run-on-spark.sh} take. */
    public String script() {
      return script;
    }
  }

  /** Bounded (a replay of fixed offsets, or the hourly batch) or unbounded streaming. */
  public enum Mode {
    BOUNDED("bounded (`--readMode=REPLAY`, batch)"),
    STREAMING("streaming");

    private final String label;

    Mode(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The runners streamlake ships and tests, by the class name given to {@code --runner}. */
  public enum Runner {
    DIRECT("DirectRunner", "Direct"),
    FLINK("FlinkRunner", "Flink"),
    SPARK("SparkRunner", "Spark");

    private final String className;
    private final String label;

    Runner(String className, String label) {
      this.className = className;
      this.label = label;
    }

    public String className() {
      return className;
    }

    /** The runner of a set of options, if it is one of ours (a runner we do not know is not refused). */
    public static Optional<Runner> of(PipelineOptions options) {
      String name = options.getRunner().getSimpleName();
      for (Runner r : values()) {
        if (r.className.equals(name)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }
  }

  public enum Support {
    WORKS,
    FAILS_FAST,
    NOT_APPLICABLE
  }

  /** One pipeline on one runner in one mode: whether it works, and the note or the refusal sentence. */
  public record Cell(PipelineName pipeline, Mode mode, Runner runner, Support support, String text) {
    /** How the README shows this cell. */
    public String markdown() {
      return switch (support) {
        case WORKS -> "works" + (text.isEmpty() ? "" : ": " + text);
        case FAILS_FAST -> "fails fast: " + text;
        case NOT_APPLICABLE -> "n/a: " + text;
      };
    }
  }

  private static final String SPARK_STATEFUL = "The Spark runner of Beam 2.62 cannot run event-time timers,"
      + " which this pipeline needs, in streaming mode; run this pipeline on the Flink or Direct runner,"
      + " or on Spark with --readMode=REPLAY (batch).";

  private static final String SPARK_STREAMING_UNSUPPORTED = "streamlake does not support this pipeline in"
      + " streaming mode on the Spark runner of Beam 2.62 (its streaming mode is not covered by our tests, so it"
      + " is refused rather than run unverified); run it on the Flink or Direct runner, or on Spark with"
      + " --readMode=REPLAY (batch).";

  private static final String BATCH_ONLY = "a batch job: it reads finished hours of the lake";

  private static final List<Cell> CELLS = cells();

  private static List<Cell> cells() {
    List<Cell> out = new ArrayList<>();
    // the booking/payment join
    works(out, PipelineName.JOIN, Mode.BOUNDED, Runner.DIRECT, "equals the reference model");
    works(out, PipelineName.JOIN, Mode.BOUNDED, Runner.FLINK, "MiniCluster, identical facts");
    works(out, PipelineName.JOIN, Mode.BOUNDED, Runner.SPARK, "local, identical facts");
    works(out, PipelineName.JOIN, Mode.STREAMING, Runner.DIRECT, "TestStream cases");
    works(out, PipelineName.JOIN, Mode.STREAMING, Runner.FLINK,
        "MiniCluster from Kafka to the warehouse; a session cluster with a restore from a checkpoint (`-Pflink-cluster`)");
    out.add(new Cell(PipelineName.JOIN, Mode.STREAMING, Runner.SPARK, Support.FAILS_FAST, SPARK_STATEFUL));
    // windows and alerts
    works(out, PipelineName.WINDOWS, Mode.BOUNDED, Runner.DIRECT, "equals the reference model");
    works(out, PipelineName.WINDOWS, Mode.BOUNDED, Runner.FLINK, "MiniCluster, identical rows and alerts");
    works(out, PipelineName.WINDOWS, Mode.BOUNDED, Runner.SPARK, "local, identical rows and alerts");
    works(out, PipelineName.WINDOWS, Mode.STREAMING, Runner.DIRECT, "TestStream cases");
    works(out, PipelineName.WINDOWS, Mode.STREAMING, Runner.FLINK, "MiniCluster from Kafka to the warehouse");
    out.add(new Cell(PipelineName.WINDOWS, Mode.STREAMING, Runner.SPARK, Support.FAILS_FAST, SPARK_STATEFUL));
    // the lake writer
    works(out, PipelineName.LAKE, Mode.BOUNDED, Runner.DIRECT, "");
    works(out, PipelineName.LAKE, Mode.BOUNDED, Runner.FLINK, "MiniCluster, identical bronze rows");
    works(out, PipelineName.LAKE, Mode.BOUNDED, Runner.SPARK, "local, identical bronze rows");
    works(out, PipelineName.LAKE, Mode.STREAMING, Runner.DIRECT, "files closed on processing time");
    works(out, PipelineName.LAKE, Mode.STREAMING, Runner.FLINK, "MiniCluster from Kafka to bronze files");
    out.add(new Cell(PipelineName.LAKE, Mode.STREAMING, Runner.SPARK, Support.FAILS_FAST, SPARK_STREAMING_UNSUPPORTED));
    // the hourly batch
    works(out, PipelineName.HOURLY_BATCH, Mode.BOUNDED, Runner.DIRECT, "equals the reference model");
    works(out, PipelineName.HOURLY_BATCH, Mode.BOUNDED, Runner.FLINK, "MiniCluster, identical warehouse");
    works(out, PipelineName.HOURLY_BATCH, Mode.BOUNDED, Runner.SPARK, "local, identical warehouse");
    for (Runner r : Runner.values()) {
      out.add(new Cell(PipelineName.HOURLY_BATCH, Mode.STREAMING, r, Support.NOT_APPLICABLE, BATCH_ONLY));
    }
    // the retail OLTP store
    works(out, PipelineName.RETAIL_OLTP, Mode.BOUNDED, Runner.DIRECT, "identical PostgreSQL views");
    works(out, PipelineName.RETAIL_OLTP, Mode.BOUNDED, Runner.FLINK, "MiniCluster, identical PostgreSQL views");
    works(out, PipelineName.RETAIL_OLTP, Mode.BOUNDED, Runner.SPARK, "local, identical PostgreSQL views");
    works(out, PipelineName.RETAIL_OLTP, Mode.STREAMING, Runner.DIRECT, "HTTP API to PostgreSQL");
    works(out, PipelineName.RETAIL_OLTP, Mode.STREAMING, Runner.FLINK, "MiniCluster, HTTP API to PostgreSQL");
    out.add(new Cell(PipelineName.RETAIL_OLTP, Mode.STREAMING, Runner.SPARK, Support.FAILS_FAST,
        SPARK_STREAMING_UNSUPPORTED));
    return List.copyOf(out);
  }

  private static void works(List<Cell> out, PipelineName p, Mode m, Runner r, String note) {
    out.add(new Cell(p, m, r, Support.WORKS, note));
  }

  /** Every cell, pipeline by pipeline. */
  public static List<Cell> all() {
    return CELLS;
  }

  public static Cell cell(PipelineName pipeline, Mode mode, Runner runner) {
    return CELLS.stream().filter(c -> c.pipeline == pipeline && c.mode == mode && c.runner == runner).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no cell " + pipeline + " " + mode + " " + runner));
  }

  /**
   * The mode a set of options runs in: {@code --streaming} as Beam reads it, whichever options interface
   * the pipeline declares (the hourly batch's does not extend {@link StreamingOptions}, yet Beam accepts
   * {@code --streaming=true} for it, and a streaming hourly batch was not refused).
   */
  public static Mode mode(PipelineOptions options) {
    return Boolean.TRUE.equals(options.as(StreamingOptions.class).isStreaming()) ? Mode.STREAMING : Mode.BOUNDED;
  }

  /** The sentence a pipeline is refused with on these options' runner and mode, if it is refused. */
  public static Optional<String> refusal(PipelineName pipeline, PipelineOptions options) {
    return Runner.of(options).map(r -> cell(pipeline, mode(options), r))
        .filter(c -> c.support() != Support.WORKS)
        .map(c -> c.support() == Support.FAILS_FAST ? c.text()
            : "The " + pipeline.script() + " pipeline does not run in " + c.mode().name().toLowerCase() + " mode: "
                + c.text() + ".");
  }

  /** The README's runner matrix: one row per pipeline and mode, one column per runner. */
  public static String markdown() {
    StringBuilder sb = new StringBuilder("| pipeline | mode |");
    for (Runner r : Runner.values()) {
      sb.append(' ').append(r.label).append(" |");
    }
    sb.append("\n|---|---|").append("---|".repeat(Runner.values().length)).append('\n');
    for (PipelineName p : PipelineName.values()) {
      for (Mode m : Mode.values()) {
        sb.append("| ").append(p.script()).append(" | ").append(m.label());
        for (Runner r : Runner.values()) {
          sb.append(" | ").append(cell(p, m, r).markdown());
        }
        sb.append(" |\n");
      }
    }
    return sb.toString();
  }
}
