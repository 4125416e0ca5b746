package io.streamlake.pipelines.windows;

import static io.streamlake.pipelines.windows.WindowsFixtures.USERS_FILE;
import static io.streamlake.pipelines.windows.WindowsFixtures.VIP_FILE;
import static io.streamlake.pipelines.windows.WindowsFixtures.boxOffice;
import static io.streamlake.pipelines.windows.WindowsFixtures.file;
import static io.streamlake.pipelines.windows.WindowsFixtures.flight;
import static io.streamlake.pipelines.windows.WindowsFixtures.minutes;
import static io.streamlake.pipelines.windows.WindowsFixtures.options;
import static io.streamlake.pipelines.windows.WindowsFixtures.rating;
import static io.streamlake.pipelines.windows.WindowsFixtures.raw;
import static io.streamlake.pipelines.windows.WindowsFixtures.userLine;
import static io.streamlake.pipelines.windows.WindowsFixtures.view;
import static io.streamlake.pipelines.windows.WindowsFixtures.wm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.boxoffice.BoxOfficeEventKind;
import io.streamlake.events.boxoffice.BoxOfficeStats;
import io.streamlake.events.flights.FlightStats;
import io.streamlake.events.shop.HttpMethod;
import io.streamlake.events.shop.LatencyAlert;
import io.streamlake.events.shop.LowStarFollowup;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.events.shop.VipAlert;
import io.streamlake.pipelines.common.Collected;
import io.streamlake.pipelines.common.OneThread;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RawRecord;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/** The windows pipeline's cases, each a TestStream with a controlled watermark, on the Direct runner. */
class WindowsPipelineTest {

  /** Runs decode + every computation over one TestStream of raw records (topics and reference files). */
  private static Run run(TestStream<RawRecord> events) {
    return run(events, false);
  }

  /** @param oneThread on one Direct runner thread ({@link OneThread}) */
  private static Run run(TestStream<RawRecord> events, boolean oneThread) {
    Pipeline p = Pipeline.create(oneThread ? OneThread.of(options()) : options());
    PCollection<RawRecord> all = p.apply("Events", events);
    WindowsPipeline.Outputs out = WindowsPipeline.analyze(WindowsFixtures.sources(all), options());
    Run run = new Run(Collected.of(out.pageViewStats(), "views"), Collected.of(out.latencyAlerts(), "latency"),
        Collected.of(out.vipAlerts(), "vip"), Collected.of(out.followups(), "followups"),
        Collected.of(out.boxOfficeStats(), "boxoffice"), Collected.of(out.flightStats(), "flights"),
        Collected.of(out.late(), "late"), Collected.of(out.deadLetters(), "dead"));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    run.counters = Preflight.counters(result);
    return run;
  }

  private static final class Run {
    final Collected<PageViewStats> views;
    final Collected<LatencyAlert> latency;
    final Collected<VipAlert> vip;
    final Collected<LowStarFollowup> followups;
    final Collected<BoxOfficeStats> boxOffice;
    final Collected<FlightStats> flights;
    final Collected<DeadLetter> late;
    final Collected<DeadLetter> dead;
    Map<String, Long> counters;

    Run(Collected<PageViewStats> views, Collected<LatencyAlert> latency, Collected<VipAlert> vip,
        Collected<LowStarFollowup> followups, Collected<BoxOfficeStats> boxOffice, Collected<FlightStats> flights,
        Collected<DeadLetter> late, Collected<DeadLetter> dead) {
      this.views = views;
      this.latency = latency;
      this.vip = vip;
      this.followups = followups;
      this.boxOffice = boxOffice;
      this.flights = flights;
      this.late = late;
      this.dead = dead;
    }

    long counter(String name) {
      return counters.getOrDefault(name, 0L);
    }

    /**
     * The page-view rows of one method, ordered by window start, then by how many views they count
     * (a late update of a window follows the firing it replaces). Emission order is not defined across
     * windows, so tests never rely on it.
     */
    List<PageViewStats> rows(HttpMethod method) {
      return views.get().stream().filter(r -> r.getMethod().equals(method.name()))
          .sorted(java.util.Comparator.comparing(PageViewStats::getWindowStart).thenComparingLong(PageViewStats::getViews))
          .toList();
    }
  }

  private static TestStream.Builder<RawRecord> stream() {
    return TestStream.create(RawRecord.Coder.of()).advanceWatermarkTo(wm(minutes(-1)));
  }

