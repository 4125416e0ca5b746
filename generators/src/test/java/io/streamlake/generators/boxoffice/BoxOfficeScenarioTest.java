package io.streamlake.generators.boxoffice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.boxoffice.BoxOfficeEventKind;
import io.streamlake.generators.boxoffice.BoxOfficeScenario.Moviegoer;
import io.streamlake.generators.boxoffice.BoxOfficeScenario.Simulation;
import io.streamlake.generators.boxoffice.BoxOfficeScenario.Stats;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BoxOfficeScenarioTest {
  private static final BoxOfficeScenario SCENARIO = new BoxOfficeScenario();
  /** One moviegoer every 20 s on average: a sale takes 96 s. */
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.builder().seed(3).rate(0.05).events(20_000).build();
  /** The run under CONFIG, shared by the tests that only read it. */
  private static final List<Emission> EMISSIONS = new ArrayList<>();
  private static final Stats STATS;

  static {
    Simulation simulation = SCENARIO.simulate(CONFIG);
    simulation.forEachRemaining(EMISSIONS::add);
    STATS = simulation.stats();
  }

  private static final List<BoxOfficeEvent> EVENTS =
      EMISSIONS.stream().map(e -> (BoxOfficeEvent) e.value()).toList();

  private static List<BoxOfficeEvent> events(BoxOfficeScenario scenario, GeneratorConfig config) {
    List<BoxOfficeEvent> out = new ArrayList<>();
    scenario.emissions(config).forEachRemaining(e -> out.add((BoxOfficeEvent) e.value()));
    return out;
  }

  private static long millis(BoxOfficeEvent e) {
    return e.getEventTime().toEpochMilli();
  }

  /** Both events of one moviegoer. */
  private record Visit(BoxOfficeEvent arrived, BoxOfficeEvent outcome) {}

  private static Map<String, Visit> visits(List<BoxOfficeEvent> events) {
    Map<String, BoxOfficeEvent> arrived = new HashMap<>();
    Map<String, Visit> visits = new HashMap<>();
    for (BoxOfficeEvent e : events) {
      String id = e.getMoviegoerId();
      if (e.getKind() == BoxOfficeEventKind.ARRIVED) {
        assertNull(arrived.put(id, e), "arrived twice: " + id);
      } else {
        BoxOfficeEvent first = arrived.get(id);
        assertTrue(first != null, "outcome before arrival: " + id);
        assertNull(visits.put(id, new Visit(first, e)), "two outcomes: " + id);
      }
    }
    assertEquals(arrived.keySet(), visits.keySet(), "every arrival has an outcome");
    return visits;
  }

  @Test
  void everyMoviegoerArrivesOnceThenBuysOrLeaves() {
    List<BoxOfficeEvent> events = EVENTS;
    assertEquals(2 * CONFIG.events(), events.size());
    Map<String, Visit> visits = visits(events);
    assertEquals(CONFIG.events(), visits.size());
    long left = visits.values().stream().filter(v -> v.outcome.getKind() == BoxOfficeEventKind.LEFT_WITHOUT_BUYING).count();
    assertTrue(left > 0.02 * CONFIG.events() && left < 0.2 * CONFIG.events(), "some give up: " + left);
    for (Visit v : visits.values()) {
      BoxOfficeEvent a = v.arrived;
      BoxOfficeEvent o = v.outcome;
      assertEquals(0.0, a.getWaitedSeconds());
      assertEquals(a.getTheaterId(), o.getTheaterId());
      assertEquals(a.getMovie(), o.getMovie());
      assertEquals(o.getKind() == BoxOfficeEventKind.BOUGHT ? a.getTickets() : 0, o.getTickets());
      assertTrue(a.getTickets() >= 1 && a.getTickets() <= 6);
    }
    Set<String> ids = new HashSet<>();
    events.forEach(e -> assertTrue(ids.add(e.getEventId()), "event ids are unique"));
  }

  @Test
  void eventsAreInEventTimeOrderFromTheBaseTime() {
    List<Emission> emissions = EMISSIONS;
    assertFalse(emissions.get(0).eventTime().isBefore(CONFIG.baseTime()));
    for (int i = 0; i < emissions.size(); i++) {
      Emission e = emissions.get(i);
      assertEquals(Topics.BOX_OFFICE, e.topic());
      assertEquals(((BoxOfficeEvent) e.value()).getEventTime(), e.eventTime());
      if (i > 0) {
        assertFalse(e.eventTime().isBefore(emissions.get(i - 1).eventTime()), "out of order at " + i);
      }
    }
  }

  @Test
  void sameSeedSameEventsOtherSeedOtherEvents() {
    assertEquals(EVENTS, events(new BoxOfficeScenario(), CONFIG));
    GeneratorConfig small = CONFIG.toBuilder().events(1_000).build();
    assertEquals(EVENTS.subList(0, 100), events(SCENARIO, small).subList(0, 100), "the start does not depend on the length");
    assertNotEquals(events(SCENARIO, small), events(SCENARIO, small.toBuilder().seed(4).build()));
  }

  @Test
  void eventsSurviveAvroEncoding() {
    SCENARIO.emissions(CONFIG.toBuilder().events(500).build()).forEachRemaining(
        e -> assertEquals(e.value(), Topics.BOX_OFFICE.codec().decode(e.encodeValue())));
  }

  /** Waits, sales and give-ups follow from what each moviegoer brought: service time, patience. */
  @Test
  void outcomesFollowServiceTimesAndPatience() {
    Map<String, Visit> visits = visits(EVENTS);
    for (long n = 0; n < CONFIG.events(); n++) {
      Moviegoer m = SCENARIO.moviegoer(CONFIG, n);
      Visit v = visits.get(BoxOfficeScenario.moviegoerId(n));
      assertEquals(BoxOfficeScenario.theaterId(m.theater()), v.arrived.getTheaterId());
      long stayed = millis(v.outcome) - millis(v.arrived);
      double waited = v.outcome.getWaitedSeconds();
      if (v.outcome.getKind() == BoxOfficeEventKind.BOUGHT) {
        assertTrue(waited < m.patienceSeconds(), "served before patience ran out");
        assertEquals((waited + m.serviceSeconds()) * 1000, stayed, 1.0, "wait + sale");
      } else {
        assertEquals(m.patienceSeconds(), waited, 1e-9, "left when patience ran out");
        assertEquals(waited * 1000, stayed, 1.0);
      }
    }
  }

  /** Per theater, moviegoers reach a cashier in the order they arrived. */
  @Test
  void queuesAreFirstInFirstOut() {
    List<BoxOfficeEvent> events = EVENTS;
    Map<String, Visit> visits = visits(events);
    Map<String, Double> lastStart = new HashMap<>();
    for (BoxOfficeEvent a : events) {
      Visit v = visits.get(a.getMoviegoerId());
      if (a.getKind() == BoxOfficeEventKind.ARRIVED && v.outcome.getKind() == BoxOfficeEventKind.BOUGHT) {
        double start = millis(a) / 1000.0 + v.outcome.getWaitedSeconds();
        Double before = lastStart.put(a.getTheaterId(), start);
        assertTrue(before == null || start >= before - 0.002, "served out of turn: " + a.getMoviegoerId());
      }
    }
  }

  /**
   * Little's law for the queues, measured from the emitted events alone over the arrivals' span:
   * time-average number waiting L = lambda * W, lambda the rate of moviegoers who join a queue and
   * W their mean time in it (served or not).
   */
  @Test
  void littlesLawHoldsForTheQueues() {
    List<BoxOfficeEvent> events = EVENTS;
    long start = CONFIG.baseTime().toEpochMilli();
    long end = events.stream().filter(e -> e.getKind() == BoxOfficeEventKind.ARRIVED)
        .mapToLong(BoxOfficeScenarioTest::millis).max().orElseThrow();
    Map<String, Integer> queueLength = new HashMap<>();
    int waiting = 0;
    long previous = start;
    double area = 0;
    for (BoxOfficeEvent e : events) {
      long at = Math.min(millis(e), end);
      area += waiting * (at - previous) / 1000.0;
      previous = at;
      Integer before = queueLength.put(e.getTheaterId(), e.getQueueLength());
      waiting += e.getQueueLength() - (before == null ? 0 : before);
    }
    double seconds = (end - start) / 1000.0;
    double l = area / seconds;
    long joined = 0;
    double inQueue = 0;
    for (Visit v : visits(events).values()) {
      if (v.outcome.getKind() == BoxOfficeEventKind.LEFT_WITHOUT_BUYING || v.outcome.getWaitedSeconds() > 0) {
        joined++;
        inQueue += v.outcome.getWaitedSeconds();
      }
    }
    double lambda = joined / seconds;
    double w = inQueue / joined;
    assertTrue(l > 0.5, "queues do form: L=" + l);
    assertEquals(1.0, l / (lambda * w), 0.02, "L=" + l + " lambda=" + lambda + " W=" + w);
  }

  /** The simulation's own statistics obey Little's law and match the events. */
  @Test
  void statisticsAgreeWithTheEvents() {
    List<BoxOfficeEvent> events = EVENTS;
    Stats stats = STATS;
    long bought = events.stream().filter(e -> e.getKind() == BoxOfficeEventKind.BOUGHT).count();
    long left = events.stream().filter(e -> e.getKind() == BoxOfficeEventKind.LEFT_WITHOUT_BUYING).count();
    assertEquals(CONFIG.events(), stats.arrivals());
    assertEquals(bought, stats.bought());
    assertEquals(left, stats.leftWithoutBuying());
    double meanWait = events.stream().filter(e -> e.getKind() != BoxOfficeEventKind.ARRIVED)
        .mapToDouble(BoxOfficeEvent::getWaitedSeconds).average().orElseThrow();
    assertEquals(meanWait, stats.meanWaitSeconds(), 1e-9);
    assertEquals(CONFIG.rate(), stats.arrivalRate(), 0.05 * CONFIG.rate());
    // every wait lies inside the simulated span: L = lambda W exactly, up to rounding
    assertEquals(stats.timeAverageQueue(), stats.arrivalRate() * stats.meanWaitSeconds(), 1e-6);
  }

  /**
   * Without impatience each theater is an M/M/c queue; its mean wait in queue is given by the Erlang
   * C formula: Wq = C(c, a) * S / (c - a), with a = lambda * S the offered load. Over 200k
   * arrivals the simulated mean is within about 2.5% (one standard deviation, seen over seeds).
   */
  @Test
  void meanWaitMatchesErlangCWithoutImpatience() {
    BoxOfficeScenario patient = new BoxOfficeScenario(3, 2, 0.8, 0, 1);
    GeneratorConfig config = CONFIG.toBuilder().events(200_000).build();
    Simulation simulation = patient.simulate(config);
    simulation.forEachRemaining(e -> assertFalse(
        ((BoxOfficeEvent) e.value()).getKind() == BoxOfficeEventKind.LEFT_WITHOUT_BUYING));
    double service = patient.meanServiceSeconds(config);
    double offered = config.rate() / patient.theaters() * service;
    double expected = erlangC(patient.cashiersPerTheater(), offered) * service
        / (patient.cashiersPerTheater() - offered);
    assertEquals(expected, simulation.stats().meanWaitSeconds(), 0.1 * expected);
  }

  /** Probability that an arrival waits in an M/M/c queue with offered load a (Erlang C). */
  private static double erlangC(int c, double a) {
    double term = 1;
    double sum = 1;
    for (int k = 1; k < c; k++) {
      term *= a / k;
      sum += term;
    }
    double last = term * a / c * c / (c - a);
    return last / (sum + last);
  }
}
