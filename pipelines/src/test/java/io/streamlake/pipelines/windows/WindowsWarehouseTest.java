package io.streamlake.pipelines.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.devservices.PostgresServer;
import io.streamlake.events.boxoffice.BoxOfficeStats;
import io.streamlake.events.flights.FlightStats;
import io.streamlake.events.shop.LatencyAlert;
import io.streamlake.events.shop.LowStarFollowup;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.events.shop.VipAlert;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.generators.cli.TopicReader;
import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole pipeline ({@code run}: topics, reference files, migrations, warehouse) in bounded replay
 * mode from a real Kafka broker into a real warehouse, DuckDB and PostgreSQL: every table equals the
 * model, and a second replay changes nothing (idempotent upserts).
 */
class WindowsWarehouseTest {
  static final String PREFIX = "wreplay-";
  static final Instant BASE = Instant.parse("2026-04-01T06:00:00Z");
  static final GeneratorConfig SHOP = GeneratorConfig.builder().seed(17).rate(1).events(200).baseTime(BASE)
      .duplicateFraction(0.02).poisonFraction(0.01).build();
  static final GeneratorConfig BOX_OFFICE = GeneratorConfig.builder().seed(18).rate(0.5).events(60).baseTime(BASE)
      .duplicateFraction(0.02).poisonFraction(0.01).build();
  static final GeneratorConfig FLIGHTS = GeneratorConfig.builder().seed(19).rate(1).events(200).baseTime(BASE)
      .duplicateFraction(0.02).poisonFraction(0.01).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  static EmbeddedKafka kafka;
  static WindowsModel model;
  static Path usersFile;
  static Path vipFile;

  @BeforeAll
  static void produce() throws Exception {
    kafka = EmbeddedKafka.shared();
    kafka.createTopics(PREFIX, Topics.all());
    try (KafkaRecordSink sink = new KafkaRecordSink(kafka.bootstrapServers(), PREFIX, Map.of())) {
      for (GeneratedRecord r : WindowsData.generated(SHOP, BOX_OFFICE, FLIGHTS)) {
        sink.send(r);
      }
      sink.flush();
      assertEquals(0, sink.failed(), () -> "producing the test data failed: " + sink.firstError());
    }
    model = WindowsModelTest.model(WindowsData.records(SHOP, BOX_OFFICE, FLIGHTS), WindowsData.options("DirectRunner", false));
    assertTrue(!model.followups.isEmpty() && !model.vipAlerts.isEmpty() && !model.latencyAlerts.isEmpty(),
        "the data fills every table");
    Path dir = Files.createTempDirectory("windows-reference");
    usersFile = Files.writeString(dir.resolve("users.jsonl"), WindowsData.usersFile(), StandardCharsets.UTF_8);
    vipFile = Files.writeString(dir.resolve("vip.json"), WindowsData.VIP, StandardCharsets.UTF_8);
  }