  @Test
  void optionsLoad() {
    PipelineOptionsFactory.register(WindowsPipeline.Options.class);
    WindowsPipeline.Options o = PipelineOptionsFactory.fromArgs("--allowedLatenessMinutes=2").as(WindowsPipeline.Options.class);
    assertEquals(2L, o.getAllowedLatenessMinutes());
    assertEquals(5L, o.getPageViewWindowMinutes());
  }

  @Test
  void onTime() {
    Run r = run(stream()
        .addElements(raw(view("v1", "u-1", HttpMethod.GET, 200, 100, minutes(0.5))),
            raw(view("v2", "u-2", HttpMethod.GET, 503, 300, minutes(1))),
            raw(view("v3", "u-1", HttpMethod.POST, 200, 50, minutes(4.9))),
            raw(view("v4", "u-1", HttpMethod.GET, 200, 200, minutes(5))))
        .addElements(raw(boxOffice("b1", "th-1", BoxOfficeEventKind.ARRIVED, 2, 0, minutes(0.1))),
            raw(boxOffice("b2", "th-1", BoxOfficeEventKind.BOUGHT, 2, 30, minutes(0.5))),
            raw(boxOffice("b3", "th-1", BoxOfficeEventKind.LEFT_WITHOUT_BUYING, 0, 90, minutes(0.9))),
            raw(boxOffice("b4", "th-2", BoxOfficeEventKind.ARRIVED, 1, 0, minutes(1.2))))
        .addElements(raw(flight("f1", "3c6444", "Germany", false, 10000.0, 240.0, minutes(1))),
            raw(flight("f2", "3c6444", "Germany", false, 11000.0, 250.0, minutes(2))),
            raw(flight("f3", "3c6555", "Germany", true, null, 0.0, minutes(3))),
            raw(flight("f4", "3c6555", "Germany", false, 500.0, 90.0, minutes(4))),
            raw(flight("f5", "3c6666", "Germany", true, null, 0.0, minutes(4.5))))
        .advanceWatermarkToInfinity());

    List<PageViewStats> get = r.rows(HttpMethod.GET);
    assertEquals(2, get.size(), "one row per window");
    PageViewStats first = get.get(0);
    assertEquals(minutes(0), first.getWindowStart());
    assertEquals(minutes(5), first.getWindowEnd());
    assertEquals(2, first.getViews());
    assertEquals(1, first.getErrors());
    assertEquals(0.5, first.getErrorRate());
    assertEquals(200.0, first.getAvgLatencyMs());
    assertEquals(300, first.getP95LatencyMs());
    assertEquals(minutes(5), get.get(1).getWindowStart(), "a view at the window's end belongs to the next window");
    assertEquals(1, r.rows(HttpMethod.POST).size());
    assertEquals(3, r.counter("pageviews_by_method_5m:rows"));

    BoxOfficeStats th1 = r.boxOffice.get().stream().filter(s -> s.getTheaterId().equals("th-1")).findFirst().orElseThrow();
    assertEquals(3, th1.getEvents());
    assertEquals(1, th1.getArrivals());
    assertEquals(1, th1.getPurchases());
    assertEquals(2, th1.getTicketsSold());
    assertEquals(1, th1.getLeftWithoutBuying());
    assertEquals(60.0, th1.getAvgWaitSeconds());
    assertEquals(90.0, th1.getMaxWaitSeconds());
    BoxOfficeStats th2 = r.boxOffice.get().stream().filter(s -> s.getTheaterId().equals("th-2")).findFirst().orElseThrow();
    assertEquals(minutes(1), th2.getWindowStart());
    assertNull(th2.getAvgWaitSeconds(), "nobody stopped waiting in that minute");

    assertEquals(1, r.flights.get().size());
    FlightStats de = r.flights.get().get(0);
    assertEquals(5, de.getStates());
    assertEquals(3, de.getAircraft());
    assertEquals(2, de.getAirborne(), "3c6555 took off: its latest state is airborne");
    assertEquals(1, de.getOnGround());
    assertEquals((10000.0 + 11000.0 + 500.0) / 3, de.getAvgAltitudeM());
    assertEquals((240.0 + 250.0 + 90.0) / 3, de.getAvgVelocityMs());

    assertTrue(r.late.get().isEmpty());
    assertTrue(r.dead.get().isEmpty());
  }

