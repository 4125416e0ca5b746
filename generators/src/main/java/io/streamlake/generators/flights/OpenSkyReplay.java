package io.streamlake.generators.flights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlake.events.flights.FlightState;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.core.Scenario;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.UUID;

/**
 * Replays a recording of the OpenSky REST API {@code /states/all} as {@link FlightState} records
 * on {@link Topics#FLIGHTS}.
 *
 * <p><b>File format.</b> Either one response, {@code {"time": <unix s>, "states": [[...], ...]}},
 * or a JSON array of such responses (snapshots, e.g. one every 10 s). Each state is OpenSky's
 * 17-element array {@code [icao24, callsign, origin_country, time_position, last_contact,
 * longitude, latitude, baro_altitude, on_ground, velocity, true_track, vertical_rate, sensors,
 * geo_altitude, squawk, spi, position_source]}, optionally with an 18th element (category) as the
 * extended API sends it; {@code sensors} and {@code category} are dropped. Values are kept as
 * OpenSky sends them: callsigns keep their space padding, nulls stay null, except that a null
 * {@code spi} reads as false and a null {@code position_source} as 0. A state without icao24,
 * origin_country, last_contact or on_ground, or of the wrong shape, is skipped and counted (see
 * {@link Recording#skippedRows()}); a file that is not such JSON at all is an error.
 *
 * <p><b>Replay.</b> The states are emitted in order of {@code last_contact} (the event time; ties
 * in file order), every timestamp shifted by one amount so that the earliest {@code last_contact}
 * falls on {@code config.baseTime()}; spacing between states is the recording's own, so {@code
 * config.rate()} plays no part. {@code config.events()} is the number of states emitted: when it
 * exceeds the file, the file is replayed again, each pass shifted by the recording's span plus
 * {@link #LOOP_GAP}, with event ids of later passes derived from those of the first. The seed
 * plays no part either: a state's event id is a name-based UUID of its snapshot number, row number
 * and content, so it is stable for a file.
 *
 * <p>The whole file is read into memory when {@link #emissions} is called.
 */
public final class OpenSkyReplay implements Scenario {
  /** Time between the last state of one pass over the file and the first of the next. */
  public static final Duration LOOP_GAP = Duration.ofSeconds(10);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public OpenSkyReplay(Path file) {
    this.file = Objects.requireNonNull(file, "the flights-replay scenario needs a file (--replay-file)");
  }

  @Override
  public String name() {
    return "flights-replay";
  }

  @Override
  public String description() {
    return "replays a recorded OpenSky /states/all response (or an array of them) from a file";
  }

  @Override
  public List<Topic<?>> topics() {
    return List.of(Topics.FLIGHTS);
  }

  @Override
  public Iterator<Emission> emissions(GeneratorConfig config) {
    return new Replay(read(file), config);
  }

  /**
   * The states of a recording in file order, with their original times.
   *
   * @param skippedRows states that lacked a required field or had the wrong shape
   */
  public record Recording(List<FlightState> states, int skippedRows) {
    public Recording {
      states = List.copyOf(states);
    }
  }

