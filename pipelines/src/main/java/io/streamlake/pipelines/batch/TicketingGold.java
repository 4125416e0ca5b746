package io.streamlake.pipelines.batch;

import static io.streamlake.pipelines.batch.GoldTable.bigint;
import static io.streamlake.pipelines.batch.GoldTable.hourColumn;
import static io.streamlake.pipelines.batch.GoldTable.number;
import static io.streamlake.pipelines.batch.GoldTable.text;

import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.events.ticketing.PaymentStatus;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Ticketing gold: per show, venue (and currency) and hour of booking, the bookings, seats, booked
 * amount, and how many were paid and for how much.
 *
 * <p>A booking is paid when a successful payment for its booking id has {@code paid_at} within
 * {@code [booked_at, booked_at + paymentWindow]} (the join's rule); the earliest such payment counts
 * (by paid_at, then payment id). Payments come from the batch hour and the next one, so a booking at
 * 09:58 paid at 10:05 is paid in hour 09.
 *
 * <p>The join groups bookings and payments by a bucket of the booking id ({@link #BUCKETS} buckets)
 * and matches them in memory within a bucket: a handful of groups per hour, not one per booking.
 */
public final class TicketingGold extends PTransform<PCollectionTuple, PCollection<TicketingGold.ShowHour>> {
  public static final TupleTag<Booking> BOOKINGS = new TupleTag<>() {};
  public static final TupleTag<Payment> PAYMENTS = new TupleTag<>() {};

  public static final GoldTable TABLE = new GoldTable("gold_ticketing_show_hourly", List.of(hourColumn(),
      text("show_id"), text("venue"), text("currency"), text("show_name"), text("city"), bigint("bookings"),
      bigint("seats"), bigint("booked_amount_minor"), bigint("paid_bookings"), bigint("revenue_minor"),
      number("paid_share")), List.of("hour", "show_id", "venue", "currency"));

  /** A row of {@link #TABLE}. */
  @DefaultCoder(SerializableCoder.class)
  public record ShowHour(Instant hour, String showId, String venue, String currency, String showName, String city,
      long bookings, long seats, long bookedAmountMinor, long paidBookings, long revenueMinor, double paidShare)
      implements GoldRow {
    @Override
    public List<Object> values() {
      return Arrays.asList(hour, showId, venue, currency, showName, city, bookings, seats, bookedAmountMinor,
          paidBookings, revenueMinor, paidShare);
    }
  }

  /** Join groups per hour. */
  public static final int BUCKETS = 8;

  private final Instant hour;
  private final Duration paymentWindow;

  private TicketingGold(Instant hour, Duration paymentWindow) {
    this.hour = hour;
    this.paymentWindow = paymentWindow;
  }

  public static TicketingGold of(Hour hour, Duration paymentWindow) {
    return new TicketingGold(hour.start(), paymentWindow);
  }

  @Override
  public PCollection<ShowHour> expand(PCollectionTuple input) {
    PCollection<KV<String, Booking>> bookings = input.get(BOOKINGS)
        .apply("KeyBookingsByBucket", WithKeys.of((Booking b) -> bucket(b.getBookingId())).withKeyType(TypeDescriptors.strings()));
    PCollection<KV<String, Payment>> payments = input.get(PAYMENTS)
        .apply("OnlySuccessfulPayments", Filter.by((Payment p) -> p.getStatus() == PaymentStatus.SUCCESS))
        .apply("KeyPaymentsByBucket", WithKeys.of((Payment p) -> bucket(p.getBookingId())).withKeyType(TypeDescriptors.strings()));
    TupleTag<Booking> b = new TupleTag<>();
    TupleTag<Payment> p = new TupleTag<>();
    return KeyedPCollectionTuple.of(b, bookings).and(p, payments)
        .apply("JoinPayments", CoGroupByKey.create())
        .apply("DecidePaid", ParDo.of(new DecidePaidFn(b, p, paymentWindow.toMillis())))
        .setCoder(org.apache.beam.sdk.coders.KvCoder.of(org.apache.beam.sdk.coders.StringUtf8Coder.of(),
            SerializableCoder.of(Outcome.class)))
        .apply("GroupByShow", GroupByKey.create())
        .apply("SumShowHour", ParDo.of(new SumFn(hour)));
  }

  static String bucket(String bookingId) {
    return Integer.toString(Math.floorMod(bookingId.hashCode(), BUCKETS));
  }

  /** One booking's contribution. */
  record Outcome(String showId, String venue, String currency, String showName, String city, int seats,
      long amountMinor, boolean paid, long paidMinor) implements Serializable {}

  static final class DecidePaidFn extends DoFn<KV<String, CoGbkResult>, KV<String, Outcome>> {
    private final TupleTag<Booking> bookingTag;
    private final TupleTag<Payment> paymentTag;
    private final long windowMillis;
    private final Counter paid = Metrics.counter("gold_ticketing", "paid");
    private final Counter unpaid = Metrics.counter("gold_ticketing", "unpaid");

    DecidePaidFn(TupleTag<Booking> bookingTag, TupleTag<Payment> paymentTag, long windowMillis) {
      this.bookingTag = bookingTag;
      this.paymentTag = paymentTag;
      this.windowMillis = windowMillis;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> bucket, OutputReceiver<KV<String, Outcome>> out) {
      Map<String, List<Payment>> paymentsByBooking = new HashMap<>();
      for (Payment pay : bucket.getValue().getAll(paymentTag)) {
        paymentsByBooking.computeIfAbsent(pay.getBookingId(), k -> new ArrayList<>()).add(pay);
      }
      for (Booking booking : bucket.getValue().getAll(bookingTag)) {
        Instant from = booking.getBookedAt();
        Instant to = from.plusMillis(windowMillis);
        Payment first = null;
        for (Payment pay : paymentsByBooking.getOrDefault(booking.getBookingId(), List.of())) {
          Instant at = pay.getPaidAt();
          if (!at.isBefore(from) && !at.isAfter(to) && (first == null || at.isBefore(first.getPaidAt())
              || (at.equals(first.getPaidAt()) && pay.getPaymentId().compareTo(first.getPaymentId()) < 0))) {
            first = pay;
          }
        }
        (first == null ? unpaid : paid).inc();
        String key = booking.getShowId() + "\u0001" + booking.getVenue() + "\u0001" + booking.getCurrency();
        out.output(KV.of(key, new Outcome(booking.getShowId(), booking.getVenue(), booking.getCurrency(),
            booking.getShowName(), booking.getCity(), booking.getSeats(), booking.getAmountMinor(), first != null,
            first == null ? 0 : first.getAmountMinor())));
      }
    }
  }

  static final class SumFn extends DoFn<KV<String, Iterable<Outcome>>, ShowHour> {
    private final Instant hour;

    SumFn(Instant hour) {
      this.hour = hour;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<Outcome>> show, OutputReceiver<ShowHour> out) {
      long bookings = 0;
      long seats = 0;
      long amount = 0;
      long paid = 0;
      long revenue = 0;
      Outcome first = null;
      String showName = null;
      String city = null;
      for (Outcome o : show.getValue()) {
        first = o;
        showName = showName == null || o.showName().compareTo(showName) < 0 ? o.showName() : showName;
        city = city == null || o.city().compareTo(city) < 0 ? o.city() : city;
        bookings++;
        seats += o.seats();
        amount += o.amountMinor();
        if (o.paid()) {
          paid++;
          revenue += o.paidMinor();
        }
      }
      out.output(new ShowHour(hour, first.showId(), first.venue(), first.currency(), showName, city, bookings, seats,
          amount, paid, revenue, (double) paid / bookings));
    }
  }
}
