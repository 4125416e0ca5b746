package io.streamlake.generators.boxoffice;

import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.boxoffice.BoxOfficeEventKind;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.core.Rng;
import io.streamlake.generators.core.Scenario;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A discrete-event simulation of cinema box offices: {@code theaters} theaters, each with its own
 * FIFO queue served by {@code cashiersPerTheater} cashiers (an M/M/c queue with impatient
 * customers per theater).
 *
 * <ul>
 *   <li>Moviegoers arrive as a Poisson process with {@code config.rate()} arrivals per second of
 *       event time in total, and pick a theater uniformly, so each theater sees a Poisson stream of
 *       {@code rate / theaters}. {@code config.events()} is the number of moviegoers (arrivals);
 *       the scenario emits {@code 2 * events} records. Arrival times are random, so {@code
 *       config.eventTime(n)} is not used; the simulated clock starts at {@code config.baseTime()}.
 *   <li>Service (selling the tickets) takes an exponential time with mean {@code utilisation *
 *       cashiers * theaters / rate} seconds, which makes every cashier busy {@code utilisation} of
 *       the time before abandonment. With the defaults and a rate of 0.05/s (one moviegoer every 20
 *       s) a sale takes 96 s on average.
 *   <li>A share {@code impatientFraction} of moviegoers has an exponential patience with mean
 *       {@code meanPatience} service times; one still queueing when it runs out leaves without
 *       buying. Moviegoers already at a cashier always buy.
 * </ul>
 *
 * <p>Each moviegoer gives exactly two events: {@code ARRIVED} on arrival (tickets wanted, waited 0),
 * then either {@code BOUGHT} when the sale completes (tickets bought; {@code waited_seconds} = time
 * from arrival to the start of service, i.e. queueing time only, without the sale itself) or {@code
 * LEFT_WITHOUT_BUYING} when patience runs out (tickets 0; {@code waited_seconds} = time from
 * arrival to leaving). {@code queue_length} is the number waiting in that theater's queue (not at a
 * cashier) right after the event. After the last arrival the simulation runs on until every queue
 * is empty.
 *
 * <p>What a moviegoer brings (arrival gap, theater, movie, tickets, service time, patience) is a
 * pure function of (seed, moviegoer number); waits, abandonments and queue lengths are outcomes of
 * the event-driven simulation. Events are emitted in simulated-time order, to the millisecond.
 * {@link #simulate} gives the run itself, whose {@link Simulation#stats()} summarise it (time-average
 * queue, mean wait, arrival rate).
 */
public final class BoxOfficeScenario implements Scenario {
  private static final String[] MOVIES = {
    "Metropolis", "Casablanca", "Vertigo", "Seven Samurai", "Singin' in the Rain", "Amelie",
    "Spirited Away", "The Third Man", "Cinema Paradiso", "Modern Times", "Rear Window", "Alien",
  };
  private static final int MOVIES_PER_THEATER = 4;
  /** Tickets wanted: 1..6 with these cumulative weights. */
  private static final double[] TICKETS_CDF = {0.35, 0.75, 0.85, 0.95, 0.98, 1.0};

  private final int theaters;
  private final int cashiers;
  private final double utilisation;
  private final double impatientFraction;
  private final double meanPatience;

  /** Three theaters with two cashiers each, utilisation 0.8, 30% impatient (mean 2 service times). */
  public BoxOfficeScenario() {
    this(3, 2, 0.8, 0.3, 2.0);
  }

  /**
   * @param theaters number of theaters, each with its own queue
   * @param cashiersPerTheater cashiers serving each queue
   * @param utilisation share of time a cashier is busy without abandonment, in (0, 1)
   * @param impatientFraction share of moviegoers who may leave the queue, in [0, 1]
   * @param meanPatience mean patience of the impatient, in mean service times
   */
  public BoxOfficeScenario(int theaters, int cashiersPerTheater, double utilisation,
      double impatientFraction, double meanPatience) {
    if (theaters < 1 || cashiersPerTheater < 1) {
      throw new IllegalArgumentException("need at least one theater and one cashier");
    }
    if (!(utilisation > 0 && utilisation < 1)) {
      throw new IllegalArgumentException("utilisation must be within (0, 1), got " + utilisation);
    }
    if (!(impatientFraction >= 0 && impatientFraction <= 1)) {
      throw new IllegalArgumentException("impatient fraction must be within [0, 1], got " + impatientFraction);
    }
    if (!(meanPatience > 0)) {
      throw new IllegalArgumentException("mean patience must be > 0, got " + meanPatience);
    }
    this.theaters = theaters;
    this.cashiers = cashiersPerTheater;
    this.utilisation = utilisation;
    this.impatientFraction = impatientFraction;
    this.meanPatience = meanPatience;
  }

