package io.streamlake.generators.flights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.flights.FlightState;
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

class FlightsScenarioTest {
  private static final FlightsScenario SCENARIO = new FlightsScenario(50);
  /** 50 aircraft at 5 reports/s: each reports every 10 s, for 3 hours. */
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.builder().seed(5).rate(5).events(50 * 1080).build();
  private static final List<Emission> EMISSIONS = emissions(CONFIG);

  private static List<Emission> emissions(GeneratorConfig config) {
    List<Emission> out = new ArrayList<>();
    SCENARIO.emissions(config).forEachRemaining(out::add);
    return out;
  }

  private static FlightState state(int n) {
    return (FlightState) EMISSIONS.get(n).value();
  }

  private static long millis(java.time.Instant t) {
    return t.toEpochMilli();
  }

  @Test
  void oneReportPerAircraftPerRoundInEventTimeOrder() {
    assertEquals(CONFIG.events(), EMISSIONS.size());
    int fleet = SCENARIO.aircraft();
    Set<String> icao24s = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (int n = 0; n < EMISSIONS.size(); n++) {
      Emission e = EMISSIONS.get(n);
      FlightState s = state(n);
      assertEquals(Topics.FLIGHTS, e.topic());
      assertEquals(CONFIG.eventTime(n), e.eventTime());
      assertEquals(e.eventTime(), s.getLastContact());
      assertTrue(ids.add(s.getEventId()), "event ids are unique");
      if (n >= fleet) {
        assertEquals(state(n - fleet).getIcao24(), s.getIcao24(), "aircraft n % fleet keeps its address");
        assertEquals(state(n - fleet).getOriginCountry(), s.getOriginCountry());
      } else {
        icao24s.add(s.getIcao24());
      }
      if (n > 0) {
        assertFalse(e.eventTime().isBefore(EMISSIONS.get(n - 1).eventTime()), "out of order at " + n);
      }
    }
    assertEquals(fleet, icao24s.size(), "one address per aircraft");
  }

  @Test
  void stateIsAPureFunctionOfSeedAndNumber() {
    for (int n : new int[] {0, 49, 50, 12_345, EMISSIONS.size() - 1}) {
      assertEquals(state(n), SCENARIO.state(CONFIG, n));
    }
    GeneratorConfig small = CONFIG.toBuilder().events(500).build();
    assertEquals(emissions(small), emissions(small));
    assertNotEquals(emissions(small), emissions(small.toBuilder().seed(6).build()));
  }

  @Test
  void fieldsLookLikeOpenSky() {
    Map<String, String> countryOf = new HashMap<>();
    for (FlightsScenario.Airline a : FlightsScenario.AIRLINES) {
      countryOf.put(a.prefix(), a.country());
    }
    for (int n = 0; n < EMISSIONS.size(); n++) {
      FlightState s = state(n);
      assertTrue(s.getIcao24().matches("[0-9a-f]{6}"), s.getIcao24());
      assertTrue(s.getCallsign().matches("[A-Z]{3}[0-9]{1,4} *") && s.getCallsign().length() == 8,
          "padded callsign '" + s.getCallsign() + "'");
      assertEquals(countryOf.get(s.getCallsign().substring(0, 3)), s.getOriginCountry());
      assertTrue(s.getSquawk().matches("[0-6][0-7]{3}"), s.getSquawk());
      assertTrue(s.getLatitude() >= -90 && s.getLatitude() <= 90);
      assertTrue(s.getLongitude() >= -180 && s.getLongitude() <= 180);
      assertTrue(s.getVelocity() >= 0 && s.getVelocity() <= 260, "speed " + s.getVelocity());
      assertTrue(s.getTrueTrack() >= 0 && s.getTrueTrack() < 360);
      long lag = millis(s.getLastContact()) - millis(s.getTimePosition());
      assertTrue(lag >= 0 && lag < 1000, "position at most a second old");
      assertTrue(s.getPositionSource() == 0 || s.getPositionSource() == 2);
      assertFalse(s.getSpi());
      if (s.getOnGround()) {
        assertNull(s.getBaroAltitude());
        assertNull(s.getGeoAltitude());
        assertNull(s.getVerticalRate());
        assertTrue(s.getVelocity() <= FlightsScenario.LIFTOFF_SPEED);
      } else {
        assertTrue(s.getBaroAltitude() >= 0 && s.getBaroAltitude() <= 12_000, "altitude " + s.getBaroAltitude());
        assertTrue(s.getGeoAltitude() > s.getBaroAltitude() && s.getGeoAltitude() < s.getBaroAltitude() + 300);
        if (s.getVerticalRate() == 0) { // cruising
          assertTrue(s.getVelocity() >= 230 && s.getVelocity() <= 260, "cruise speed " + s.getVelocity());
          assertTrue(s.getBaroAltitude() >= 10_000, "cruise altitude " + s.getBaroAltitude());
        }
      }
    }
  }

