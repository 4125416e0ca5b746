package io.streamlake.pipelines.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.boxoffice.BoxOfficeStats;
import io.streamlake.events.flights.FlightStats;
import io.streamlake.events.shop.LowStarFollowup;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated web-shop, box-office and flights data (with duplicates and poison records) through the
 * pipeline in bounded mode: output == reference model, and every input record is accounted for
 * exactly once (a windowed result, a duplicate, late, or a dead letter).
 */
class WindowsModelTest {
  static final Instant BASE = Instant.parse("2026-02-01T08:00:00Z");
  static final GeneratorConfig SHOP = GeneratorConfig.builder().seed(41).rate(1).events(600).baseTime(BASE)
      .duplicateFraction(0.02).poisonFraction(0.01).build();
  static final GeneratorConfig BOX_OFFICE = GeneratorConfig.builder().seed(42).rate(0.5).events(200).baseTime(BASE)
      .duplicateFraction(0.02).poisonFraction(0.01).build();
  static final GeneratorConfig FLIGHTS = GeneratorConfig.builder().seed(43).rate(1).events(500).baseTime(BASE)
      .duplicateFraction(0.02).poisonFraction(0.01).build();

  static List<TimestampedValue<RawRecord>> records;
  static WindowsModel model;

  @BeforeAll
  static void generate() {
    records = WindowsData.records(SHOP, BOX_OFFICE, FLIGHTS);
    model = model(records, WindowsData.options("DirectRunner", false));
  }

  static WindowsModel model(List<TimestampedValue<RawRecord>> records, WindowsPipeline.Options options) {
    Map<String, ReferenceData.Profile> users = new TreeMap<>();
    for (String line : WindowsData.usersFile().split("\n")) {
      ReferenceData.Profile p = ReferenceData.parseUser(line);
      if (p != null) {
        users.put(p.userId(), p);
      }
    }
    return WindowsModel.of(WindowsModel.Params.of(options),
        WindowsData.decoded(records, Topics.PAGE_VIEWS), WindowsData.decoded(records, Topics.STAR_RATINGS),
        WindowsData.decoded(records, Topics.BOX_OFFICE), WindowsData.decoded(records, Topics.FLIGHTS),
        users, ReferenceData.parseVip(WindowsData.VIP));
  }

  @Test
  void boundedRunEqualsTheModelAndAccountsForEveryRecord() {
    WindowsData.Outcome run = WindowsData.runBounded(WindowsData.options("DirectRunner", false), records,
        WindowsData.usersFile(), WindowsData.VIP);

    assertEquals(model.pageViews, run.pageViews());
    assertEquals(model.boxOffice, run.boxOffice());
    assertEquals(model.flights, run.flights());
    assertEquals(model.latencyAlerts, run.latencyAlerts());
    assertEquals(model.vipAlerts, run.vipAlerts());
    assertEquals(model.followups, run.followups());
    // the data exercises every branch
    assertTrue(model.pageViews.size() > 10 && model.boxOffice.size() > 10 && model.flights.size() > 10,
        model.pageViews.size() + " " + model.boxOffice.size() + " " + model.flights.size());
    assertTrue(model.latencyAlerts.values().stream().anyMatch(a -> a.getUserKnown())
        && model.latencyAlerts.values().stream().anyMatch(a -> !a.getUserKnown()));
    assertTrue(model.vipAlerts.size() > 5 && model.followups.size() > 5 && model.lowRatingsWithoutFollowup > 5,
        model.vipAlerts.size() + " " + model.followups.size() + " " + model.lowRatingsWithoutFollowup);
    assertTrue(model.pageViewDuplicates > 0 && model.boxOfficeDuplicates > 0 && model.flightDuplicates > 0);

    assertEquals(0, run.late(), "a bounded run is all on time");
    assertEquals(run.pageViews().size() + run.boxOffice().size() + run.flights().size() + run.followups().size(),
        run.rowEmissions(), "each row emitted once: nothing was late");

    // every input record ends in exactly one place
    long poisonViews = WindowsData.count(records, Topics.PAGE_VIEWS) - WindowsData.decoded(records, Topics.PAGE_VIEWS).size();
    long views = run.pageViews().values().stream().mapToLong(PageViewStats::getViews).sum();
    assertEquals(WindowsData.count(records, Topics.PAGE_VIEWS), views + run.counter("pageviews_by_method_5m:duplicate")
        + run.counter("pageviews_by_method_5m:late") + run.counter("decode:pageviews_dead_letter"),
        "page views: windowed + duplicates + late + dead letters == input records");
    assertEquals(poisonViews, run.counter("decode:pageviews_dead_letter"));
    assertEquals(model.pageViewDuplicates, run.counter("pageviews_by_method_5m:duplicate"));

    long boxOffice = run.boxOffice().values().stream().mapToLong(BoxOfficeStats::getEvents).sum();
    assertEquals(WindowsData.count(records, Topics.BOX_OFFICE), boxOffice + run.counter("boxoffice_minutely:duplicate")
        + run.counter("boxoffice_minutely:late") + run.counter("decode:boxoffice_dead_letter"));
    long states = run.flights().values().stream().mapToLong(FlightStats::getStates).sum();
    assertEquals(WindowsData.count(records, Topics.FLIGHTS), states + run.counter("flights_by_country_5m:duplicate")
        + run.counter("flights_by_country_5m:late") + run.counter("decode:flights_dead_letter"));
    assertEquals(WindowsData.count(records, Topics.STAR_RATINGS), run.counter("low_star_followups:followup")
        + run.counter("low_star_followups:no_followup") + run.counter("low_star_followups:not_low")
        + run.counter("low_star_followups:duplicate") + run.counter("low_star_followups:late")
        + run.counter("decode:ratings_dead_letter"),
        "ratings: follow-up + no follow-up + not low + duplicates + late + dead letters == input records");
    assertEquals(run.followups().size(), run.counter("low_star_followups:followup"));
    assertEquals(model.lowRatingsWithoutFollowup, run.counter("low_star_followups:no_followup"));
    assertEquals(model.notLowRatings, run.counter("low_star_followups:not_low"));
    assertEquals(model.lowRatingDuplicates, run.counter("low_star_followups:duplicate"));
    assertEquals(run.deadLetters(), run.counter("decode:pageviews_dead_letter") + run.counter("decode:ratings_dead_letter")
        + run.counter("decode:boxoffice_dead_letter") + run.counter("decode:flights_dead_letter"));
    assertTrue(run.deadLetters() > 0);

    for (String ns : List.of("pageviews_by_method_5m", "boxoffice_minutely", "flights_by_country_5m", "low_star_followups")) {
      assertEquals(run.counter(ns + ":keys_opened"), run.counter(ns + ":keys_released"),
          ns + ": every key's state was released by its timers");
    }
    LowStarFollowup any = run.followups().values().iterator().next();
    assertTrue(any.getViews() == any.getPages().size());
  }
}
