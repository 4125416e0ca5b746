package io.streamlake.generators.flights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.flights.FlightState;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.flights.OpenSkyReplay.Recording;
import io.streamlake.schemas.Topics;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Replays src/test/resources/opensky/states_all_sample.json: two snapshots 10 s apart, 11 states. */
class OpenSkyReplayTest {
  private static final Path SAMPLE = sample();
  private static final GeneratorConfig CONFIG = GeneratorConfig.builder()
      .baseTime(Instant.parse("2026-01-01T00:00:00Z")).events(10).build();

  private static Path sample() {
    try {
      return Path.of(OpenSkyReplayTest.class.getResource("/opensky/states_all_sample.json").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant unix(long seconds) {
    return Instant.ofEpochSecond(seconds);
  }

  /** The first state in the file with this address and last contact. */
  private static FlightState find(Recording recording, String icao24, long lastContact) {
    return recording.states().stream()
        .filter(s -> s.getIcao24().equals(icao24) && s.getLastContact().equals(unix(lastContact)))
        .findFirst().orElseThrow();
  }

  private static List<FlightState> replay(GeneratorConfig config) {
    List<FlightState> out = new ArrayList<>();
    new OpenSkyReplay(SAMPLE).emissions(config).forEachRemaining(e -> out.add((FlightState) e.value()));
    return out;
  }

  @Test
  void readsEveryFieldOfAState() {
    FlightState s = find(OpenSkyReplay.read(SAMPLE), "400a0b", 1699999998);
    assertEquals("BAW117  ", s.getCallsign());
    assertEquals("United Kingdom", s.getOriginCountry());
    assertEquals(unix(1699999997), s.getTimePosition());
    assertEquals(unix(1699999998), s.getLastContact());
    assertEquals(-20.6615, s.getLongitude());
    assertEquals(53.1178, s.getLatitude());
    assertEquals(10972.8, s.getBaroAltitude());
    assertFalse(s.getOnGround());
    assertEquals(252.11, s.getVelocity());
    assertEquals(285.33, s.getTrueTrack());
    assertEquals(-0.33, s.getVerticalRate());
    assertEquals(11224.26, s.getGeoAltitude());
    assertEquals("2362", s.getSquawk());
    assertTrue(s.getSpi());
    assertEquals(2, s.getPositionSource());
  }

  @Test
  void keepsNullsAsNulls() {
    FlightState s = find(OpenSkyReplay.read(SAMPLE), "a0b1c2", 1699999990);
    assertNull(s.getCallsign());
    assertEquals("United States", s.getOriginCountry());
    assertNull(s.getTimePosition());
    assertEquals(unix(1699999990), s.getLastContact());
    assertNull(s.getLongitude());
    assertNull(s.getLatitude());
    assertNull(s.getBaroAltitude());
    assertFalse(s.getOnGround());
    assertNull(s.getVelocity());
    assertNull(s.getTrueTrack());
    assertNull(s.getVerticalRate());
    assertNull(s.getGeoAltitude());
    assertNull(s.getSquawk());
    assertFalse(s.getSpi());
    assertEquals(0, s.getPositionSource());
  }

  @Test
  void onGroundStateHasNoAltitude() {
    FlightState s = find(OpenSkyReplay.read(SAMPLE), "3c6444", 1699999999);
    assertTrue(s.getOnGround());
    assertEquals(0.0, s.getVelocity());
    assertNull(s.getBaroAltitude());
    assertNull(s.getGeoAltitude());
    assertNull(s.getVerticalRate());
    assertEquals(185.62, s.getTrueTrack());
  }

  @Test
  void keepsCallsignPaddingAsOpenSkySendsIt() {
    Recording recording = OpenSkyReplay.read(SAMPLE);
    assertEquals("DLH9LF  ", find(recording, "3c6444", 1699999999).getCallsign());
    assertEquals("        ", find(recording, "a0b1c2", 1700000006).getCallsign());
    assertEquals(1, find(recording, "a0b1c2", 1700000006).getPositionSource());
  }

  @Test
  void readsStatesWithTheExtraCategoryColumn() {
    FlightState s = find(OpenSkyReplay.read(SAMPLE), "e48df6", 1699999999);
    assertEquals("Brazil", s.getOriginCountry());
    assertEquals(-23.4323, s.getLatitude());
    assertEquals(-46.4731, s.getLongitude());
    assertEquals(0, s.getPositionSource());
  }

  @Test
  void skipsStatesWithoutRequiredFields() {
    Recording recording = OpenSkyReplay.read(SAMPLE);
    assertEquals(10, recording.states().size());
    assertEquals(1, recording.skippedRows());
    assertTrue(recording.states().stream().noneMatch(s -> s.getOriginCountry().equals("Nowhere")));
  }

  @Test
  void readsASingleResponseAndAnEmptyOne() {
    Recording one = OpenSkyReplay.parse("{\"time\": 1700000000, \"states\": ["
        + "[\"3c6444\", \"DLH9LF  \", \"Germany\", 1699999998, 1699999999, 8.5622, 50.0379, null, true,"
        + " 0.0, 185.62, null, null, null, \"1000\", false, 0],"
        + "[\"3c6445\", \"DLH9LG  \", \"Germany\", \"soon\", 1699999999, 8.5622, 50.0379, null, true,"
        + " 0.0, 185.62, null, null, null, \"1000\", false, 0],"
        + "[\"3c6446\", \"short\"]]}");
    assertEquals(1, one.states().size());
    assertEquals(2, one.skippedRows(), "a string where a time belongs, and a short row");
    assertEquals(OpenSkyReplay.read(SAMPLE).states().get(0), one.states().get(0), "same content, same id");
    assertEquals(0, OpenSkyReplay.parse("{\"time\": 1700000000, \"states\": null}").states().size());
    assertThrows(IllegalArgumentException.class, () -> OpenSkyReplay.parse("{\"hello\": 1}"));
    assertThrows(UncheckedIOException.class, () -> OpenSkyReplay.parse("{\"time\": "));
    assertThrows(UncheckedIOException.class, () -> OpenSkyReplay.read(Path.of("no/such/file.json")));
  }

  @Test
  void replaysFromTheBaseTimeInEventTimeOrder() {
    List<Emission> emissions = new ArrayList<>();
    new OpenSkyReplay(SAMPLE).emissions(CONFIG).forEachRemaining(emissions::add);
    assertEquals(10, emissions.size());
    assertEquals(CONFIG.baseTime(), emissions.get(0).eventTime(), "earliest last contact at the base time");
    long shift = CONFIG.baseTime().getEpochSecond() - 1699999990;
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < emissions.size(); i++) {
      Emission e = emissions.get(i);
      FlightState s = (FlightState) e.value();
      assertEquals(Topics.FLIGHTS, e.topic());
      assertEquals(s.getLastContact(), e.eventTime());
      assertTrue(ids.add(s.getEventId()));
      if (i > 0) {
        assertFalse(e.eventTime().isBefore(emissions.get(i - 1).eventTime()), "out of order at " + i);
      }
      FlightState original = find(OpenSkyReplay.read(SAMPLE), s.getIcao24(), s.getLastContact().getEpochSecond() - shift);
      assertEquals(original.getEventId(), s.getEventId());
      assertEquals(original.getTimePosition() == null ? null : original.getTimePosition().plusSeconds(shift),
          s.getTimePosition(), "time_position shifted with last_contact");
      assertEquals(original.getLatitude(), s.getLatitude());
    }
    FlightState last = (FlightState) emissions.get(9).value();
    assertEquals("4ca7b4", last.getIcao24());
    assertEquals(CONFIG.baseTime().plusSeconds(20), last.getLastContact());
  }

  @Test
  void loopsOverTheFileWhenAskedForMore() {
    List<FlightState> states = replay(CONFIG.toBuilder().events(25).build());
    assertEquals(25, states.size());
    long period = 20 + OpenSkyReplay.LOOP_GAP.toSeconds();
    for (int i = 10; i < 25; i++) {
      FlightState first = states.get(i % 10);
      assertEquals(first.getIcao24(), states.get(i).getIcao24());
      assertEquals(first.getLastContact().plusSeconds(period * (i / 10)), states.get(i).getLastContact());
    }
    assertEquals(25, states.stream().map(FlightState::getEventId).distinct().count(), "ids unique across passes");
  }

  @Test
  void sameFileSameRecords() {
    assertEquals(replay(CONFIG), replay(CONFIG));
    assertEquals(replay(CONFIG), replay(CONFIG.toBuilder().seed(99).build()), "the seed plays no part");
  }

  @Test
  void recordsSurviveAvroEncoding() {
    new OpenSkyReplay(SAMPLE).emissions(CONFIG).forEachRemaining(
        e -> assertEquals(e.value(), Topics.FLIGHTS.codec().decode(e.encodeValue())));
  }
}