  @Override
  public String name() {
    return "boxoffice";
  }

  @Override
  public String description() {
    return "cinema box-office queues: arrivals, ticket sales and moviegoers who give up waiting";
  }

  @Override
  public List<Topic<?>> topics() {
    return List.of(Topics.BOX_OFFICE);
  }

  @Override
  public Iterator<Emission> emissions(GeneratorConfig config) {
    return simulate(config);
  }

  /** A fresh simulation run; iterate it for the emissions, ask it for {@link Simulation#stats()}. */
  public Simulation simulate(GeneratorConfig config) {
    return new Simulation(config);
  }

  public int theaters() {
    return theaters;
  }

  public int cashiersPerTheater() {
    return cashiers;
  }

  /** Mean service (sale) time in seconds under a config. */
  public double meanServiceSeconds(GeneratorConfig config) {
    return utilisation * cashiers * theaters / config.rate();
  }

  /** The theater id of theater {@code t} (0-based). */
  public static String theaterId(int t) {
    return "th-" + (t + 1);
  }

  /** The moviegoer id of moviegoer {@code n}. */
  public static String moviegoerId(long n) {
    String digits = Long.toString(n);
    return "mg-" + (digits.length() >= 8 ? digits : "0".repeat(8 - digits.length()) + digits);
  }

  /**
   * What moviegoer {@code n} brings to the simulation, drawn from (seed, n) alone.
   *
   * @param gapSeconds time since the previous arrival (since the base time for the first)
   * @param patienceSeconds how long they will queue; infinite for the patient
   */
  public record Moviegoer(long number, double gapSeconds, int theater, String movie, int tickets,
      double serviceSeconds, double patienceSeconds) {}

  /** Moviegoer {@code n} under a config. */
  public Moviegoer moviegoer(GeneratorConfig config, long n) {
    SplittableRandom rnd = Rng.of(config.seed(), "boxoffice-moviegoer", n);
    double gap = exponential(rnd, 1.0 / config.rate());
    int theater = rnd.nextInt(theaters);
    String movie = MOVIES[(theater * MOVIES_PER_THEATER + rnd.nextInt(MOVIES_PER_THEATER)) % MOVIES.length];
    double u = rnd.nextDouble();
    int tickets = 1;
    while (u >= TICKETS_CDF[tickets - 1]) {
      tickets++;
    }
    double meanService = meanServiceSeconds(config);
    double service = exponential(rnd, meanService);
    double patience = rnd.nextDouble() < impatientFraction
        ? exponential(rnd, meanPatience * meanService) : Double.POSITIVE_INFINITY;
    return new Moviegoer(n, gap, theater, movie, tickets, service, patience);
  }

  private static double exponential(SplittableRandom rnd, double mean) {
    return -Math.log1p(-rnd.nextDouble()) * mean; // 1 - u is in (0, 1]
  }

  /**
   * Summary of a simulation so far.
   *
   * @param arrivals moviegoers arrived
   * @param queued arrivals who found every cashier busy and joined the queue
   * @param bought sales completed
   * @param leftWithoutBuying moviegoers who gave up queueing
   * @param elapsedSeconds simulated time from the base time to the last event processed
   * @param timeAverageQueue time-average number waiting in all queues together (not at a cashier)
   * @param meanWaitSeconds mean time in queue of moviegoers who left it (served or gave up),
   *     counting 0 for those served at once
   */
  public record Stats(long arrivals, long queued, long bought, long leftWithoutBuying,
      double elapsedSeconds, double timeAverageQueue, double meanWaitSeconds) {
    /** Arrivals per second of simulated time. */
    public double arrivalRate() {
      return arrivals / elapsedSeconds;
    }
  }

  /** One run of the simulation: an iterator over its emissions in event-time order. */
  public final class Simulation implements Iterator<Emission> {
    private final GeneratorConfig config;
    private final Instant base;
    private final PriorityQueue<SimEvent> agenda = new PriorityQueue<>();
    private final Theater[] state = new Theater[theaters];
    private long sequence;
    private Emission next;
    // statistics
    private double now;
    private long arrivals;
    private long queued;
    private long bought;
    private long left;
    private long waiting;
    private double queueArea;
    private long waitsCounted;
    private double waitSum;

    private Simulation(GeneratorConfig config) {
      this.config = config;
      this.base = config.baseTime();
      for (int t = 0; t < theaters; t++) {
        state[t] = new Theater();
      }
      if (config.events() > 0) {
        Moviegoer first = moviegoer(config, 0);
        schedule(first.gapSeconds(), Type.ARRIVAL, new Customer(first, first.gapSeconds()));
      }
    }

