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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

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
  /** The shows' unit prices as numbers, parsed once (a payment computed again needs its booking's amount). */
  private static final long[] UNIT_PRICES =
      Arrays.stream(SHOWS).mapToLong(show -> Long.parseLong(show[4])).toArray();
  private static final PaymentMethod[] METHODS = {
    PaymentMethod.CARD, PaymentMethod.CARD, PaymentMethod.CARD, PaymentMethod.PAYPAL,
    PaymentMethod.WALLET, PaymentMethod.BANK_TRANSFER
  };
  private static final String[] CHANNELS = {"web", "web", "app", "box-office"};
  private static final String CURRENCY = "EUR";

  private final int users;
  private final double orphanFraction;
  /** The user ids {@code u-00000 ...}, made once when the population is small enough to keep (else null). */
  private final String[] userIds;
  /** The largest population whose ids are kept. */
  private static final int KEPT_USER_IDS = 100_000;

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
    this.userIds = users <= KEPT_USER_IDS ? new String[users] : null;
    for (int u = 0; userIds != null && u < users; u++) {
      userIds[u] = userId(u);
    }
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
    return new TimeOrderedEmissions(config, n -> event(config, n), (n, index) -> emission(config, n, index));
  }

  /** Booking {@code n} under a seed. */
  public Booking booking(GeneratorConfig config, long n) {
    SplittableRandom rnd = Rng.of(config.seed(), "booking", n);
    int showIndex = rnd.nextInt(SHOWS.length);
    String[] show = SHOWS[showIndex];
    int seats = 1 + rnd.nextInt(6);
    long unitPrice = UNIT_PRICES[showIndex];
    // setters, not the all-args constructor: that one takes boxed numbers (and the builders
    // validate and deep-copy every field, several times slower)
    Booking booking = new Booking();
    booking.setEventId(Rng.eventId(config.seed(), "booking", n));
    booking.setBookingId(bookingId(n));
    int user = rnd.nextInt(users);
    booking.setUserId(userIds != null ? userIds[user] : userId(user));
    booking.setShowId(show[0]);
    booking.setShowName(show[1]);
    booking.setVenue(show[2]);
    booking.setCity(show[3]);
    booking.setSeats(seats);
    booking.setUnitPriceMinor(unitPrice);
    booking.setAmountMinor(seats * unitPrice);
    booking.setCurrency(CURRENCY);
    booking.setBookedAt(config.eventTime(n));
    booking.setChannel(CHANNELS[rnd.nextInt(CHANNELS.length)]);
    return booking;
  }

  /** The amount of booking {@code n}: the same draws as {@link #booking}, without building it. */
  private static long amount(GeneratorConfig config, long n) {
    SplittableRandom rnd = Rng.of(config.seed(), "booking", n);
    int showIndex = rnd.nextInt(SHOWS.length);
    int seats = 1 + rnd.nextInt(6);
    return seats * UNIT_PRICES[showIndex];
  }

  private static String userId(int user) {
    return zeroPadded("u-", user, 5);
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
    return zeroPadded("bk-", n, 8);
  }

  /** {@code prefix} then {@code value} in decimal, zero-padded to {@code width} digits: one string, no parts. */
  private static String zeroPadded(String prefix, long value, int width) {
    if (value < 0) {
      return prefix + "0".repeat(Math.max(0, width - Long.toString(value).length())) + value;
    }
    int digits = 1;
    long rest = value;
    for (; rest > Integer.MAX_VALUE; rest /= 10) {
      digits++;
    }
    for (int w = (int) rest; w >= 10; w /= 10) {
      digits++;
    }
    int length = prefix.length() + Math.max(width, digits);
    byte[] chars = new byte[length];
    for (int i = 0; i < prefix.length(); i++) {
      chars[i] = (byte) prefix.charAt(i);
    }
    int i = length - 1;
    long v = value;
    for (; v > Integer.MAX_VALUE; i--) {
      chars[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    for (int w = (int) v; i >= prefix.length(); i--) { // int division: cheaper than long
      chars[i] = (byte) ('0' + w % 10);
      w /= 10;
    }
    return new String(chars, StandardCharsets.ISO_8859_1);
  }

  /** Every emission of primary event {@code n}: the booking, its payments, maybe an orphan. */
  public List<Emission> event(GeneratorConfig config, long n) {
    List<Emission> out = new ArrayList<>(4);
    emit(config, n, -1, out);
    return out;
  }

  /**
   * Emission {@code index} of event {@code n}, equal to {@code event(config, n).get(index)} but
   * without building the others: the queue computes a waiting payment again this way when it is due.
   */
  public Emission emission(GeneratorConfig config, long n, int index) {
    List<Emission> out = new ArrayList<>(1);
    emit(config, n, index, out);
    if (out.isEmpty()) {
      throw new IndexOutOfBoundsException("event " + n + " has no emission " + index);
    }
    return out.get(0);
  }

  /**
   * Adds the emissions of event {@code n} to {@code out}: all of them when {@code only < 0}, else
   * only emission number {@code only}. Every random draw is made either way, in the same order,
   * so an emission does not depend on which others are built.
   */
  private void emit(GeneratorConfig config, long n, int only, List<Emission> out) {
    Instant bookedAt = config.eventTime(n);
    long amount;
    if (only <= 0) {
      Booking booking = booking(config, n);
      out.add(Emission.of(Topics.BOOKINGS, booking, bookedAt));
      if (only == 0) {
        return;
      }
      amount = booking.getAmountMinor();
    } else {
      amount = amount(config, n);
    }
    Payments payments = new Payments(config, n, only, amount, out);
    SplittableRandom rnd = Rng.of(config.seed(), "payments", n);
    long window = PAYMENT_WINDOW.toMillis();
    PaymentMethod method = METHODS[rnd.nextInt(METHODS.length)];
    switch (outcome(config, n)) {
      case PAID -> payments.add(false, "payment-1", 1, PaymentStatus.SUCCESS, method,
          bookedAt.plusMillis(rnd.nextLong(window + 1)));
      case FAILED_THEN_PAID -> {
        Instant failedAt = bookedAt.plusMillis(rnd.nextLong(window / 2));
        payments.add(false, "payment-1", 1, PaymentStatus.FAILED, method, failedAt);
        payments.add(false, "payment-2", 2, PaymentStatus.SUCCESS, METHODS[rnd.nextInt(METHODS.length)],
            failedAt.plusMillis(1 + rnd.nextLong(window / 2)));
      }
      case ONLY_FAILED -> {
        int attempts = 1 + rnd.nextInt(2);
        Instant at = bookedAt;
        for (int a = 1; a <= attempts; a++) {
          at = at.plusMillis(rnd.nextLong(window / 2));
          payments.add(false, a == 1 ? "payment-1" : "payment-2", a, PaymentStatus.FAILED, method, at);
        }
      }
      case PAID_TOO_LATE -> payments.add(false, "payment-1", 1, PaymentStatus.SUCCESS, method,
          bookedAt.plusMillis(window + 60_000 + rnd.nextLong(window)));
      case UNPAID -> { }
    }
    if (rnd.nextDouble() < orphanFraction) {
      // the payment of a booking that never appears: same amount, a booking id no booking has
      payments.add(true, "orphan", 1, PaymentStatus.SUCCESS, method, bookedAt.plusMillis(rnd.nextLong(window)));
    }
  }

  /**
   * Adds the payments of one event in order, or only the one asked for. When all are asked for
   * (the event is new), a payment's value is made only if it is used: the queue computes a payment
   * due in a later second again when that second comes.
   */
  private static final class Payments {
    private final GeneratorConfig config;
    private final long n;
    private final int only;
    private final long amount;
    private final List<Emission> out;
    /** Index of the next payment among the event's emissions (the booking is 0). */
    private int index = 1;

    Payments(GeneratorConfig config, long n, int only, long amount, List<Emission> out) {
      this.config = config;
      this.n = n;
      this.only = only;
      this.amount = amount;
      this.out = out;
    }

    void add(boolean orphan, String stream, int attempt, PaymentStatus status, PaymentMethod method, Instant at) {
      if (only < 0 || only == index) {
        Supplier<Payment> make = () -> payment(config, n, orphan, stream, attempt, status, method, at, amount);
        out.add(only < 0 ? Emission.deferred(Topics.PAYMENTS, at, make) : Emission.of(Topics.PAYMENTS, make.get(), at));
      }
      index++;
    }
  }

  private static Payment payment(GeneratorConfig config, long n, boolean orphan, String stream, int attempt,
      PaymentStatus status, PaymentMethod method, Instant at, long amount) {
    String id = Rng.eventId(config.seed(), stream, n);
    Payment payment = new Payment();
    payment.setEventId(id);
    payment.setPaymentId("pay-" + id);
    payment.setBookingId(orphan ? "bk-orphan-" + n : bookingId(n));
    payment.setAmountMinor(amount);
    payment.setCurrency(CURRENCY);
    payment.setMethod(method);
    payment.setStatus(status);
    payment.setAttempt(attempt);
    payment.setPaidAt(at);
    return payment;
  }
}
