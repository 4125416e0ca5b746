package io.streamlake.schemas;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.flights.FlightState;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.events.shop.LatencyAlert;
import io.streamlake.events.shop.LowStarFollowup;
import io.streamlake.events.shop.Order;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.events.shop.Product;
import io.streamlake.events.shop.StarRating;
import io.streamlake.events.shop.User;
import io.streamlake.events.shop.VipAlert;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.BookingFact;
import io.streamlake.events.ticketing.Payment;
import java.util.List;
import java.util.Optional;

/** The registry of every Kafka topic of the platform. Nothing else names a topic. */
public final class Topics {
  private Topics() {}

  private static final int PARTITIONS = 3;

  public static final Topic<Booking> BOOKINGS =
      new Topic<>("bookings", Booking.class, Booking.getClassSchema(), Booking::getBookingId, PARTITIONS);
  /** Keyed by booking id, so a booking's payments share a partition. */
  public static final Topic<Payment> PAYMENTS =
      new Topic<>("payments", Payment.class, Payment.getClassSchema(), Payment::getBookingId, PARTITIONS);
  public static final Topic<BoxOfficeEvent> BOX_OFFICE =
      new Topic<>("boxoffice", BoxOfficeEvent.class, BoxOfficeEvent.getClassSchema(),
          BoxOfficeEvent::getTheaterId, PARTITIONS);
  public static final Topic<FlightState> FLIGHTS =
      new Topic<>("flights", FlightState.class, FlightState.getClassSchema(), FlightState::getIcao24, PARTITIONS);
  public static final Topic<User> SHOP_USERS =
      new Topic<>("shop-users", User.class, User.getClassSchema(), User::getUserId, 1);
  public static final Topic<Product> SHOP_PRODUCTS =
      new Topic<>("shop-products", Product.class, Product.getClassSchema(), Product::getProductId, 1);
  public static final Topic<PageView> PAGE_VIEWS =
      new Topic<>("pageviews", PageView.class, PageView.getClassSchema(), PageView::getUserId, PARTITIONS);
  public static final Topic<StarRating> STAR_RATINGS =
      new Topic<>("ratings", StarRating.class, StarRating.getClassSchema(), StarRating::getUserId, PARTITIONS);
  public static final Topic<Order> ORDERS =
      new Topic<>("orders", Order.class, Order.getClassSchema(), Order::getUserId, PARTITIONS);
  public static final Topic<InvoiceLine> RETAIL_INVOICE_LINES =
      new Topic<>("retail-invoice-lines", InvoiceLine.class, InvoiceLine.getClassSchema(),
          InvoiceLine::getInvoiceNo, PARTITIONS);
  public static final Topic<DeadLetter> DEAD_LETTERS =
      new Topic<>("deadletter", DeadLetter.class, DeadLetter.getClassSchema(), DeadLetter::getSourceTopic, 1);

  /** Output of the booking/payment join: the latest fact per booking (keyed by booking id). */
  public static final Topic<BookingFact> BOOKINGS_FACT =
      new Topic<>("bookings_fact", BookingFact.class, BookingFact.getClassSchema(), BookingFact::getBookingId, PARTITIONS);
  /** Payments whose booking never arrived in time, or that fall outside the payment window, with the reason. */
  public static final Topic<DeadLetter> ORPHAN_PAYMENTS =
      new Topic<>("payments-orphans", DeadLetter.class, DeadLetter.getClassSchema(), DeadLetter::getSourceTopic, 1);
  /** Events that arrived later than the allowed lateness, kept with the reason. */
  public static final Topic<DeadLetter> LATE_EVENTS =
      new Topic<>("late-events", DeadLetter.class, DeadLetter.getClassSchema(), DeadLetter::getSourceTopic, 1);

  /** Output of the windows pipeline: page views per HTTP method per window, latest per (window, method). */
  public static final Topic<PageViewStats> PAGE_VIEW_STATS =
      new Topic<>("pageviews_by_method_5m", PageViewStats.class, PageViewStats.getClassSchema(),
          PageViewStats::getMethod, PARTITIONS);
  /** Page views slower than the threshold, with the user's profile. */
  public static final Topic<LatencyAlert> LATENCY_ALERTS =
      new Topic<>("latency_alerts", LatencyAlert.class, LatencyAlert.getClassSchema(), LatencyAlert::getUserId, PARTITIONS);
  /** Page views by users on the VIP list. */
  public static final Topic<VipAlert> VIP_ALERTS =
      new Topic<>("vip_alerts", VipAlert.class, VipAlert.getClassSchema(), VipAlert::getUserId, PARTITIONS);
  /** Low star ratings with the pages their user viewed right after. */
  public static final Topic<LowStarFollowup> LOW_STAR_FOLLOWUPS =
      new Topic<>("low_star_followups", LowStarFollowup.class, LowStarFollowup.getClassSchema(),
          LowStarFollowup::getUserId, PARTITIONS);

  private static final List<Topic<?>> ALL =
      List.of(BOOKINGS, PAYMENTS, BOX_OFFICE, FLIGHTS, SHOP_USERS, SHOP_PRODUCTS, PAGE_VIEWS,
          STAR_RATINGS, ORDERS, RETAIL_INVOICE_LINES, DEAD_LETTERS, BOOKINGS_FACT, ORPHAN_PAYMENTS, LATE_EVENTS,
          PAGE_VIEW_STATS, LATENCY_ALERTS, VIP_ALERTS, LOW_STAR_FOLLOWUPS);

  /** Every topic, in a stable order. */
  public static List<Topic<?>> all() {
    return ALL;
  }

  /** The topic with this name, if the platform has one. */
  public static Optional<Topic<?>> byName(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
