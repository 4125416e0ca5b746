package io.streamlake.bench.nativeflink;

import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.PageViewStats;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Page views of one HTTP method in one window, aggregated incrementally: distinct views (by event
 * id), views with status >= 500, the latency sum, and every latency for the exact p95 (nearest rank).
 * The same figures as the pipelines' {@code PageViewsByMethod}.
 */
public final class PageViewStatsAggregate
    implements AggregateFunction<PageView, PageViewStatsAggregate.Acc, PageViewStatsAggregate.Acc> {
  private static final long serialVersionUID = 1L;

  /** The running figures of one window of one method. */
  public static final class Acc {
    public Set<String> ids = new HashSet<>();
    public int[] latencies = new int[16];
    public int n;
    public long errors;
    public long latencySum;

    void add(String id, int latency, int status) {
      if (!ids.add(id)) {
        return;
      }
      if (n == latencies.length) {
        latencies = Arrays.copyOf(latencies, n * 2);
      }
      latencies[n++] = latency;
      latencySum += latency;
      if (status >= 500) {
        errors++;
      }
    }
  }

  @Override
  public Acc createAccumulator() {
    return new Acc();
  }

  @Override
  public Acc add(PageView v, Acc acc) {
    acc.add(v.getEventId(), v.getLatencyMs(), v.getStatusCode());
    return acc;
  }

  @Override
  public Acc getResult(Acc acc) {
    return acc;
  }

  @Override
  public Acc merge(Acc a, Acc b) {
    throw new UnsupportedOperationException("tumbling windows never merge");
  }

  /** The row of a window: as {@code PageViewsByMethod.summarize}. */
  public static PageViewStats row(String method, long start, long end, Acc acc) {
    int n = acc.n;
    int[] sorted = Arrays.copyOf(acc.latencies, n);
    Arrays.sort(sorted);
    int rank = Math.max(1, (int) Math.ceil(95 / 100.0 * n));
    return new PageViewStats(Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), method, (long) n, acc.errors,
        (double) acc.errors / n, (double) acc.latencySum / n, sorted[rank - 1]);
  }
}
