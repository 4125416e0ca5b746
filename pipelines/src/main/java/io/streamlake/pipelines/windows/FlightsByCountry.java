package io.streamlake.pipelines.windows;

import io.streamlake.events.flights.FlightState;
import io.streamlake.events.flights.FlightStats;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Aircraft state vectors per origin country in one window: distinct aircraft (icao24), how many of
 * them were airborne and on the ground (by each aircraft's latest state in the window), and the
 * average altitude and speed of the airborne state vectors.
 */
final class FlightsByCountry implements WindowedAggregate.Aggregation<FlightState, FlightStats> {
  private static final long serialVersionUID = 1L;
  static final String NAME = "flights_by_country_5m";
  /** The latest state: by last_contact, ties by event id. */
  static final Comparator<FlightState> LATEST =
      Comparator.comparing(FlightState::getLastContact).thenComparing(FlightState::getEventId);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Topic<FlightState> topic() {
    return Topics.FLIGHTS;
  }

  @Override
  public Class<FlightStats> rowClass() {
    return FlightStats.class;
  }

  @Override
  public String groupOf(FlightState state) {
    return state.getOriginCountry();
  }

  @Override
  public String eventIdOf(FlightState state) {
    return state.getEventId();
  }

  @Override
  public Instant eventTimeOf(FlightState state) {
    return state.getLastContact();
  }

  @Override
  public FlightStats summarize(String country, Instant start, Instant end, List<FlightState> states) {
    Map<String, FlightState> latest = new HashMap<>();
    long altitudes = 0;
    double altitudeSum = 0;
    long velocities = 0;
    double velocitySum = 0;
    for (FlightState s : states) {
      latest.merge(s.getIcao24(), s, (a, b) -> LATEST.compare(a, b) >= 0 ? a : b);
      if (!s.getOnGround()) {
        if (s.getBaroAltitude() != null) {
          altitudes++;
          altitudeSum += s.getBaroAltitude();
        }
        if (s.getVelocity() != null) {
          velocities++;
          velocitySum += s.getVelocity();
        }
      }
    }
    long onGround = latest.values().stream().filter(FlightState::getOnGround).count();
    return new FlightStats(start, end, country, (long) states.size(), (long) latest.size(),
        latest.size() - onGround, onGround,
        altitudes == 0 ? null : altitudeSum / altitudes, velocities == 0 ? null : velocitySum / velocities);
  }
}
