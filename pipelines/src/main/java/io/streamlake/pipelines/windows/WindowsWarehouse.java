package io.streamlake.pipelines.windows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlake.events.boxoffice.BoxOfficeStats;
import io.streamlake.events.flights.FlightStats;
import io.streamlake.events.shop.LatencyAlert;
import io.streamlake.events.shop.LowStarFollowup;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.events.shop.VipAlert;
import io.streamlake.pipelines.common.BatchedJdbcWrite;
import io.streamlake.pipelines.common.Warehouse;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.apache.beam.sdk.io.jdbc.JdbcIO;

/**
 * The windows pipeline's warehouse tables (migration {@code V101__windows.sql}) and their upserts.
 *
 * <p>Rows that late data can update carry a count that only grows (views, events, states); their
 * upsert only replaces a row with one that counts at least as much ({@code ON CONFLICT ... DO UPDATE
 * ... WHERE old.count <= new.count}), so rows written out of order or twice leave the newest row.
 */
final class WindowsWarehouse {
  private WindowsWarehouse() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static final List<String> PAGE_VIEW_STATS = List.of("window_start", "window_end", "method", "views", "errors",
      "error_rate", "avg_latency_ms", "p95_latency_ms");
  static final List<String> LATENCY_ALERTS = List.of("alert_id", "user_id", "session_id", "url", "method",
      "status_code", "latency_ms", "threshold_ms", "viewed_at", "user_known", "user_name", "user_email",
      "user_country", "user_city", "user_segment");
  static final List<String> VIP_ALERTS = List.of("alert_id", "user_id", "session_id", "url", "method", "status_code",
      "latency_ms", "viewed_at");
  static final List<String> FOLLOWUPS = List.of("rating_event_id", "user_id", "product_id", "stars", "rated_at",
      "views", "pages", "first_view_at", "last_view_at");
  static final List<String> BOX_OFFICE = List.of("window_start", "window_end", "theater_id", "events", "arrivals",
      "purchases", "tickets_sold", "left_without_buying", "avg_wait_seconds", "max_wait_seconds");
  static final List<String> FLIGHTS = List.of("window_start", "window_end", "origin_country", "states", "aircraft",
      "airborne", "on_ground", "avg_altitude_m", "avg_velocity_ms");


