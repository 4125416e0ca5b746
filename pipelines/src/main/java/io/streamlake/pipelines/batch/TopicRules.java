package io.streamlake.pipelines.batch;

import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.boxoffice.BoxOfficeEventKind;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.events.shop.Order;
import io.streamlake.events.shop.OrderItem;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * What makes an event valid for silver, per topic, and each topic's control total (the sum a data
 * check compares between silver and the gold tables). A record that breaks a rule is quarantined with
 * the rule's sentence; nothing here throws on bad data.
 */
public final class TopicRules {
  private TopicRules() {}

  /** The topics the batch handles by default: every topic whose events carry an {@code event_id}. */
  public static List<Topic<?>> batchTopics() {
    return Topics.all().stream().filter(t -> t.schema().getField("event_id") != null).toList();
  }

  /** Why a record is invalid, or null when it is valid. */
  public static String violation(String topic, GenericRecord record) {
    Object id = record.get("event_id");
    if (id == null || id.toString().isBlank()) {
      return "event_id is empty";
    }
    return switch (topic) {
      case "bookings" -> booking((Booking) record);
      case "payments" -> payment((Payment) record);
      case "boxoffice" -> boxOffice((BoxOfficeEvent) record);
      case "retail-invoice-lines" -> invoiceLine((InvoiceLine) record);
      case "orders" -> order((Order) record);
      default -> null;
    };
  }

  /**
   * The control total of a valid record: bookings {@code amount_minor}; box office tickets bought;
   * invoice lines {@code quantity * unit_price_minor} (negative for cancellations); orders {@code
   * total_minor}; 0 for other topics.
   */
  public static long controlTotal(String topic, GenericRecord record) {
    return switch (topic) {
      case "bookings" -> ((Booking) record).getAmountMinor();
      case "boxoffice" -> {
        BoxOfficeEvent e = (BoxOfficeEvent) record;
        yield e.getKind() == BoxOfficeEventKind.BOUGHT ? e.getTickets() : 0;
      }
      case "retail-invoice-lines" -> {
        InvoiceLine l = (InvoiceLine) record;
        yield l.getQuantity() * l.getUnitPriceMinor();
      }
      case "orders" -> ((Order) record).getTotalMinor();
      default -> 0;
    };
  }

  private static String booking(Booking b) {
    if (b.getSeats() <= 0) {
      return "seats must be positive, got " + b.getSeats();
    }
    if (b.getUnitPriceMinor() < 0) {
      return "unit_price_minor must not be negative, got " + b.getUnitPriceMinor();
    }
    if (b.getAmountMinor() != b.getSeats() * b.getUnitPriceMinor()) {
      return "amount_minor " + b.getAmountMinor() + " is not seats * unit_price_minor = "
          + b.getSeats() * b.getUnitPriceMinor();
    }
    if (b.getBookingId().isBlank() || b.getShowId().isBlank() || b.getVenue().isBlank()) {
      return "booking_id, show_id and venue must not be empty";
    }
    return null;
  }

  private static String payment(Payment p) {
    if (p.getAmountMinor() < 0) {
      return "amount_minor must not be negative, got " + p.getAmountMinor();
    }
    if (p.getAttempt() < 1) {
      return "attempt must be at least 1, got " + p.getAttempt();
    }
    return p.getBookingId().isBlank() ? "booking_id must not be empty" : null;
  }

  private static String boxOffice(BoxOfficeEvent e) {
    if (e.getKind() == BoxOfficeEventKind.UNKNOWN) {
      return "kind is UNKNOWN";
    }
    if (e.getTickets() < 0) {
      return "tickets must not be negative, got " + e.getTickets();
    }
    if (!(e.getWaitedSeconds() >= 0) || Double.isInfinite(e.getWaitedSeconds())) {
      return "waited_seconds must be a finite number >= 0, got " + e.getWaitedSeconds();
    }
    return e.getTheaterId().isBlank() || e.getMoviegoerId().isBlank() ? "theater_id and moviegoer_id must not be empty" : null;
  }

  private static String invoiceLine(InvoiceLine l) {
    boolean cancellation = l.getInvoiceNo().startsWith("C");
    if (l.getQuantity() == 0) {
      return "quantity is 0";
    }
    if (cancellation != (l.getQuantity() < 0)) {
      return cancellation ? "cancellation " + l.getInvoiceNo() + " has a positive quantity " + l.getQuantity()
          : "invoice " + l.getInvoiceNo() + " has a negative quantity " + l.getQuantity() + " but is not a cancellation (C...)";
    }
    if (l.getUnitPriceMinor() < 0) {
      return "unit_price_minor must not be negative, got " + l.getUnitPriceMinor();
    }
    return l.getStockCode().isBlank() ? "stock_code must not be empty" : null;
  }

  private static String order(Order o) {
    if (o.getItems().isEmpty()) {
      return "order has no items";
    }
    long sum = 0;
    for (OrderItem item : o.getItems()) {
      if (item.getQuantity() <= 0 || item.getUnitPriceMinor() < 0) {
        return "item " + item.getProductId() + " has quantity " + item.getQuantity() + " and unit price "
            + item.getUnitPriceMinor();
      }
      sum += item.getQuantity() * item.getUnitPriceMinor();
    }
    return sum == o.getTotalMinor() ? null : "total_minor " + o.getTotalMinor() + " is not the sum of its items " + sum;
  }
}
