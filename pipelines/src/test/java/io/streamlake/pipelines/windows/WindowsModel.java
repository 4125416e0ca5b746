package io.streamlake.pipelines.windows;

import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.boxoffice.BoxOfficeEventKind;
import io.streamlake.events.boxoffice.BoxOfficeStats;
import io.streamlake.events.flights.FlightState;
import io.streamlake.events.flights.FlightStats;
import io.streamlake.events.shop.LatencyAlert;
import io.streamlake.events.shop.LowStarFollowup;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.events.shop.StarRating;
import io.streamlake.events.shop.VipAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Plain-Java reference model of the windows pipeline for data within the allowances (every record on
 * time, one version of each reference file): what rows, alerts and follow-ups it must produce,
 * computed directly from the events. Sums run over events ordered by event id, the order the
 * pipeline promises, so averages compare exactly.
 */
final class WindowsModel {
  final Map<String, PageViewStats> pageViews = new TreeMap<>();
  final Map<String, BoxOfficeStats> boxOffice = new TreeMap<>();
  final Map<String, FlightStats> flights = new TreeMap<>();
  final Map<String, LatencyAlert> latencyAlerts = new TreeMap<>();
  final Map<String, VipAlert> vipAlerts = new TreeMap<>();
  final Map<String, LowStarFollowup> followups = new TreeMap<>();
  long pageViewDuplicates;
  long boxOfficeDuplicates;
  long flightDuplicates;
  long lowRatingDuplicates;
  long lowRatingsWithoutFollowup;
  long notLowRatings;

  /** The model's parameters, as the pipeline's options. */
  record Params(Duration pageViewWindow, Duration boxOfficeWindow, Duration flightsWindow, int latencyThresholdMs,
      int lowStarBelow, Duration followupWindow) {
    static Params of(WindowsPipeline.Options o) {
      return new Params(Duration.ofMinutes(o.getPageViewWindowMinutes()), Duration.ofMinutes(o.getBoxOfficeWindowMinutes()),
          Duration.ofMinutes(o.getFlightsWindowMinutes()), o.getLatencyThresholdMs(), o.getLowStarBelow(),
          Duration.ofMinutes(o.getFollowupWindowMinutes()));
    }
  }