    @Override
    public boolean hasNext() {
      while (next == null && !agenda.isEmpty()) {
        next = step(agenda.poll());
      }
      return next != null;
    }

    @Override
    public Emission next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Emission e = next;
      next = null;
      return e;
    }

    /** Statistics over the events processed so far (all of them once the iterator is drained). */
    public Stats stats() {
      return new Stats(arrivals, queued, bought, left, now, now > 0 ? queueArea / now : 0,
          waitsCounted > 0 ? waitSum / waitsCounted : 0);
    }

    private void schedule(double time, Type type, Customer customer) {
      agenda.add(new SimEvent(time, sequence++, type, customer));
    }

    /** Processes one simulation event; returns its emission, or null for a stale patience timer. */
    private Emission step(SimEvent e) {
      queueArea += waiting * (e.time - now);
      now = e.time;
      Customer c = e.customer;
      Theater theater = state[c.moviegoer.theater()];
      switch (e.type) {
        case ARRIVAL -> {
          arrivals++;
          long n = c.moviegoer.number();
          if (n + 1 < config.events()) {
            Moviegoer m = moviegoer(config, n + 1);
            schedule(now + m.gapSeconds(), Type.ARRIVAL, new Customer(m, now + m.gapSeconds()));
          }
          if (theater.busy < cashiers) {
            waitsCounted++; // served at once: a wait of 0
            startService(theater, c);
          } else {
            queued++;
            theater.queue.add(c);
            c.inQueue = true;
            theater.waiting++;
            waiting++;
            if (c.moviegoer.patienceSeconds() < Double.POSITIVE_INFINITY) {
              schedule(now + c.moviegoer.patienceSeconds(), Type.PATIENCE_OUT, c);
            }
          }
          return emit(c, "arrived", BoxOfficeEventKind.ARRIVED, c.moviegoer.tickets(), 0, theater);
        }
        case SALE_DONE -> {
          bought++;
          theater.busy--;
          Customer following;
          while ((following = theater.queue.poll()) != null) {
            if (following.inQueue) { // skip those who already gave up
              leaveQueue(theater, following);
              startService(theater, following);
              break;
            }
          }
          return emit(c, "bought", BoxOfficeEventKind.BOUGHT, c.moviegoer.tickets(),
              c.serviceStart - c.arrivedAt, theater);
        }
        case PATIENCE_OUT -> {
          if (!c.inQueue) {
            return null; // served before patience ran out
          }
          left++;
          leaveQueue(theater, c); // stays in the deque, skipped when it reaches the head
          return emit(c, "left", BoxOfficeEventKind.LEFT_WITHOUT_BUYING, 0, now - c.arrivedAt, theater);
        }
        default -> throw new IllegalStateException("unknown event " + e.type);
      }
    }

    private void leaveQueue(Theater theater, Customer c) {
      c.inQueue = false;
      theater.waiting--;
      waiting--;
      waitsCounted++;
      waitSum += now - c.arrivedAt;
    }

    private void startService(Theater theater, Customer c) {
      theater.busy++;
      c.serviceStart = now;
      schedule(now + c.moviegoer.serviceSeconds(), Type.SALE_DONE, c);
    }

    private Emission emit(Customer c, String stream, BoxOfficeEventKind kind, int tickets, double waited,
        Theater theater) {
      Instant at = base.plusMillis((long) Math.floor(now * 1000));
      Moviegoer m = c.moviegoer;
      BoxOfficeEvent event = new BoxOfficeEvent(
          Rng.eventId(config.seed(), "boxoffice-" + stream, m.number()), moviegoerId(m.number()),
          theaterId(m.theater()), m.movie(), kind, tickets, waited, theater.waiting, at);
      return Emission.of(Topics.BOX_OFFICE, event, at);
    }
  }

  private enum Type { ARRIVAL, SALE_DONE, PATIENCE_OUT }

  private static final class Theater {
    final ArrayDeque<Customer> queue = new ArrayDeque<>();
    int busy;
    int waiting;
  }

  private static final class Customer {
    final Moviegoer moviegoer;
    final double arrivedAt;
    boolean inQueue;
    double serviceStart;

    Customer(Moviegoer moviegoer, double arrivedAt) {
      this.moviegoer = moviegoer;
      this.arrivedAt = arrivedAt;
    }
  }

  private record SimEvent(double time, long sequence, Type type, Customer customer)
      implements Comparable<SimEvent> {
    @Override
    public int compareTo(SimEvent o) {
      int c = Double.compare(time, o.time);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }
}
