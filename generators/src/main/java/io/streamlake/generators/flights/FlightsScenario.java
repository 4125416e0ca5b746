package io.streamlake.generators.flights;

import io.streamlake.events.flights.FlightState;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.core.Rng;
import io.streamlake.generators.core.Scenario;
import io.streamlake.generators.core.TimeOrderedEmissions;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Aircraft state vectors in the shape of OpenSky's {@code /states/all}: a fleet of {@code aircraft}
 * airliners, each flying leg after leg between real airports along great circles, reporting its
 * state in turn.
 *
 * <p><b>Numbering and time.</b> Primary event {@code n} is report round {@code k = n / aircraft} of
 * aircraft {@code i = n % aircraft}, at event time {@code config.eventTime(n)} (= {@code
 * last_contact}). So {@code config.rate()} is state vectors per second for the whole fleet and each
 * aircraft reports every {@code aircraft / rate} seconds: the default 50 aircraft at rate 5 give
 * OpenSky's 10 s cadence, at rate 100 an ADS-B-like 0.5 s. {@code config.events()} is the number of
 * state vectors. A report is a pure function of (seed, n): the aircraft's legs are drawn from (seed,
 * aircraft, leg number) and its state is a closed-form function of time.
 *
 * <p><b>A leg.</b> The aircraft waits at the gate 30-90 minutes (on ground, velocity 0, altitudes
 * and vertical rate null), rolls for takeoff (on ground, accelerating at 2 m/s² to 80 m/s), climbs
 * for 20 minutes (speed rising linearly to its cruise speed of 232-258 m/s, altitude linearly to a
 * flight level between FL330 and FL390, i.e. 10.1-11.9 km), cruises, descends for 25 minutes
 * (speed back to 80 m/s, altitude to 0), and rolls out on the destination runway; the next leg
 * starts there. Speed is ground speed along the great circle (no wind), {@code true_track} the
 * great circle's current bearing, so consecutive reports move {@code (v1 + v2) / 2 * Δt}. At the
 * base time each aircraft is somewhere random in its first leg, so some are on the ground.
 *
 * <p><b>Fields.</b> {@code origin_country} is the country of registration of the aircraft's airline,
 * {@code icao24} a stable address in that country's ICAO block, {@code callsign} the airline's
 * ICAO prefix and a flight number per leg, right-padded with spaces to 8 characters as OpenSky
 * sends it, {@code squawk} a 4-digit octal code per leg. {@code time_position} is up to a second
 * (at most half a report interval) before {@code last_contact}; the position, speed and altitude
 * are those at {@code time_position}. {@code geo_altitude} is the barometric altitude plus a fixed
 * per-aircraft offset. {@code position_source} is 0 (ADS-B), for a tenth of the aircraft 2 (MLAT).
 */
public final class FlightsScenario implements Scenario {
  /** Mean earth radius, metres. */
  public static final double EARTH_RADIUS = 6_371_008.8;
  /** Liftoff and touchdown speed, m/s. */
  static final double LIFTOFF_SPEED = 80;
  /** Takeoff and landing roll acceleration, m/s². */
  static final double ROLL_ACCELERATION = 2;
  static final double ROLL_SECONDS = LIFTOFF_SPEED / ROLL_ACCELERATION;
  static final double ROLL_METRES = LIFTOFF_SPEED * LIFTOFF_SPEED / (2 * ROLL_ACCELERATION);
  static final double CLIMB_SECONDS = 20 * 60;
  static final double DESCENT_SECONDS = 25 * 60;
  private static final double MIN_LEG_METRES = 600_000;
  private static final double MAX_LEG_METRES = 7_500_000;
  private static final int MAX_AIRCRAFT = 4096; // the smallest ICAO block below holds 4096 addresses

  /** An airport: IATA code, position in degrees, country. */
  record Airport(String code, double lat, double lon, String country) {}