  private static WindowsPipeline.Options options(String jdbcUrl) {
    WindowsPipeline.Options options = WindowsData.options("DirectRunner", false);
    options.setBootstrapServers(kafka.bootstrapServers());
    options.setTopicPrefix(PREFIX);
    options.setReadMode(KafkaOptions.ReadMode.REPLAY);
    options.setUsersFile(usersFile.toString());
    options.setVipFile(vipFile.toString());
    options.setWriteWarehouse(true);
    options.setJdbcUrl(jdbcUrl);
    return options;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb", "postgresql"})
  void replayFillsTheWarehouseAsTheModelSaysAndAReplayChangesNothing(String engine) throws Exception {
    String url = engine.equals("duckdb")
        ? "jdbc:duckdb:" + Files.createTempDirectory("wreplay").resolve("w.duckdb")
        : PostgresServer.shared().jdbcUrl("wreplay");
    WindowsPipeline.Options options = options(url);
    options.setWriteKafka(engine.equals("duckdb"));
    Warehouse warehouse = Warehouse.of(options);

    PipelineResult first = WindowsPipeline.run(options);
    first.waitUntilFinish();
    assertTablesEqualTheModel(warehouse);
    Map<String, Long> counters = Preflight.counters(first);
    assertTrue(counters.get("decode:pageviews_dead_letter") > 0, "the poison records were dead-lettered");

    options.setWriteKafka(false);
    WindowsPipeline.run(options).waitUntilFinish();
    assertTablesEqualTheModel(warehouse);
    assertEquals(1, count(warehouse, "schema_version"), "migrations ran once");

    // a row written late and out of order never replaces one that counts more
    String upsert = Warehouse.monotoneUpsert("pageviews_by_method_5m", WindowsWarehouse.PAGE_VIEW_STATS,
        List.of("window_start", "method"), "views");
    try (Connection c = warehouse.connect(); PreparedStatement s = c.prepareStatement(upsert)) {
      for (long views : new long[] {3, 5, 4}) {
        s.setObject(1, LocalDateTime.of(2020, 1, 1, 0, 0));
        s.setObject(2, LocalDateTime.of(2020, 1, 1, 0, 5));
        s.setString(3, "GET");
        s.setLong(4, views);
        s.setLong(5, 0);
        s.setDouble(6, 0);
        s.setDouble(7, 100);
        s.setInt(8, 100);
        s.executeUpdate();
      }
    }
    assertEquals(5L, scalar(warehouse,
        "SELECT views FROM pageviews_by_method_5m WHERE window_start = TIMESTAMP '2020-01-01 00:00:00'"));

    if (engine.equals("duckdb")) {
      long stats = TopicReader.readAll(kafka.bootstrapServers(), PREFIX + Topics.PAGE_VIEW_STATS.name(),
          Duration.ofSeconds(30)).size();
      assertEquals(model.pageViews.size(), stats, "one row per window on the topic, as nothing was late");
      long dead = TopicReader.readAll(kafka.bootstrapServers(), PREFIX + Topics.DEAD_LETTERS.name(),
          Duration.ofSeconds(30)).size();
      long deadLetters = counters.entrySet().stream().filter(c -> c.getKey().endsWith("_dead_letter"))
          .mapToLong(Map.Entry::getValue).sum();
      assertEquals(deadLetters, dead, "every dead letter is on the dead-letter topic");
    }
  }

  @Test
  void sparkStreamingFailsFastWithAClearSentence() {
    WindowsPipeline.Options options = WindowsData.options("SparkRunner", true);
    options.setBootstrapServers(kafka.bootstrapServers());
    options.setReadMode(KafkaOptions.ReadMode.STREAMING);
    Preflight.PreflightException e = assertThrows(Preflight.PreflightException.class, () -> WindowsPipeline.run(options));
    assertTrue(e.getMessage().contains("cannot run event-time timers"), e.getMessage());
  }

  private static void assertTablesEqualTheModel(Warehouse w) throws SQLException {
    assertEquals(model.pageViews, pageViews(w));
    assertEquals(model.boxOffice, boxOffice(w));
    assertEquals(model.flights, flights(w));
    assertEquals(model.latencyAlerts, latencyAlerts(w));
    assertEquals(model.vipAlerts, vipAlerts(w));
    assertEquals(model.followups, followups(w));
  }

  static Map<String, PageViewStats> pageViews(Warehouse w) throws SQLException {
    Map<String, PageViewStats> out = new TreeMap<>();
    query(w, "SELECT * FROM pageviews_by_method_5m", rs -> {
      PageViewStats r = new PageViewStats(instant(rs, "window_start"), instant(rs, "window_end"), rs.getString("method"),
          rs.getLong("views"), rs.getLong("errors"), rs.getDouble("error_rate"), rs.getDouble("avg_latency_ms"),
          rs.getInt("p95_latency_ms"));
      out.put(WindowsData.key(r.getWindowStart(), r.getMethod()), r);
    });
    return out;
  }

  static Map<String, BoxOfficeStats> boxOffice(Warehouse w) throws SQLException {
    Map<String, BoxOfficeStats> out = new TreeMap<>();
    query(w, "SELECT * FROM boxoffice_minutely", rs -> {
      BoxOfficeStats r = new BoxOfficeStats(instant(rs, "window_start"), instant(rs, "window_end"),
          rs.getString("theater_id"), rs.getLong("events"), rs.getLong("arrivals"), rs.getLong("purchases"),
          rs.getLong("tickets_sold"), rs.getLong("left_without_buying"), nullableDouble(rs, "avg_wait_seconds"),
          nullableDouble(rs, "max_wait_seconds"));
      out.put(WindowsData.key(r.getWindowStart(), r.getTheaterId()), r);
    });
    return out;
  }

  static Map<String, FlightStats> flights(Warehouse w) throws SQLException {
    Map<String, FlightStats> out = new TreeMap<>();
    query(w, "SELECT * FROM flights_by_country_5m", rs -> {
      FlightStats r = new FlightStats(instant(rs, "window_start"), instant(rs, "window_end"),
          rs.getString("origin_country"), rs.getLong("states"), rs.getLong("aircraft"), rs.getLong("airborne"),
          rs.getLong("on_ground"), nullableDouble(rs, "avg_altitude_m"), nullableDouble(rs, "avg_velocity_ms"));
      out.put(WindowsData.key(r.getWindowStart(), r.getOriginCountry()), r);
    });
    return out;
  }

  static Map<String, LatencyAlert> latencyAlerts(Warehouse w) throws SQLException {
    Map<String, LatencyAlert> out = new TreeMap<>();
    query(w, "SELECT * FROM latency_alerts", rs -> out.put(rs.getString("alert_id"), new LatencyAlert(
        rs.getString("alert_id"), rs.getString("user_id"), rs.getString("session_id"), rs.getString("url"),
        rs.getString("method"), rs.getInt("status_code"), rs.getInt("latency_ms"), rs.getInt("threshold_ms"),
        instant(rs, "viewed_at"), rs.getBoolean("user_known"), rs.getString("user_name"), rs.getString("user_email"),
        rs.getString("user_country"), rs.getString("user_city"), rs.getString("user_segment"))));
    return out;
  }

  static Map<String, VipAlert> vipAlerts(Warehouse w) throws SQLException {
    Map<String, VipAlert> out = new TreeMap<>();
    query(w, "SELECT * FROM vip_alerts", rs -> out.put(rs.getString("alert_id"), new VipAlert(
        rs.getString("alert_id"), rs.getString("user_id"), rs.getString("session_id"), rs.getString("url"),
        rs.getString("method"), rs.getInt("status_code"), rs.getInt("latency_ms"), instant(rs, "viewed_at"))));
    return out;
  }

  static Map<String, LowStarFollowup> followups(Warehouse w) throws SQLException {
    Map<String, LowStarFollowup> out = new TreeMap<>();
    query(w, "SELECT * FROM low_star_followups", rs -> {
      List<String> pages;
      try {
        pages = JSON.readValue(rs.getString("pages"), new TypeReference<List<String>>() {});
      } catch (java.io.IOException e) {
        throw new SQLException(e);
      }
      out.put(rs.getString("rating_event_id"), new LowStarFollowup(rs.getString("rating_event_id"),
          rs.getString("user_id"), rs.getString("product_id"), rs.getInt("stars"), instant(rs, "rated_at"),
          rs.getInt("views"), new java.util.ArrayList<>(pages), instant(rs, "first_view_at"), instant(rs, "last_view_at")));
    });
    return out;
  }

  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private static void query(Warehouse w, String sql, RowReader reader) throws SQLException {
    try (Connection c = w.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        reader.read(rs);
      }
    }
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
  }

  private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  static long count(Warehouse w, String table) throws SQLException {
    return scalar(w, "SELECT count(*) FROM " + table);
  }

  static long scalar(Warehouse w, String sql) throws SQLException {
    try (Connection c = w.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
