package io.streamlake.pipelines.windows;

import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.boxoffice.BoxOfficeEventKind;
import io.streamlake.events.flights.FlightState;
import io.streamlake.events.shop.HttpMethod;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.StarRating;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Small builders for windows test events, and the raw records our producers would write for them. */
final class WindowsFixtures {
  /** A window boundary for 1- and 5-minute windows. */
  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  /** Pseudo topics that carry reference-file contents in a test stream. */
  static final String USERS_FILE = "file:users";
  static final String VIP_FILE = "file:vip";
  private static final AtomicLong OFFSETS = new AtomicLong();

  private WindowsFixtures() {}

  static WindowsPipeline.Options options() {
    PipelineOptionsFactory.register(WindowsPipeline.Options.class);
    WindowsPipeline.Options o = PipelineOptionsFactory.as(WindowsPipeline.Options.class);
    o.setPageViewWindowMinutes(5L);
    o.setBoxOfficeWindowMinutes(1L);
    o.setFlightsWindowMinutes(5L);
    o.setAllowedLatenessMinutes(5L);
    o.setStateRetentionMinutes(60L);
    o.setLatencyThresholdMs(1000);
    o.setLowStarBelow(3);
    o.setFollowupWindowMinutes(10L);
    o.setWriteKafka(false);
    o.setWriteWarehouse(false);
    return o;
  }

  static Instant minutes(double m) {
    return T0.plus(Duration.ofMillis(Math.round(m * 60_000)));
  }

  static PageView view(String id, String user, HttpMethod method, int status, int latencyMs, Instant at) {
    return new PageView(id, user, "s-" + user, "/p/" + id, method, status, latencyMs, at);
  }

  static PageView view(String id, String user, String url, Instant at) {
    return new PageView(id, user, "s-" + user, url, HttpMethod.GET, 200, 80, at);
  }

  static StarRating rating(String id, String user, int stars, Instant at) {
    return new StarRating(id, user, "prod-1", stars, at);
  }

  static BoxOfficeEvent boxOffice(String id, String theater, BoxOfficeEventKind kind, int tickets, double waited,
      Instant at) {
    return new BoxOfficeEvent(id, "mg-" + id, theater, "Metropolis", kind, tickets, waited, 0, at);
  }

  static FlightState flight(String id, String icao24, String country, boolean onGround, Double altitude,
      Double velocity, Instant at) {
    return new FlightState(id, icao24, "CS" + icao24, country, at, at, 8.5, 50.0, altitude, onGround, velocity,
        90.0, 0.0, altitude, "1000", false, 0);
  }

  static TimestampedValue<RawRecord> raw(PageView v) {
    return raw(Topics.PAGE_VIEWS.name(), v.getUserId(), Topics.PAGE_VIEWS.codec().encode(v), v.getViewedAt());
  }

  static TimestampedValue<RawRecord> raw(StarRating r) {
    return raw(Topics.STAR_RATINGS.name(), r.getUserId(), Topics.STAR_RATINGS.codec().encode(r), r.getRatedAt());
  }

  static TimestampedValue<RawRecord> raw(BoxOfficeEvent e) {
    return raw(Topics.BOX_OFFICE.name(), e.getTheaterId(), Topics.BOX_OFFICE.codec().encode(e), e.getEventTime());
  }

  static TimestampedValue<RawRecord> raw(FlightState s) {
    return raw(Topics.FLIGHTS.name(), s.getIcao24(), Topics.FLIGHTS.codec().encode(s), s.getLastContact());
  }

  /** A new version of a reference file, as read at {@code at}. */
  static TimestampedValue<RawRecord> file(String pseudoTopic, String content, Instant at) {
    return raw(pseudoTopic, "file", content.getBytes(StandardCharsets.UTF_8), at);
  }

  static TimestampedValue<RawRecord> raw(String topic, String key, byte[] value, Instant at) {
    RawRecord r = new RawRecord(topic, 0, OFFSETS.incrementAndGet(), key.getBytes(StandardCharsets.UTF_8), value,
        at.toEpochMilli());
    return TimestampedValue.of(r, wm(at));
  }

  static org.joda.time.Instant wm(Instant at) {
    return org.joda.time.Instant.ofEpochMilli(at.toEpochMilli());
  }

  static String userLine(String id, String name, String country) {
    return "{\"user_id\":\"" + id + "\",\"name\":\"" + name + "\",\"email\":\"" + id + "@example.com\",\"country\":\""
        + country + "\",\"city\":\"Springfield\",\"segment\":\"regular\",\"signed_up_at\":1700000000000}";
  }

  /** Splits one stream of raw records (real topics and the pseudo file topics) into the pipeline's sources. */
  static WindowsPipeline.Sources sources(PCollection<RawRecord> all) {
    return new WindowsPipeline.Sources(
        only(all, Topics.PAGE_VIEWS.name()), only(all, Topics.STAR_RATINGS.name()),
        only(all, Topics.BOX_OFFICE.name()), only(all, Topics.FLIGHTS.name()),
        contents(only(all, USERS_FILE), "Users"), contents(only(all, VIP_FILE), "Vip"));
  }

  private static PCollection<RawRecord> only(PCollection<RawRecord> all, String topic) {
    return all.apply("Only" + topic.replace(":", "-"), Filter.by((RawRecord r) -> r.topic().equals(topic)));
  }

  private static PCollection<String> contents(PCollection<RawRecord> files, String name) {
    return files.apply(name + "Contents", MapElements.into(TypeDescriptors.strings())
        .via((RawRecord r) -> new String(r.value(), StandardCharsets.UTF_8)));
  }
}
