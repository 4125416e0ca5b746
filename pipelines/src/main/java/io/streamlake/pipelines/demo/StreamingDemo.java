package io.streamlake.pipelines.demo;

import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.join.BookingJoinPipeline;
import io.streamlake.pipelines.lake.LakeWriterPipeline;
import io.streamlake.pipelines.windows.WindowsPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The streaming part of {@code scripts/demo.sh}: the join, the windows and the lake writer, started
 * together in streaming mode in this one JVM (a DuckDB warehouse file takes one writing process), left
 * running until their results stop changing, then cancelled.
 *
 * <p>The pipelines read their topics from the earliest offsets, as a freshly deployed job does; once a
 * partition is caught up and idle its watermark follows the wall clock ({@code --idleTimeoutMs}), so every
 * window closes and every booking is decided. "Stopped changing" means: the warehouse tables and the
 * bronze files hold rows, and their counts have not moved for {@code --demoQuietSeconds} (default 20).
 * Gives up after {@code --demoTimeoutSeconds} (default 600) with exit code 1.
 *
 * <p>Every other argument goes to the three pipelines (each takes the options it knows), e.g.
 * {@code --runner=FlinkRunner --bootstrapServers=... --topicPrefix=... --jdbcUrl=... --lakeRoot=...
 * --usersFile=... --vipFile=...}.
 */
public final class StreamingDemo {
  private StreamingDemo() {}

  private static final List<String> TABLES = List.of("bookings_fact", "bookings_orphan_payments",
      "pageviews_by_method_5m", "latency_alerts", "vip_alerts", "low_star_followups", "boxoffice_minutely",
      "flights_by_country_5m");

  /** Tables that every demo run fills; the others (alerts, orphans) may stay empty. */
  private static final List<String> REQUIRED = List.of("bookings_fact", "pageviews_by_method_5m",
      "boxoffice_minutely", "flights_by_country_5m");

  private static final String BRONZE = "bronze files";

  public static void main(String[] args) {
    long quietSeconds = 20;
    long timeoutSeconds = 600;
    List<String> pass = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("--demoQuietSeconds=")) {
        quietSeconds = Long.parseLong(a.substring(a.indexOf('=') + 1));
      } else if (a.startsWith("--demoTimeoutSeconds=")) {
        timeoutSeconds = Long.parseLong(a.substring(a.indexOf('=') + 1));
      } else {
        pass.add(a);
      }
    }
    String runner = pass.stream().filter(a -> a.startsWith("--runner=")).map(a -> a.substring("--runner=".length()))
        .findFirst().orElse("DirectRunner");
    // as Beam takes it: FlinkRunner, flinkrunner or org.apache.beam.runners.flink.FlinkRunner alike
    String runnerName = runner.substring(runner.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
    pass.add("--readMode=STREAMING");
    if (runnerName.equals("directrunner")) {
      pass.add("--blockOnRun=false");
    } else if (runnerName.equals("flinkrunner")) {
      pass.add("--attachedMode=false");
    }
    String[] common = pass.toArray(String[]::new);

    BookingJoinPipeline.Options join = options(BookingJoinPipeline.Options.class, common);
    WindowsPipeline.Options windows = options(WindowsPipeline.Options.class, common);
    LakeWriterPipeline.Options lake = options(LakeWriterPipeline.Options.class, common);
    Map<String, PipelineResult> running = new LinkedHashMap<>();
    int exit = 1;
    try {
      running.put("join", BookingJoinPipeline.run(join));
      running.put("windows", WindowsPipeline.run(windows));
      running.put("lake", LakeWriterPipeline.run(lake));
      System.out.println("streaming demo: join, windows and lake writer running on " + runner
          + "; waiting until their results stop changing");
      exit = awaitQuiet(running, Warehouse.of(join), Path.of(lake.getLakeRoot(), "bronze"),
          Duration.ofSeconds(quietSeconds), Duration.ofSeconds(timeoutSeconds)) ? 0 : 1;
    } catch (Preflight.PreflightException | IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      exit = 2;
    } catch (RuntimeException e) {
      // anything else too: main must reach System.exit, runner threads would keep the JVM alive
      System.err.println("error: " + e);
      e.printStackTrace();
      exit = 1;
    } finally {
      running.forEach((name, result) -> {
        try {
          result.cancel();
        } catch (IOException | RuntimeException e) {
          System.err.println("cancelling " + name + ": " + e);
        }
      });
    }
    System.out.println("streaming demo: pipelines cancelled");
    System.exit(exit); // runner threads (Kafka readers, MiniClusters) do not all stop on cancel
  }

  private static <T extends PipelineOptions> T options(Class<T> type, String[] args) {
    PipelineOptionsFactory.register(type);
    return PipelineOptionsFactory.fromArgs(args).withoutStrictParsing().as(type);
  }

  /**
   * Polls the row counts every two seconds until they hold rows and have not moved for {@code quiet};
   * false at the timeout, or as soon as a pipeline is no longer running (failed, or ended): then its
   * counts stopped for that reason, not because the results are complete.
   */
  private static boolean awaitQuiet(Map<String, PipelineResult> running, Warehouse warehouse, Path bronze,
      Duration quiet, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> last = Map.of();
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      for (Map.Entry<String, PipelineResult> p : running.entrySet()) {
        PipelineResult.State state = p.getValue().getState();
        if (state.isTerminal()) {
          System.err.println("error: the " + p.getKey() + " pipeline is " + state + " before its results were complete");
          return false;
        }
      }
      Map<String, Long> now = counts(warehouse, bronze);
      if (!now.equals(last)) {
        System.out.println("  " + now);
        last = now;
        stableSince = System.nanoTime();
      } else if (REQUIRED.stream().allMatch(t -> now.get(t) > 0) && now.get(BRONZE) > 0
          && System.nanoTime() - stableSince > quiet.toNanos()) {
        return true;
      }
      LockSupport.parkNanos(Duration.ofSeconds(2).toNanos()); // polling a database and a folder: no notification
    }
    System.err.println("error: results still changing or empty after " + timeout.toSeconds() + " s: " + last);
    return false;
  }

  private static Map<String, Long> counts(Warehouse warehouse, Path bronze) {
    Map<String, Long> out = new LinkedHashMap<>();
    REQUIRED.forEach(t -> out.put(t, 0L));
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      for (String t : TABLES) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t)) {
          rs.next();
          out.put(t, rs.getLong(1));
        } catch (SQLException e) {
          // not created yet
        }
      }
    } catch (SQLException e) {
      // the warehouse is being created
    }
    out.put(BRONZE, parquetFiles(bronze));
    return out;
  }

  private static long parquetFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains(".temp")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UncheckedIOException e) {
      return -1; // a temporary file vanished while walking: count again next time
    }
  }

}
