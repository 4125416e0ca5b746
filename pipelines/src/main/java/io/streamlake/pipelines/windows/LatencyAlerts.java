package io.streamlake.pipelines.windows;

import io.streamlake.events.shop.LatencyAlert;
import io.streamlake.events.shop.PageView;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * High-latency alerts: every page view slower than {@code thresholdMs} becomes an alert enriched with
 * its user's profile from the users side input (as of when the view is processed; a user missing
 * from it gives an alert with {@code user_known = false}). Alerts are per page view, so lateness does
 * not apply: a late view still raises its alert.
 */
final class LatencyAlerts extends PTransform<PCollection<PageView>, PCollection<LatencyAlert>> {
  private final int thresholdMs;
  private final PCollectionView<ReferenceData.UserDirectory> users;

  LatencyAlerts(int thresholdMs, PCollectionView<ReferenceData.UserDirectory> users) {
    this.thresholdMs = thresholdMs;
    this.users = users;
  }

  @Override
  public PCollection<LatencyAlert> expand(PCollection<PageView> views) {
    int threshold = thresholdMs;
    return views
        .apply("KeepSlowViews", Filter.by((PageView v) -> v.getLatencyMs() > threshold))
        .apply("EnrichWithProfile", ParDo.of(new EnrichFn(thresholdMs, users)).withSideInputs(users))
        .setCoder(AvroCoder.of(LatencyAlert.class));
  }

  static final class EnrichFn extends DoFn<PageView, LatencyAlert> {
    private final int thresholdMs;
    private final PCollectionView<ReferenceData.UserDirectory> users;
    private final Counter known = Metrics.counter("alerts", "latency_known_user");
    private final Counter unknown = Metrics.counter("alerts", "latency_unknown_user");

    EnrichFn(int thresholdMs, PCollectionView<ReferenceData.UserDirectory> users) {
      this.thresholdMs = thresholdMs;
      this.users = users;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      PageView v = c.element();
      ReferenceData.Profile p = c.sideInput(users).users().get(v.getUserId());
      (p == null ? unknown : known).inc();
      c.output(new LatencyAlert(v.getEventId(), v.getUserId(), v.getSessionId(), v.getUrl(), v.getMethod().name(),
          v.getStatusCode(), v.getLatencyMs(), thresholdMs, v.getViewedAt(), p != null,
          p == null ? null : p.name(), p == null ? null : p.email(), p == null ? null : p.country(),
          p == null ? null : p.city(), p == null ? null : p.segment()));
    }
  }
}
