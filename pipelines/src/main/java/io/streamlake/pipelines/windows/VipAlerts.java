package io.streamlake.pipelines.windows;

import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.VipAlert;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/** VIP alerts: a page view by a user on the VIP list (the list as of when the view is processed). */
final class VipAlerts extends PTransform<PCollection<PageView>, PCollection<VipAlert>> {
  private final PCollectionView<ReferenceData.VipList> vips;

  VipAlerts(PCollectionView<ReferenceData.VipList> vips) {
    this.vips = vips;
  }

  @Override
  public PCollection<VipAlert> expand(PCollection<PageView> views) {
    return views.apply("MatchVipList", ParDo.of(new MatchVipFn(vips)).withSideInputs(vips))
        .setCoder(AvroCoder.of(VipAlert.class));
  }

  static final class MatchVipFn extends DoFn<PageView, VipAlert> {
    private final PCollectionView<ReferenceData.VipList> vips;
    private final Counter alerts = Metrics.counter("alerts", "vip");

    MatchVipFn(PCollectionView<ReferenceData.VipList> vips) {
      this.vips = vips;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      PageView v = c.element();
      if (c.sideInput(vips).userIds().contains(v.getUserId())) {
        alerts.inc();
        c.output(new VipAlert(v.getEventId(), v.getUserId(), v.getSessionId(), v.getUrl(), v.getMethod().name(),
            v.getStatusCode(), v.getLatencyMs(), v.getViewedAt()));
      }
    }
  }
}