  @Test
  void lateWithinAllowance() {
    Run r = run(stream()
        .addElements(raw(view("v1", "u-1", HttpMethod.GET, 200, 100, minutes(1))))
        .advanceWatermarkTo(wm(minutes(6)))
        // for the window [10:00, 10:05), decided at 10:05, still open until 10:10
        .addElements(raw(view("v2", "u-1", HttpMethod.GET, 500, 300, minutes(2))))
        .addElements(raw(view("v2", "u-1", HttpMethod.GET, 500, 300, minutes(2))))
        .advanceWatermarkToInfinity());
    List<PageViewStats> rows = r.rows(HttpMethod.GET);
    assertEquals(List.of(1L, 2L), rows.stream().map(PageViewStats::getViews).toList(),
        "the on-time row, then the row updated by the late view");
    assertEquals(rows.get(0).getWindowStart(), rows.get(1).getWindowStart(), "the same window (the same upsert key)");
    assertEquals(0.5, rows.get(1).getErrorRate());
    assertEquals(1, r.counter("pageviews_by_method_5m:row_updates"));
    assertEquals(1, r.counter("pageviews_by_method_5m:duplicate"), "the repeated late view changed nothing");
    assertTrue(r.late.get().isEmpty());
  }

  @Test
  void droppablyLate() {
    Run r = run(stream()
        .addElements(raw(view("v1", "u-1", HttpMethod.GET, 200, 100, minutes(1))),
            raw(rating("r1", "u-1", 1, minutes(0))), raw(view("v2", "u-1", "/help", minutes(3))))
        .advanceWatermarkTo(wm(minutes(16)))
        // the page-view window closed at 10:10, the rating period of u-1 at 10:15
        .addElements(raw(view("v3", "u-1", HttpMethod.GET, 200, 100, minutes(2))),
            raw(rating("r0", "u-1", 2, minutes(-0.5))))
        .advanceWatermarkToInfinity());
    assertEquals(List.of(2L), r.rows(HttpMethod.GET).stream().map(PageViewStats::getViews).toList(),
        "the closed window is not changed");
    assertEquals(2, r.late.get().size(), "kept on the late output, not dropped");
    DeadLetter lateView = r.late.get().stream().filter(d -> d.getSourceTopic().equals("pageviews")).findFirst().orElseThrow();
    assertTrue(lateView.getError().startsWith("late: window [2026-01-01T10:00:00Z"), lateView.getError());
    assertEquals("AggregatePageViewsByMethod", lateView.getFailedStep());
    DeadLetter lateRating = r.late.get().stream().filter(d -> d.getSourceTopic().equals("ratings")).findFirst().orElseThrow();
    assertTrue(lateRating.getError().startsWith("late:"), lateRating.getError());
    assertEquals(1, r.counter("pageviews_by_method_5m:late"));
    assertEquals(1, r.counter("low_star_followups:late"));
    assertEquals(List.of("r1"), r.followups.get().stream().map(LowStarFollowup::getRatingEventId).toList());
  }

  @Test
  void aLateEventForAGroupWhoseStateWasReleasedIsStillLate() {
    // GET's window [10:00, 10:05) closes at 10:10; an hour later (the retention) GET's state is released
    Run r = run(stream()
        .addElements(raw(view("v1", "u-1", HttpMethod.GET, 200, 100, minutes(1))),
            raw(view("v2", "u-1", HttpMethod.GET, 200, 100, minutes(2))))
        .advanceWatermarkTo(wm(minutes(180)))
        .addElements(raw(view("v3", "u-1", HttpMethod.GET, 200, 100, minutes(3))))
        .advanceWatermarkToInfinity(), true);
    assertEquals(1, r.counter("pageviews_by_method_5m:keys_released"), "the group's state was released");
    assertEquals(List.of(2L), r.rows(HttpMethod.GET).stream().map(PageViewStats::getViews).toList(),
        "the window's row is not replaced by a row of the late view alone");
    assertEquals(1, r.counter("pageviews_by_method_5m:late"));
    assertEquals(List.of("pageviews"), r.late.get().stream().map(DeadLetter::getSourceTopic).toList());
  }