  static final Airport[] AIRPORTS = {
    new Airport("FRA", 50.0333, 8.5706, "Germany"),
    new Airport("MUC", 48.3538, 11.7861, "Germany"),
    new Airport("LHR", 51.4700, -0.4543, "United Kingdom"),
    new Airport("CDG", 49.0097, 2.5479, "France"),
    new Airport("AMS", 52.3105, 4.7683, "Kingdom of the Netherlands"),
    new Airport("MAD", 40.4983, -3.5676, "Spain"),
    new Airport("ZRH", 47.4581, 8.5555, "Switzerland"),
    new Airport("VIE", 48.1103, 16.5697, "Austria"),
    new Airport("IST", 41.2753, 28.7519, "Turkey"),
    new Airport("FCO", 41.8003, 12.2389, "Italy"),
    new Airport("CPH", 55.6180, 12.6508, "Denmark"),
    new Airport("ARN", 59.6498, 17.9238, "Sweden"),
    new Airport("HEL", 60.3172, 24.9633, "Finland"),
    new Airport("DUB", 53.4213, -6.2701, "Ireland"),
    new Airport("LIS", 38.7742, -9.1342, "Portugal"),
    new Airport("ATH", 37.9364, 23.9445, "Greece"),
    new Airport("JFK", 40.6413, -73.7781, "United States"),
    new Airport("BOS", 42.3656, -71.0096, "United States"),
    new Airport("ORD", 41.9742, -87.9073, "United States"),
    new Airport("ATL", 33.6407, -84.4277, "United States"),
    new Airport("YYZ", 43.6777, -79.6248, "Canada"),
    new Airport("DXB", 25.2532, 55.3657, "United Arab Emirates"),
  };

  /** An airline: ICAO prefix, country of registration, hub, and that country's ICAO 24-bit block. */
  record Airline(String prefix, String country, String hub, int blockStart, int blockSize) {}

  static final Airline[] AIRLINES = {
    new Airline("DLH", "Germany", "FRA", 0x3C0000, 0x40000),
    new Airline("BAW", "United Kingdom", "LHR", 0x400000, 0x40000),
    new Airline("AFR", "France", "CDG", 0x380000, 0x40000),
    new Airline("KLM", "Kingdom of the Netherlands", "AMS", 0x480000, 0x8000),
    new Airline("IBE", "Spain", "MAD", 0x340000, 0x40000),
    new Airline("SWR", "Switzerland", "ZRH", 0x4B0000, 0x8000),
    new Airline("AUA", "Austria", "VIE", 0x440000, 0x8000),
    new Airline("THY", "Turkey", "IST", 0x4B8000, 0x8000),
    new Airline("ITY", "Italy", "FCO", 0x300000, 0x40000),
    new Airline("SAS", "Denmark", "CPH", 0x458000, 0x8000),
    new Airline("FIN", "Finland", "HEL", 0x460000, 0x8000),
    new Airline("EIN", "Ireland", "DUB", 0x4CA000, 0x1000),
    new Airline("TAP", "Portugal", "LIS", 0x490000, 0x8000),
    new Airline("UAL", "United States", "ORD", 0xA00000, 0x100000),
    new Airline("DAL", "United States", "ATL", 0xA00000, 0x100000),
    new Airline("ACA", "Canada", "YYZ", 0xC00000, 0x40000),
    new Airline("UAE", "United Arab Emirates", "DXB", 0x896000, 0x1000),
  };

  private final int aircraft;

  /** A fleet of 50 aircraft. */
  public FlightsScenario() {
    this(50);
  }

  /** @param aircraft fleet size, 1 to 4096 */
  public FlightsScenario(int aircraft) {
    if (aircraft < 1 || aircraft > MAX_AIRCRAFT) {
      throw new IllegalArgumentException("aircraft must be within [1, " + MAX_AIRCRAFT + "], got " + aircraft);
    }
    this.aircraft = aircraft;
  }

  @Override
  public String name() {
    return "flights";
  }

  @Override
  public String description() {
    return "aircraft state vectors (OpenSky shape) of a fleet flying great circles between airports";
  }

  @Override
  public List<Topic<?>> topics() {
    return List.of(Topics.FLIGHTS);
  }

  public int aircraft() {
    return aircraft;
  }

  @Override
  public Iterator<Emission> emissions(GeneratorConfig config) {
    Aircraft[] fleet = new Aircraft[aircraft]; // each remembers its current leg: no walk from leg 0
    return new TimeOrderedEmissions(config, n -> {
      int i = (int) (n % aircraft);
      if (fleet[i] == null) {
        fleet[i] = new Aircraft(config.seed(), i);
      }
      FlightState state = report(config, n, fleet[i]);
      return List.of(Emission.of(Topics.FLIGHTS, state, state.getLastContact()));
    });
  }

  /** State vector {@code n} under a config: a pure function of (seed, n). */
  public FlightState state(GeneratorConfig config, long n) {
    return report(config, n, new Aircraft(config.seed(), (int) (n % aircraft)));
  }