  static WindowsModel of(Params params, List<PageView> views, List<StarRating> ratings, List<BoxOfficeEvent> boxOffice,
      List<FlightState> flights, Map<String, ReferenceData.Profile> users, Set<String> vips) {
    WindowsModel m = new WindowsModel();
    Map<String, PageView> distinctViews = distinct(views, PageView::getEventId);
    m.pageViewDuplicates = views.size() - distinctViews.size();
    for (Map.Entry<String, List<PageView>> w : byWindow(distinctViews, PageView::getViewedAt,
        v -> v.getMethod().name(), params.pageViewWindow()).entrySet()) {
      List<PageView> vs = w.getValue();
      String[] k = w.getKey().split("\\|");
      Instant start = Instant.parse(k[0]);
      List<Integer> latencies = new ArrayList<>(vs.stream().map(PageView::getLatencyMs).toList());
      latencies.sort(Comparator.naturalOrder());
      double sum = 0;
      for (int l : latencies) {
        sum += l;
      }
      long errors = vs.stream().filter(v -> v.getStatusCode() >= 500).count();
      int p95 = latencies.get((int) Math.ceil(0.95 * latencies.size()) - 1);
      m.pageViews.put(WindowsData.key(start, k[1]), new PageViewStats(start, start.plus(params.pageViewWindow()), k[1],
          (long) vs.size(), errors, errors / (double) vs.size(), sum / vs.size(), p95));
    }
    for (PageView v : distinctViews.values()) {
      if (v.getLatencyMs() > params.latencyThresholdMs()) {
        ReferenceData.Profile p = users.get(v.getUserId());
        m.latencyAlerts.put(v.getEventId(), new LatencyAlert(v.getEventId(), v.getUserId(), v.getSessionId(),
            v.getUrl(), v.getMethod().name(), v.getStatusCode(), v.getLatencyMs(), params.latencyThresholdMs(),
            v.getViewedAt(), p != null, p == null ? null : p.name(), p == null ? null : p.email(),
            p == null ? null : p.country(), p == null ? null : p.city(), p == null ? null : p.segment()));
      }
      if (vips.contains(v.getUserId())) {
        m.vipAlerts.put(v.getEventId(), new VipAlert(v.getEventId(), v.getUserId(), v.getSessionId(), v.getUrl(),
            v.getMethod().name(), v.getStatusCode(), v.getLatencyMs(), v.getViewedAt()));
      }
    }

    // a rating that is not low is counted as such, copies included; low ones are deduplicated
    m.notLowRatings = ratings.stream().filter(r -> r.getStars() >= params.lowStarBelow()).count();
    List<StarRating> low = ratings.stream().filter(r -> r.getStars() < params.lowStarBelow()).toList();
    Map<String, StarRating> distinctRatings = distinct(low, StarRating::getEventId);
    m.lowRatingDuplicates = low.size() - distinctRatings.size();
    for (StarRating r : distinctRatings.values()) {
      List<PageView> after = distinctViews.values().stream()
          .filter(v -> v.getUserId().equals(r.getUserId()))
          .filter(v -> !v.getViewedAt().isBefore(r.getRatedAt())
              && !v.getViewedAt().isAfter(r.getRatedAt().plus(params.followupWindow())))
          .sorted(Comparator.comparing(PageView::getViewedAt).thenComparing(PageView::getEventId))
          .toList();
      if (after.isEmpty()) {
        m.lowRatingsWithoutFollowup++;
      } else {
        m.followups.put(r.getEventId(), new LowStarFollowup(r.getEventId(), r.getUserId(), r.getProductId(),
            r.getStars(), r.getRatedAt(), after.size(), new ArrayList<>(after.stream().map(PageView::getUrl).toList()),
            after.get(0).getViewedAt(), after.get(after.size() - 1).getViewedAt()));
      }
    }

    Map<String, BoxOfficeEvent> distinctBoxOffice = distinct(boxOffice, BoxOfficeEvent::getEventId);
    m.boxOfficeDuplicates = boxOffice.size() - distinctBoxOffice.size();
    for (Map.Entry<String, List<BoxOfficeEvent>> w : byWindow(distinctBoxOffice, BoxOfficeEvent::getEventTime,
        BoxOfficeEvent::getTheaterId, params.boxOfficeWindow()).entrySet()) {
      List<BoxOfficeEvent> es = w.getValue();
      String[] k = w.getKey().split("\\|");
      Instant start = Instant.parse(k[0]);
      List<BoxOfficeEvent> stopped = es.stream().filter(e -> e.getKind() == BoxOfficeEventKind.BOUGHT
          || e.getKind() == BoxOfficeEventKind.LEFT_WITHOUT_BUYING).toList();
      double waitSum = 0;
      for (BoxOfficeEvent e : stopped) {
        waitSum += e.getWaitedSeconds();
      }
      m.boxOffice.put(WindowsData.key(start, k[1]), new BoxOfficeStats(start, start.plus(params.boxOfficeWindow()), k[1],
          (long) es.size(), count(es, BoxOfficeEventKind.ARRIVED), count(es, BoxOfficeEventKind.BOUGHT),
          es.stream().filter(e -> e.getKind() == BoxOfficeEventKind.BOUGHT).mapToLong(BoxOfficeEvent::getTickets).sum(),
          count(es, BoxOfficeEventKind.LEFT_WITHOUT_BUYING),
          stopped.isEmpty() ? null : waitSum / stopped.size(),
          stopped.isEmpty() ? null : stopped.stream().mapToDouble(BoxOfficeEvent::getWaitedSeconds).max().getAsDouble()));
    }

    Map<String, FlightState> distinctFlights = distinct(flights, FlightState::getEventId);
    m.flightDuplicates = flights.size() - distinctFlights.size();
    for (Map.Entry<String, List<FlightState>> w : byWindow(distinctFlights, FlightState::getLastContact,
        FlightState::getOriginCountry, params.flightsWindow()).entrySet()) {
      List<FlightState> ss = w.getValue();
      String[] k = w.getKey().split("\\|");
      Instant start = Instant.parse(k[0]);
      Map<String, FlightState> lastByAircraft = new HashMap<>();
      for (FlightState s : ss) {
        FlightState prev = lastByAircraft.get(s.getIcao24());
        if (prev == null || s.getLastContact().isAfter(prev.getLastContact())
            || (s.getLastContact().equals(prev.getLastContact()) && s.getEventId().compareTo(prev.getEventId()) > 0)) {
          lastByAircraft.put(s.getIcao24(), s);
        }
      }
      long onGround = lastByAircraft.values().stream().filter(FlightState::getOnGround).count();
      List<FlightState> airborne = ss.stream().filter(s -> !s.getOnGround()).toList();
      List<Double> altitudes = airborne.stream().map(FlightState::getBaroAltitude).filter(a -> a != null).toList();
      List<Double> speeds = airborne.stream().map(FlightState::getVelocity).filter(a -> a != null).toList();
      m.flights.put(WindowsData.key(start, k[1]), new FlightStats(start, start.plus(params.flightsWindow()), k[1],
          (long) ss.size(), (long) lastByAircraft.size(), lastByAircraft.size() - onGround, onGround,
          mean(altitudes), mean(speeds)));
    }
    return m;
  }

  private static long count(List<BoxOfficeEvent> es, BoxOfficeEventKind kind) {
    return es.stream().filter(e -> e.getKind() == kind).count();
  }

  private static Double mean(List<Double> values) {
    if (values.isEmpty()) {
      return null;
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.size();
  }

  /** The first of each event id, ordered by event id. */
  private static <T> Map<String, T> distinct(List<T> events, Function<T, String> id) {
    Map<String, T> out = new TreeMap<>();
    events.forEach(e -> out.putIfAbsent(id.apply(e), e));
    return out;
  }

  /** Events by "windowStart|group", each list in event-id order. */
  private static <T> Map<String, List<T>> byWindow(Map<String, T> events, Function<T, Instant> time,
      Function<T, String> group, Duration size) {
    Map<String, List<T>> out = new TreeMap<>();
    long ms = size.toMillis();
    for (T e : events.values()) {
      long t = time.apply(e).toEpochMilli();
      Instant start = Instant.ofEpochMilli(Math.floorDiv(t, ms) * ms);
      out.computeIfAbsent(start + "|" + group.apply(e), k -> new ArrayList<>()).add(e);
    }
    return out;
  }
}