  @Test
  void aLateRatingOfAUserWhoseStateWasReleasedIsStillLate() {
    // u-1's rating at 10:00 is decided at 10:10 and closes at 10:15; an hour later u-1's state is released
    Run r = run(stream()
        .addElements(raw(rating("r1", "u-1", 1, minutes(0))), raw(view("v1", "u-1", "/help", minutes(3))))
        .advanceWatermarkTo(wm(minutes(180)))
        .addElements(raw(rating("r0", "u-1", 2, minutes(1))))
        .advanceWatermarkToInfinity(), true);
    assertEquals(1, r.counter("low_star_followups:keys_released"), "the user's state was released");
    assertEquals(1, r.counter("low_star_followups:late"));
    assertEquals(0, r.counter("low_star_followups:no_followup"), "not decided as a rating without views");
    assertEquals(List.of("r1"), r.followups.get().stream().map(LowStarFollowup::getRatingEventId).toList());
    assertEquals(List.of("ratings"), r.late.get().stream().map(DeadLetter::getSourceTopic).toList());
  }

  @Test
  void emptyWindow() {
    Run r = run(stream()
        .addElements(raw(view("v1", "u-1", HttpMethod.GET, 200, 100, minutes(1))),
            raw(view("v2", "u-1", HttpMethod.GET, 200, 100, minutes(11))))
        .advanceWatermarkTo(wm(minutes(21)))
        // [10:05, 10:10) had no view; it closed at 10:15
        .addElements(raw(view("v3", "u-1", HttpMethod.GET, 200, 100, minutes(6))))
        .advanceWatermarkToInfinity());
    assertEquals(List.of(minutes(0), minutes(10)),
        r.rows(HttpMethod.GET).stream().map(PageViewStats::getWindowStart).toList(), "no row for the empty window");
    assertEquals(1, r.late.get().size(), "a view for the closed empty window is late");
    assertTrue(r.boxOffice.get().isEmpty());
    assertTrue(r.flights.get().isEmpty());
  }

  @Test
  void vipListChanged() {
    Run r = run(stream()
        .addElements(file(VIP_FILE, "[\"u-1\"]", minutes(0)))
        .addElements(raw(view("v1", "u-1", HttpMethod.GET, 200, 100, minutes(1))),
            raw(view("v2", "u-2", HttpMethod.GET, 200, 100, minutes(1))))
        .addElements(file(VIP_FILE, "{\"users\": [{\"user_id\": \"u-2\"}]}", minutes(2)))
        .addElements(raw(view("v3", "u-1", HttpMethod.GET, 200, 100, minutes(3))),
            raw(view("v4", "u-2", HttpMethod.POST, 201, 100, minutes(3))))
        .addElements(file(VIP_FILE, "not json", minutes(4)))
        .addElements(raw(view("v5", "u-2", HttpMethod.GET, 200, 100, minutes(4))))
        .advanceWatermarkToInfinity());
    assertEquals(List.of("v1", "v4", "v5"), r.vip.get().stream().map(VipAlert::getAlertId).sorted().toList(),
        "u-1 while on the list, then u-2; an invalid file keeps the previous list");
    VipAlert v4 = r.vip.get().stream().filter(a -> a.getAlertId().equals("v4")).findFirst().orElseThrow();
    assertEquals("POST", v4.getMethod());
    assertEquals(1, r.counter("reference:vip_invalid_files"));
  }

  @Test
  void newUserAppears() {
    Run r = run(stream()
        .addElements(file(USERS_FILE, userLine("u-1", "Ada", "UK") + "\nnot json\n", minutes(0)))
        .addElements(raw(view("v1", "u-9", HttpMethod.GET, 200, 2500, minutes(1))),
            raw(view("v2", "u-1", HttpMethod.GET, 200, 1001, minutes(1))),
            raw(view("v3", "u-9", HttpMethod.GET, 200, 1000, minutes(1))))
        .addElements(file(USERS_FILE, userLine("u-1", "Ada", "UK") + "\n" + userLine("u-9", "Grace", "US"), minutes(2)))
        .addElements(raw(view("v4", "u-9", HttpMethod.PUT, 500, 4000, minutes(3))))
        .advanceWatermarkToInfinity());
    Map<String, LatencyAlert> alerts = new java.util.TreeMap<>();
    r.latency.get().forEach(a -> alerts.put(a.getAlertId(), a));
    assertEquals(List.of("v1", "v2", "v4"), List.copyOf(alerts.keySet()), "slower than 1000 ms only");
    assertFalse(alerts.get("v1").getUserKnown(), "u-9 was not in the users file yet");
    assertNull(alerts.get("v1").getUserName());
    assertEquals("Ada", alerts.get("v2").getUserName());
    LatencyAlert v4 = alerts.get("v4");
    assertTrue(v4.getUserKnown(), "the re-read file has u-9");
    assertEquals("Grace", v4.getUserName());
    assertEquals("US", v4.getUserCountry());
    assertEquals("u-9@example.com", v4.getUserEmail());
    assertEquals(4000, v4.getLatencyMs());
    assertEquals(1000, v4.getThresholdMs());
    assertEquals(1, r.counter("reference:users_bad_lines"));
  }