  private FlightState report(GeneratorConfig config, long n, Aircraft plane) {
    SplittableRandom rnd = Rng.of(config.seed(), "flights-report", n);
    Instant lastContact = config.eventTime(n);
    double interval = aircraft / config.rate();
    long lagMillis = (long) (rnd.nextDouble() * Math.min(1.0, interval / 2) * 1000);
    Instant timePosition = lastContact.minusMillis(lagMillis);
    double t = (timePosition.toEpochMilli() - config.baseTime().toEpochMilli()) / 1000.0;
    Leg leg = plane.legAt(t);
    Kinematics k = leg.at(t);
    double[] position = leg.position(k.along);
    boolean onGround = k.altitude == null;
    return new FlightState(
        Rng.eventId(config.seed(), "flights", n), plane.icao24, leg.callsign, plane.airline.country(),
        timePosition, lastContact, round(position[1], 5), round(position[0], 5),
        onGround ? null : round(k.altitude, 1), onGround, round(k.speed, 2),
        round(leg.track(k.along), 2), onGround ? null : round(k.verticalRate, 2),
        onGround ? null : round(k.altitude + plane.geoOffset, 1), leg.squawk, false, plane.positionSource);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** One aircraft: fixed attributes, and its legs drawn one after another. */
  private static final class Aircraft {
    final long seed;
    final int index;
    final Airline airline;
    final String icao24;
    final double cruiseSpeed;
    final double geoOffset;
    final int positionSource;
    final Airport firstOrigin;
    final double firstStart;
    Leg current;

    Aircraft(long seed, int index) {
      this.seed = seed;
      this.index = index;
      SplittableRandom rnd = Rng.of(seed, "flights-aircraft", index);
      airline = AIRLINES[rnd.nextInt(AIRLINES.length)];
      // distinct within a block for distinct indexes: an odd stride is a bijection mod 2^k
      long offset = Rng.mix(seed ^ airline.blockStart());
      int address = airline.blockStart()
          + (int) Math.floorMod(offset + (long) index * 0x9E37, airline.blockSize());
      icao24 = String.format("%06x", address);
      cruiseSpeed = 232 + rnd.nextDouble() * 26;
      geoOffset = 20 + rnd.nextDouble() * 230;
      positionSource = rnd.nextDouble() < 0.1 ? 2 : 0;
      firstOrigin = rnd.nextDouble() < 0.6 ? airport(airline.hub()) : AIRPORTS[rnd.nextInt(AIRPORTS.length)];
      double phase = rnd.nextDouble();
      Leg probe = leg(0, firstOrigin, 0);
      // a second before the base time at the latest, so time_position lags stay inside leg 0
      firstStart = -phase * probe.end - 1;
      current = leg(0, firstOrigin, firstStart);
    }

    /** The leg flown at time {@code t} (seconds from the base time). */
    Leg legAt(double t) {
      if (t < current.start) {
        current = leg(0, firstOrigin, firstStart); // time went back: walk again from the start
      }
      while (t >= current.end) {
        current = leg(current.number + 1, current.to, current.end);
      }
      return current;
    }

    private Leg leg(int number, Airport from, double start) {
      SplittableRandom rnd = Rng.of(seed, "flights-leg", ((long) index << 32) | number);
      Airport to;
      double distance;
      do {
        to = AIRPORTS[rnd.nextInt(AIRPORTS.length)];
        distance = distance(from.lat(), from.lon(), to.lat(), to.lon());
      } while (distance < MIN_LEG_METRES || distance > MAX_LEG_METRES);
      double parked = 1800 + rnd.nextDouble() * 3600;
      double cruiseAltitude = (330 + 20 * rnd.nextInt(4)) * 100 * 0.3048;
      String callsign = String.format("%-8s", airline.prefix() + (1 + rnd.nextInt(9999)));
      String squawk = Integer.toOctalString(01000 + rnd.nextInt(06000)); // 1000-6777, no 7xxx emergencies
      return new Leg(number, from, to, start, parked, cruiseSpeed, cruiseAltitude, distance, callsign, squawk);
    }
  }

  private static Airport airport(String code) {
    for (Airport a : AIRPORTS) {
      if (a.code().equals(code)) {
        return a;
      }
    }
    throw new IllegalArgumentException("no airport " + code);
  }

  /** Speed (m/s), distance flown from the origin (m), altitude (m, null on the ground), vertical rate. */
  private record Kinematics(double speed, double along, Double altitude, double verticalRate) {}

  /** One flight from gate to gate, in seconds from the base time. */
  private static final class Leg {
    final int number;
    final Airport from;
    final Airport to;
    final double start;
    final double speed;
    final double altitude;
    final double distance;
    final String callsign;
    final String squawk;
    final double rollStart;
    final double climbStart;
    final double cruiseStart;
    final double descentStart;
    final double landingStart;
    final double end;
    final double climbMetres;
    final double descentMetres;
    final double[] a;
    final double[] b;
    final double angle;

    Leg(int number, Airport from, Airport to, double start, double parked, double speed, double altitude,
        double distance, String callsign, String squawk) {
      this.number = number;
      this.from = from;
      this.to = to;
      this.start = start;
      this.speed = speed;
      this.altitude = altitude;
      this.distance = distance;
      this.callsign = callsign;
      this.squawk = squawk;
      climbMetres = (LIFTOFF_SPEED + speed) / 2 * CLIMB_SECONDS;
      descentMetres = (LIFTOFF_SPEED + speed) / 2 * DESCENT_SECONDS;
      double cruiseMetres = distance - 2 * ROLL_METRES - climbMetres - descentMetres;
      rollStart = start + parked;
      climbStart = rollStart + ROLL_SECONDS;
      cruiseStart = climbStart + CLIMB_SECONDS;
      descentStart = cruiseStart + cruiseMetres / speed;
      landingStart = descentStart + DESCENT_SECONDS;
      end = landingStart + ROLL_SECONDS;
      a = unit(from.lat(), from.lon());
      b = unit(to.lat(), to.lon());
      angle = distance / EARTH_RADIUS;
    }

    Kinematics at(double t) {
      double dv = speed - LIFTOFF_SPEED;
      if (t < rollStart) {
        return new Kinematics(0, 0, null, 0);
      } else if (t < climbStart) {
        double s = t - rollStart;
        return new Kinematics(ROLL_ACCELERATION * s, ROLL_ACCELERATION * s * s / 2, null, 0);
      } else if (t < cruiseStart) {
        double s = t - climbStart;
        return new Kinematics(LIFTOFF_SPEED + dv * s / CLIMB_SECONDS,
            ROLL_METRES + LIFTOFF_SPEED * s + dv * s * s / (2 * CLIMB_SECONDS),
            altitude * s / CLIMB_SECONDS, altitude / CLIMB_SECONDS);
      } else if (t < descentStart) {
        double s = t - cruiseStart;
        return new Kinematics(speed, ROLL_METRES + climbMetres + speed * s, altitude, 0);
      } else if (t < landingStart) {
        double s = t - descentStart;
        return new Kinematics(speed - dv * s / DESCENT_SECONDS,
            distance - ROLL_METRES - descentMetres + speed * s - dv * s * s / (2 * DESCENT_SECONDS),
            altitude * (1 - s / DESCENT_SECONDS), -altitude / DESCENT_SECONDS);
      }
      double s = Math.min(t, end) - landingStart;
      return new Kinematics(Math.max(0, LIFTOFF_SPEED - ROLL_ACCELERATION * s),
          distance - ROLL_METRES + LIFTOFF_SPEED * s - ROLL_ACCELERATION * s * s / 2, null, 0);
    }

    /** Latitude and longitude (degrees) after {@code along} metres on the great circle. */
    double[] position(double along) {
      double f = Math.max(0, Math.min(1, along / distance));
      double wa = Math.sin((1 - f) * angle) / Math.sin(angle);
      double wb = Math.sin(f * angle) / Math.sin(angle);
      double x = wa * a[0] + wb * b[0];
      double y = wa * a[1] + wb * b[1];
      double z = wa * a[2] + wb * b[2];
      return new double[] {Math.toDegrees(Math.atan2(z, Math.hypot(x, y))), Math.toDegrees(Math.atan2(y, x))};
    }

    /** Bearing of the great circle (degrees clockwise from north) after {@code along} metres. */
    double track(double along) {
      double[] p = position(along);
      double lat = Math.toRadians(p[0]);
      double lon = Math.toRadians(p[1]);
      // direction of travel: the circle's pole crossed with the current point
      double[] pole = cross(a, b);
      double[] here = unit(p[0], p[1]);
      double[] dir = cross(pole, here);
      double east = -Math.sin(lon) * dir[0] + Math.cos(lon) * dir[1];
      double north = -Math.sin(lat) * Math.cos(lon) * dir[0] - Math.sin(lat) * Math.sin(lon) * dir[1]
          + Math.cos(lat) * dir[2];
      double degrees = Math.toDegrees(Math.atan2(east, north));
      return degrees < 0 ? degrees + 360 : degrees;
    }
  }

  private static double[] unit(double latDegrees, double lonDegrees) {
    double lat = Math.toRadians(latDegrees);
    double lon = Math.toRadians(lonDegrees);
    return new double[] {Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)};
  }

  private static double[] cross(double[] u, double[] v) {
    return new double[] {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
  }

  /** Great-circle distance in metres (haversine). */
  public static double distance(double lat1, double lon1, double lat2, double lon2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double dp = p2 - p1;
    double dl = Math.toRadians(lon2 - lon1);
    double h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(h)));
  }
}