  static void write(WindowsPipeline.Outputs outputs, Warehouse warehouse, int batchSize, boolean streaming) {
    outputs.pageViewStats().apply("UpsertPageViewStatsTable", write(warehouse, batchSize, streaming, (PageViewStats r) -> r.getWindowStart() + "|" + r.getMethod(),
        Warehouse.monotoneUpsert("pageviews_by_method_5m", PAGE_VIEW_STATS, List.of("window_start", "method"), "views"),
        (PageViewStats r, PreparedStatement s) -> {
          s.setObject(1, Warehouse.utc(r.getWindowStart()));
          s.setObject(2, Warehouse.utc(r.getWindowEnd()));
          s.setString(3, r.getMethod());
          s.setLong(4, r.getViews());
          s.setLong(5, r.getErrors());
          s.setDouble(6, r.getErrorRate());
          s.setDouble(7, r.getAvgLatencyMs());
          s.setInt(8, r.getP95LatencyMs());
        }).keepingHighest((PageViewStats r) -> (long) r.getViews()));
    outputs.latencyAlerts().apply("UpsertLatencyAlertsTable", write(warehouse, batchSize, streaming, (LatencyAlert r) -> r.getAlertId(),
        Warehouse.upsert("latency_alerts", LATENCY_ALERTS, List.of("alert_id")),
        (LatencyAlert a, PreparedStatement s) -> {
          s.setString(1, a.getAlertId());
          s.setString(2, a.getUserId());
          s.setString(3, a.getSessionId());
          s.setString(4, a.getUrl());
          s.setString(5, a.getMethod());
          s.setInt(6, a.getStatusCode());
          s.setInt(7, a.getLatencyMs());
          s.setInt(8, a.getThresholdMs());
          s.setObject(9, Warehouse.utc(a.getViewedAt()));
          s.setBoolean(10, a.getUserKnown());
          s.setString(11, a.getUserName());
          s.setString(12, a.getUserEmail());
          s.setString(13, a.getUserCountry());
          s.setString(14, a.getUserCity());
          s.setString(15, a.getUserSegment());
        }));
    outputs.vipAlerts().apply("UpsertVipAlertsTable", write(warehouse, batchSize, streaming, (VipAlert r) -> r.getAlertId(),
        Warehouse.upsert("vip_alerts", VIP_ALERTS, List.of("alert_id")),
        (VipAlert a, PreparedStatement s) -> {
          s.setString(1, a.getAlertId());
          s.setString(2, a.getUserId());
          s.setString(3, a.getSessionId());
          s.setString(4, a.getUrl());
          s.setString(5, a.getMethod());
          s.setInt(6, a.getStatusCode());
          s.setInt(7, a.getLatencyMs());
          s.setObject(8, Warehouse.utc(a.getViewedAt()));
        }));
    outputs.followups().apply("UpsertFollowupsTable", write(warehouse, batchSize, streaming, (LowStarFollowup r) -> r.getRatingEventId(),
        Warehouse.monotoneUpsert("low_star_followups", FOLLOWUPS, List.of("rating_event_id"), "views"),
        (LowStarFollowup f, PreparedStatement s) -> {
          s.setString(1, f.getRatingEventId());
          s.setString(2, f.getUserId());
          s.setString(3, f.getProductId());
          s.setInt(4, f.getStars());
          s.setObject(5, Warehouse.utc(f.getRatedAt()));
          s.setInt(6, f.getViews());
          s.setString(7, pagesJson(f.getPages()));
          s.setObject(8, Warehouse.utc(f.getFirstViewAt()));
          s.setObject(9, Warehouse.utc(f.getLastViewAt()));
        }).keepingHighest((LowStarFollowup r) -> (long) r.getViews()));
    outputs.boxOfficeStats().apply("UpsertBoxOfficeTable", write(warehouse, batchSize, streaming, (BoxOfficeStats r) -> r.getWindowStart() + "|" + r.getTheaterId(),
        Warehouse.monotoneUpsert("boxoffice_minutely", BOX_OFFICE, List.of("window_start", "theater_id"), "events"),
        (BoxOfficeStats r, PreparedStatement s) -> {
          s.setObject(1, Warehouse.utc(r.getWindowStart()));
          s.setObject(2, Warehouse.utc(r.getWindowEnd()));
          s.setString(3, r.getTheaterId());
          s.setLong(4, r.getEvents());
          s.setLong(5, r.getArrivals());
          s.setLong(6, r.getPurchases());
          s.setLong(7, r.getTicketsSold());
          s.setLong(8, r.getLeftWithoutBuying());
          setDouble(s, 9, r.getAvgWaitSeconds());
          setDouble(s, 10, r.getMaxWaitSeconds());
        }).keepingHighest((BoxOfficeStats r) -> (long) r.getEvents()));
    outputs.flightStats().apply("UpsertFlightsTable", write(warehouse, batchSize, streaming, (FlightStats r) -> r.getWindowStart() + "|" + r.getOriginCountry(),
        Warehouse.monotoneUpsert("flights_by_country_5m", FLIGHTS, List.of("window_start", "origin_country"), "states"),
        (FlightStats r, PreparedStatement s) -> {
          s.setObject(1, Warehouse.utc(r.getWindowStart()));
          s.setObject(2, Warehouse.utc(r.getWindowEnd()));
          s.setString(3, r.getOriginCountry());
          s.setLong(4, r.getStates());
          s.setLong(5, r.getAircraft());
          s.setLong(6, r.getAirborne());
          s.setLong(7, r.getOnGround());
          setDouble(s, 8, r.getAvgAltitudeM());
          setDouble(s, 9, r.getAvgVelocityMs());
        }).keepingHighest((FlightStats r) -> (long) r.getStates()));
  }

  private static <R> BatchedJdbcWrite<R> write(Warehouse warehouse, int batchSize, boolean streaming,
      BatchedJdbcWrite.RowKey<R> rowKey, String statement, JdbcIO.PreparedStatementSetter<R> setter) {
    return BatchedJdbcWrite.of(warehouse, statement, setter, rowKey, batchSize, streaming);
  }

  private static void setDouble(PreparedStatement s, int i, Double value) throws SQLException {
    if (value == null) {
      s.setNull(i, Types.DOUBLE);
    } else {
      s.setDouble(i, value);
    }
  }

  /** The pages of a follow-up as a JSON array. */
  static String pagesJson(List<String> pages) {
    try {
      return JSON.writeValueAsString(pages);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