  /** Reads a recording file. */
  public static Recording read(Path file) {
    try {
      return parse(JSON.readTree(file.toFile()), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read OpenSky recording " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses a recording from its JSON text. */
  public static Recording parse(String json) {
    try {
      return parse(JSON.readTree(json), "text");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse OpenSky recording: " + e.getMessage(), e);
    }
  }

  private static Recording parse(JsonNode root, String source) {
    List<JsonNode> responses = new ArrayList<>();
    if (root != null && root.isArray()) {
      root.forEach(responses::add);
    } else if (root != null && root.isObject()) {
      responses.add(root);
    }
    if (responses.isEmpty() || !responses.stream().allMatch(r -> r.isObject() && r.has("states"))) {
      throw new IllegalArgumentException(source + " is not an OpenSky /states/all response or an array of them");
    }
    List<FlightState> states = new ArrayList<>();
    int skipped = 0;
    for (int snapshot = 0; snapshot < responses.size(); snapshot++) {
      JsonNode rows = responses.get(snapshot).get("states");
      if (rows.isNull()) {
        continue; // OpenSky's answer when nothing is in the air
      }
      if (!rows.isArray()) {
        throw new IllegalArgumentException(source + ": \"states\" of snapshot " + snapshot + " is not an array");
      }
      for (int row = 0; row < rows.size(); row++) {
        FlightState state = state(rows.get(row), snapshot, row);
        if (state == null) {
          skipped++;
        } else {
          states.add(state);
        }
      }
    }
    return new Recording(states, skipped);
  }

  /** One state vector, or null if it lacks a required field or has the wrong shape. */
  private static FlightState state(JsonNode row, int snapshot, int index) {
    if (!row.isArray() || row.size() < 17) {
      return null;
    }
    try {
      String icao24 = text(row.get(0));
      String country = text(row.get(2));
      Instant lastContact = time(row.get(4));
      JsonNode onGround = row.get(8);
      if (icao24 == null || icao24.isBlank() || country == null || lastContact == null || !onGround.isBoolean()) {
        return null;
      }
      JsonNode spi = row.get(15);
      JsonNode source = row.get(16);
      String id = UUID.nameUUIDFromBytes(("opensky/" + snapshot + "/" + index + "/" + row)
          .getBytes(StandardCharsets.UTF_8)).toString();
      return new FlightState(id, icao24, text(row.get(1)), country, time(row.get(3)), lastContact,
          number(row.get(5)), number(row.get(6)), number(row.get(7)), onGround.booleanValue(),
          number(row.get(9)), number(row.get(10)), number(row.get(11)), number(row.get(13)),
          text(row.get(14)), flag(spi), source.isNull() ? 0 : integer(source));
    } catch (IllegalArgumentException e) {
      return null; // a field of the wrong type
    }
  }

  private static String text(JsonNode node) {
    if (node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException("not a string: " + node);
    }
    return node.textValue();
  }

  private static Double number(JsonNode node) {
    if (node.isNull()) {
      return null;
    }
    if (!node.isNumber()) {
      throw new IllegalArgumentException("not a number: " + node);
    }
    return node.doubleValue();
  }

  private static int integer(JsonNode node) {
    if (!node.isIntegralNumber()) {
      throw new IllegalArgumentException("not an integer: " + node);
    }
    return node.intValue();
  }

  private static boolean flag(JsonNode node) {
    if (node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new IllegalArgumentException("not a boolean: " + node);
    }
    return node.booleanValue();
  }

  /** Unix seconds (OpenSky sends whole seconds) to an instant, to the millisecond. */
  private static Instant time(JsonNode node) {
    Double seconds = number(node);
    return seconds == null ? null : Instant.ofEpochMilli(Math.round(seconds * 1000));
  }

  /** The recording's states, shifted to the base time, in event-time order, looped as needed. */
  private static final class Replay implements Iterator<Emission> {
    private final List<FlightState> states;
    private final long events;
    private final long shiftMillis;
    private final long periodMillis;
    private long next;

    Replay(Recording recording, GeneratorConfig config) {
      List<FlightState> sorted = new ArrayList<>(recording.states());
      sorted.sort(Comparator.comparing(FlightState::getLastContact)); // stable: ties keep file order
      this.states = sorted;
      this.events = sorted.isEmpty() ? 0 : config.events();
      if (sorted.isEmpty()) {
        shiftMillis = 0;
        periodMillis = 0;
      } else {
        long first = sorted.get(0).getLastContact().toEpochMilli();
        long last = sorted.get(sorted.size() - 1).getLastContact().toEpochMilli();
        shiftMillis = config.baseTime().toEpochMilli() - first;
        periodMillis = last - first + LOOP_GAP.toMillis();
      }
    }

    @Override
    public boolean hasNext() {
      return next < events;
    }

    @Override
    public Emission next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      long n = next++;
      long pass = n / states.size();
      FlightState s = states.get((int) (n % states.size()));
      long shift = shiftMillis + pass * periodMillis;
      String id = pass == 0 ? s.getEventId()
          : UUID.nameUUIDFromBytes((s.getEventId() + "/pass-" + pass).getBytes(StandardCharsets.UTF_8)).toString();
      Instant lastContact = s.getLastContact().plusMillis(shift);
      FlightState shifted = new FlightState(id, s.getIcao24(), s.getCallsign(), s.getOriginCountry(),
          s.getTimePosition() == null ? null : s.getTimePosition().plusMillis(shift), lastContact,
          s.getLongitude(), s.getLatitude(), s.getBaroAltitude(), s.getOnGround(), s.getVelocity(),
          s.getTrueTrack(), s.getVerticalRate(), s.getGeoAltitude(), s.getSquawk(), s.getSpi(),
          s.getPositionSource());
      return Emission.of(Topics.FLIGHTS, shifted, lastContact);
    }
  }
}