  @Test
  void someAircraftAreOnTheGroundAndSomeTakeOffOrLand() {
    long onGround = EMISSIONS.stream().filter(e -> ((FlightState) e.value()).getOnGround()).count();
    long parked = EMISSIONS.stream().map(e -> (FlightState) e.value())
        .filter(s -> s.getOnGround() && s.getVelocity() == 0).count();
    assertTrue(onGround > 0.05 * EMISSIONS.size() && onGround < 0.5 * EMISSIONS.size(), "on ground: " + onGround);
    assertTrue(parked > 0.9 * onGround, "mostly parked at the gate: " + parked + " of " + onGround);
    int takeoffs = 0;
    int landings = 0;
    int fleet = SCENARIO.aircraft();
    for (int n = fleet; n < EMISSIONS.size(); n++) {
      boolean before = state(n - fleet).getOnGround();
      boolean now = state(n).getOnGround();
      takeoffs += before && !now ? 1 : 0;
      landings += !before && now ? 1 : 0;
    }
    assertTrue(takeoffs > 3 && landings > 3, "takeoffs " + takeoffs + ", landings " + landings);
  }

  @Test
  void statesSurviveAvroEncoding() {
    EMISSIONS.subList(0, 500).forEach(
        e -> assertEquals(e.value(), Topics.FLIGHTS.codec().decode(e.encodeValue())));
  }

  /** On the ground means at an airport: parked at its reference point or rolling on a runway. */
  @Test
  void aircraftOnTheGroundAreAtAnAirport() {
    for (Emission e : EMISSIONS) {
      FlightState s = (FlightState) e.value();
      if (s.getOnGround()) {
        double nearest = Double.MAX_VALUE;
        for (FlightsScenario.Airport a : FlightsScenario.AIRPORTS) {
          nearest = Math.min(nearest, FlightsScenario.distance(a.lat(), a.lon(), s.getLatitude(), s.getLongitude()));
        }
        assertTrue(nearest <= FlightsScenario.ROLL_METRES + 5, "on ground " + nearest + " m from an airport");
      }
    }
  }

  /** At a fast rate (each aircraft every 0.5 s) position times still advance per aircraft. */
  @Test
  void fastReportingKeepsPositionTimesInOrder() {
    GeneratorConfig fast = CONFIG.toBuilder().rate(100).events(50 * 200).build();
    List<Emission> emissions = emissions(fast);
    for (int n = 50; n < emissions.size(); n++) {
      FlightState a = (FlightState) emissions.get(n - 50).value();
      FlightState b = (FlightState) emissions.get(n).value();
      assertTrue(b.getTimePosition().isAfter(a.getTimePosition()), "report " + n);
    }
  }

  /** Between two reports an aircraft moves its average speed times the time between them. */
  @Test
  void consecutiveReportsAreConsistent() {
    int fleet = SCENARIO.aircraft();
    int airbornePairs = 0;
    for (int n = fleet; n < EMISSIONS.size(); n++) {
      FlightState a = state(n - fleet);
      FlightState b = state(n);
      double seconds = (millis(b.getTimePosition()) - millis(a.getTimePosition())) / 1000.0;
      assertTrue(seconds > 9 && seconds < 11, "about 10 s apart: " + seconds);
      double moved = FlightsScenario.distance(a.getLatitude(), a.getLongitude(), b.getLatitude(), b.getLongitude());
      double expected = (a.getVelocity() + b.getVelocity()) / 2 * seconds;
      assertEquals(expected, moved, 30 + 0.01 * expected, "aircraft " + b.getIcao24() + " at report " + n);
      assertTrue(Math.abs(b.getVelocity() - a.getVelocity()) <= FlightsScenario.ROLL_ACCELERATION * seconds + 0.1);
      if (!a.getOnGround() && !b.getOnGround()) {
        airbornePairs++;
        double turn = Math.abs(b.getTrueTrack() - a.getTrueTrack());
        assertTrue(Math.min(turn, 360 - turn) < 0.5, "track changes slowly: " + turn);
        double climb = Math.abs(b.getBaroAltitude() - a.getBaroAltitude());
        double rate = Math.max(Math.abs(a.getVerticalRate()), Math.abs(b.getVerticalRate()));
        assertTrue(climb <= rate * seconds + 0.5, "altitude follows the vertical rate: " + climb);
        assertTrue(rate < 12, "vertical rate " + rate);
      }
    }
    assertTrue(airbornePairs > EMISSIONS.size() / 2, "mostly airborne");
  }
}
