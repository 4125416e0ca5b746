package io.streamlake.generators.ticketing;

import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.events.ticketing.PaymentMethod;
import io.streamlake.events.ticketing.PaymentStatus;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.core.Rng;
import io.streamlake.generators.core.Scenario;
import io.streamlake.generators.core.TimeOrderedEmissions;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Ticket bookings and their payments. Primary event {@code n} is booking {@code n} at {@code
 * config.eventTime(n)}; its payments follow minutes later. What happens to a booking is drawn from
 * its own seeded generator, so booking {@code n} and its payments are a pure function of (seed,
 * n):
 *
 * <ul>
 *   <li>{@link Outcome#PAID}: one successful payment 0-15 minutes after booking;
 *   <li>{@link Outcome#FAILED_THEN_PAID}: a failed attempt, then a successful retry, all within 15
 *       minutes;
 *   <li>{@link Outcome#ONLY_FAILED}: one or two failed attempts within 15 minutes;
 *   <li>{@link Outcome#PAID_TOO_LATE}: one successful payment 16-30 minutes after booking, outside
 *       the payment window;
 *   <li>{@link Outcome#UNPAID}: no attempt at all.
 * </ul>
 *
 * Independently, a few events also carry an orphan payment whose booking never appears.
 */
public final class TicketingScenario implements Scenario {
  /** How long after booking a payment may come and still belong to it. */
  public static final Duration PAYMENT_WINDOW = Duration.ofMinutes(15);

  /** What becomes of a booking. */
  public enum Outcome { PAID, FAILED_THEN_PAID, ONLY_FAILED, PAID_TOO_LATE, UNPAID }

  private static final String[][] SHOWS = {
    // show id, name, venue, city, unit price (cents)
    {"sh-hamlet", "Hamlet", "Globe Theatre", "London", "4500"},
    {"sh-lionking", "The Lion King", "Lyceum Theatre", "London", "8900"},
    {"sh-carmen", "Carmen", "Palais Garnier", "Paris", "12000"},
    {"sh-boheme", "La Boheme", "Staatsoper", "Vienna", "9500"},
    {"sh-jazz", "Jazz Night", "Bimhuis", "Amsterdam", "3500"},
    {"sh-rock", "Rock in the Park", "Olympiastadion", "Berlin", "7900"},
    {"sh-symph", "Symphony No. 9", "Elbphilharmonie", "Hamburg", "6800"},
    {"sh-comedy", "Stand-up Live", "Teatro Lara", "Madrid", "2500"},
  };
  private static final PaymentMethod[] METHODS = {
    PaymentMethod.CARD, PaymentMethod.CARD, PaymentMethod.CARD, PaymentMethod.PAYPAL,
    PaymentMethod.WALLET, PaymentMethod.BANK_TRANSFER
  };
  private static final String[] CHANNELS = {"web", "web", "app", "box-office"};

  private final int users;
  private final double orphanFraction;

  public TicketingScenario() {
    this(5000, 0.01);
  }

  /**
   * @param users size of the user population
   * @param orphanFraction share of events that also carry an orphan payment
   */
  public TicketingScenario(int users, double orphanFraction) {
    this.users = users;
    this.orphanFraction = orphanFraction;
  }

  @Override
  public String name() {
    return "ticketing";
  }

  @Override
  public String description() {
    return "ticket bookings and their payments (retries, unpaid bookings, orphan payments)";
  }

  @Override
  public List<Topic<?>> topics() {
    return List.of(Topics.BOOKINGS, Topics.PAYMENTS);
  }

  @Override
  public Iterator<Emission> emissions(GeneratorConfig config) {
    return new TimeOrderedEmissions(config, n -> event(config, n));
  }

  /** Booking {@code n} under a seed. */
  public Booking booking(GeneratorConfig config, long n) {
    SplittableRandom rnd = Rng.of(config.seed(), "booking", n);
    String[] show = SHOWS[rnd.nextInt(SHOWS.length)];
    int seats = 1 + rnd.nextInt(6);
    long unitPrice = Long.parseLong(show[4]);
    // all-args constructors: the builders validate and deep-copy every field, several times slower
    return new Booking(Rng.eventId(config.seed(), "booking", n), bookingId(n), userId(rnd.nextInt(users)),
        show[0], show[1], show[2], show[3], seats, unitPrice, seats * unitPrice, "EUR", config.eventTime(n),
        CHANNELS[rnd.nextInt(CHANNELS.length)]);
  }

  private static String userId(int user) {
    return "u-" + zeroPad(user, 5);
  }

  /** The outcome booking {@code n} gets under a seed. */
  public Outcome outcome(GeneratorConfig config, long n) {
    double u = Rng.of(config.seed(), "outcome", n).nextDouble();
    if (u < 0.78) {
      return Outcome.PAID;
    } else if (u < 0.86) {
      return Outcome.FAILED_THEN_PAID;
    } else if (u < 0.90) {
      return Outcome.ONLY_FAILED;
    } else if (u < 0.93) {
      return Outcome.PAID_TOO_LATE;
    }
    return Outcome.UNPAID;
  }

  /** The booking id of event {@code n}. */
  public static String bookingId(long n) {
    return "bk-" + zeroPad(n, 8);
  }

  private static String zeroPad(long value, int width) {
    String digits = Long.toString(value);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  /** Every emission of primary event {@code n}: the booking, its payments, maybe an orphan. */
  public List<Emission> event(GeneratorConfig config, long n) {
    Booking booking = booking(config, n);
    Instant bookedAt = booking.getBookedAt();
    List<Emission> out = new ArrayList<>(4);
    out.add(Emission.of(Topics.BOOKINGS, booking, bookedAt));
    SplittableRandom rnd = Rng.of(config.seed(), "payments", n);
    long window = PAYMENT_WINDOW.toMillis();
    PaymentMethod method = METHODS[rnd.nextInt(METHODS.length)];
    switch (outcome(config, n)) {
      case PAID -> out.add(payment(config, n, booking, "payment-1", 1, PaymentStatus.SUCCESS, method,
          bookedAt.plusMillis(rnd.nextLong(window + 1))));
      case FAILED_THEN_PAID -> {
        Instant failedAt = bookedAt.plusMillis(rnd.nextLong(window / 2));
        out.add(payment(config, n, booking, "payment-1", 1, PaymentStatus.FAILED, method, failedAt));
        out.add(payment(config, n, booking, "payment-2", 2, PaymentStatus.SUCCESS, METHODS[rnd.nextInt(METHODS.length)],
            failedAt.plusMillis(1 + rnd.nextLong(window / 2))));
      }
      case ONLY_FAILED -> {
        int attempts = 1 + rnd.nextInt(2);
        Instant at = bookedAt;
        for (int a = 1; a <= attempts; a++) {
          at = at.plusMillis(rnd.nextLong(window / 2));
          out.add(payment(config, n, booking, "payment-" + a, a, PaymentStatus.FAILED, method, at));
        }
      }
      case PAID_TOO_LATE -> out.add(payment(config, n, booking, "payment-1", 1, PaymentStatus.SUCCESS, method,
          bookedAt.plusMillis(window + 60_000 + rnd.nextLong(window))));
      case UNPAID -> { }
    }
    if (rnd.nextDouble() < orphanFraction) {
      Booking ghost = new Booking(booking.getEventId(), "bk-orphan-" + n, booking.getUserId(), booking.getShowId(),
          booking.getShowName(), booking.getVenue(), booking.getCity(), booking.getSeats(),
          booking.getUnitPriceMinor(), booking.getAmountMinor(), booking.getCurrency(), booking.getBookedAt(),
          booking.getChannel());
      out.add(payment(config, n, ghost, "orphan", 1, PaymentStatus.SUCCESS, method,
          bookedAt.plusMillis(rnd.nextLong(window))));
    }
    return out;
  }

  private static Emission payment(GeneratorConfig config, long n, Booking booking, String stream,
      int attempt, PaymentStatus status, PaymentMethod method, Instant at) {
    String id = Rng.eventId(config.seed(), stream, n);
    Payment payment = new Payment(id, "pay-" + id, booking.getBookingId(), booking.getAmountMinor(),
        booking.getCurrency(), method, status, attempt, at);
    return Emission.of(Topics.PAYMENTS, payment, at);
  }
}