  @Test
  void lowStarThenViews() {
    Run r = run(stream()
        .addElements(raw(rating("r1", "u-1", 2, minutes(0))), raw(rating("r2", "u-2", 5, minutes(0))))
        .addElements(raw(view("v1", "u-1", "/orders", minutes(3))), raw(view("v2", "u-1", "/help", minutes(8))),
            raw(view("v3", "u-1", "/late", minutes(12))), raw(view("v4", "u-2", "/other-user", minutes(4))),
            raw(view("v5", "u-1", "/before", minutes(-1))))
        .advanceWatermarkTo(wm(minutes(11)))
        // decided at 10:10; a view of 10:09 arrives late but within the allowance (until 10:15)
        .addElements(raw(view("v6", "u-1", "/contact", minutes(9))))
        .advanceWatermarkToInfinity());
    List<LowStarFollowup> emitted = r.followups.get();
    assertEquals(2, emitted.size(), "emitted when decided, then updated by the late view");
    assertEquals(List.of("/orders", "/help"), emitted.get(0).getPages());
    LowStarFollowup last = emitted.get(1);
    assertEquals("r1", last.getRatingEventId());
    assertEquals(List.of("/orders", "/help", "/contact"), last.getPages());
    assertEquals(3, last.getViews());
    assertEquals(minutes(3), last.getFirstViewAt());
    assertEquals(minutes(9), last.getLastViewAt());
    assertEquals(2, last.getStars());
    assertEquals(1, r.counter("low_star_followups:followup"));
    assertEquals(1, r.counter("low_star_followups:not_low"));
    assertEquals(r.counter("low_star_followups:keys_opened"), r.counter("low_star_followups:keys_released"),
        "every user's state was released");
  }

  @Test
  void lowStarNoViews() {
    Run r = run(stream()
        .addElements(raw(rating("r1", "u-1", 1, minutes(0))), raw(view("v1", "u-1", "/before", minutes(-0.5))),
            raw(view("v2", "u-1", "/after-window", minutes(10.5))), raw(view("v3", "u-2", "/someone-else", minutes(1))))
        .advanceWatermarkToInfinity());
    assertTrue(r.followups.get().isEmpty());
    assertEquals(1, r.counter("low_star_followups:no_followup"));
    assertEquals(0, r.counter("low_star_followups:followup"));
  }

  @Test
  void malformedRecord() {
    Run r = run(stream()
        .addElements(raw(view("v1", "u-1", HttpMethod.GET, 200, 100, minutes(1))))
        .addElements(raw("pageviews", "u-1", "{\"not\": \"avro\"}".getBytes(), minutes(1)),
            raw("flights", "3c6444", new byte[] {(byte) 0xC3, 0x01, 1, 2}, minutes(1)))
        .addElements(raw(view("v2", "u-1", HttpMethod.GET, 200, 100, minutes(2))))
        .advanceWatermarkToInfinity());
    assertEquals(List.of(2L), r.rows(HttpMethod.GET).stream().map(PageViewStats::getViews).toList(),
        "the pipeline kept going");
    assertEquals(2, r.dead.get().size());
    DeadLetter d = r.dead.get().stream().filter(x -> x.getSourceTopic().equals("pageviews")).findFirst().orElseThrow();
    assertEquals("DecodePageView", d.getFailedStep());
    assertTrue(d.getError().contains("not Avro single-object encoding"), d.getError());
    assertEquals("{\"not\": \"avro\"}", new String(d.getOriginalValue().array()));
    DeadLetter f = r.dead.get().stream().filter(x -> x.getSourceTopic().equals("flights")).findFirst().orElseThrow();
    assertNotNull(f.getError());
    assertEquals(1, r.counter("decode:pageviews_dead_letter"));
    assertEquals(1, r.counter("decode:flights_dead_letter"));
  }
}
