package io.streamlake.pipelines.windows;

import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.time.Instant;
import java.util.List;

/**
 * Page views per HTTP method in one window: views, error rate (status >= 500), average and p95
 * latency (nearest rank).
 */
public final class PageViewsByMethod implements WindowedAggregate.Aggregation<PageView, PageViewStats> {
  private static final long serialVersionUID = 1L;
  public static final String NAME = "pageviews_by_method_5m";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Topic<PageView> topic() {
    return Topics.PAGE_VIEWS;
  }

  @Override
  public Class<PageViewStats> rowClass() {
    return PageViewStats.class;
  }

  @Override
  public String groupOf(PageView view) {
    return view.getMethod().name();
  }

  @Override
  public String eventIdOf(PageView view) {
    return view.getEventId();
  }

  @Override
  public Instant eventTimeOf(PageView view) {
    return view.getViewedAt();
  }

  @Override
  public PageViewStats summarize(String method, Instant start, Instant end, List<PageView> views) {
    int[] latencies = views.stream().mapToInt(PageView::getLatencyMs).sorted().toArray();
    long errors = views.stream().filter(v -> v.getStatusCode() >= 500).count();
    long sum = 0;
    for (int l : latencies) {
      sum += l;
    }
    int n = latencies.length;
    return new PageViewStats(start, end, method, (long) n, errors, (double) errors / n, (double) sum / n,
        latencies[percentileRank(n, 95) - 1]);
  }

  /** The 1-based nearest rank of the {@code p}th percentile of {@code n} sorted values. */
  static int percentileRank(int n, int p) {
    return Math.max(1, (int) Math.ceil(p / 100.0 * n));
  }
}
