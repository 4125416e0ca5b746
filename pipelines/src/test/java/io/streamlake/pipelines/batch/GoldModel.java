package io.streamlake.pipelines.batch;

import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.boxoffice.BoxOfficeEventKind;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.events.shop.Order;
import io.streamlake.events.shop.OrderItem;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.events.ticketing.PaymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The reference model of every gold table: plain Java over lists of events, written from the table
 * definitions in docs/warehouse.md, sharing no code with the pipeline. Rows are value lists in column
 * order, the shape {@link WarehouseRows} reads back.
 */
final class GoldModel {
  private GoldModel() {}

  /** Every gold table's rows for one hour, by table name. */
  static Map<String, List<List<Object>>> of(BatchEvents e, Hour hour, Duration paymentWindow) {
    Map<String, List<List<Object>>> out = new TreeMap<>();
    out.put("gold_ticketing_show_hourly", ticketing(e.bookings, e.payments, hour, paymentWindow));
    out.put("gold_boxoffice_theater_hourly", boxOffice(e.boxOffice, hour));
    List<InvoiceLine> lines = e.lines.stream().filter(l -> hour.contains(l.getInvoiceDate())).toList();
    out.put("gold_retail_sales_hourly", sales(lines, hour));
    out.put("gold_retail_top_products_hourly", topProducts(lines, hour));
    out.put("gold_retail_customer_hourly", customers(lines, hour));
    out.put("gold_retail_cancellations_hourly", cancellations(lines, hour));
    out.put("gold_shop_product_hourly", shop(e.orders, hour));
    out.replaceAll((table, rows) -> WarehouseRows.sorted(rows));
    return out;
  }

  /** Every hour's rows of every table. */
  static Map<String, List<List<Object>>> of(BatchEvents e, List<Hour> hours, Duration paymentWindow) {
    Map<String, List<List<Object>>> out = new TreeMap<>();
    for (Hour h : hours) {
      of(e, h, paymentWindow).forEach((t, rows) -> out.computeIfAbsent(t, k -> new ArrayList<>()).addAll(rows));
    }
    out.replaceAll((table, rows) -> WarehouseRows.sorted(rows));
    return out;
  }

  static List<List<Object>> ticketing(List<Booking> bookings, List<Payment> payments, Hour hour, Duration window) {
    record Key(String show, String venue, String currency) {}
    Map<Key, List<Booking>> byShow = bookings.stream().filter(b -> hour.contains(b.getBookedAt()))
        .collect(Collectors.groupingBy(b -> new Key(b.getShowId(), b.getVenue(), b.getCurrency())));
    List<List<Object>> rows = new ArrayList<>();
    byShow.forEach((k, list) -> {
      long paid = 0;
      long revenue = 0;
      for (Booking b : list) {
        Payment first = payments.stream()
            .filter(p -> p.getStatus() == PaymentStatus.SUCCESS && p.getBookingId().equals(b.getBookingId()))
            .filter(p -> !p.getPaidAt().isBefore(b.getBookedAt()) && !p.getPaidAt().isAfter(b.getBookedAt().plus(window)))
            .min(Comparator.comparing(Payment::getPaidAt).thenComparing(Payment::getPaymentId)).orElse(null);
        if (first != null) {
          paid++;
          revenue += first.getAmountMinor();
        }
      }
      rows.add(Arrays.asList(hour.start(), k.show(), k.venue(), k.currency(),
          list.stream().map(Booking::getShowName).min(String::compareTo).get(),
          list.stream().map(Booking::getCity).min(String::compareTo).get(),
          (long) list.size(), list.stream().mapToLong(Booking::getSeats).sum(),
          list.stream().mapToLong(Booking::getAmountMinor).sum(), paid, revenue, paid / (double) list.size()));
    });
    return rows;
  }

  static List<List<Object>> boxOffice(List<BoxOfficeEvent> events, Hour hour) {
    Map<String, List<BoxOfficeEvent>> byTheater = events.stream().filter(e -> hour.contains(e.getEventTime()))
        .collect(Collectors.groupingBy(BoxOfficeEvent::getTheaterId));
    List<List<Object>> rows = new ArrayList<>();
    byTheater.forEach((theater, list) -> {
      double[] waits = list.stream().filter(e -> e.getKind() != BoxOfficeEventKind.ARRIVED)
          .mapToDouble(BoxOfficeEvent::getWaitedSeconds).sorted().toArray();
      Double avg = null;
      Double p90 = null;
      if (waits.length > 0) {
        double sum = 0;
        for (double w : waits) {
          sum += w;
        }
        avg = sum / waits.length;
        int rank = (int) Math.ceil(0.9 * waits.length);
        p90 = waits[rank - 1];
      }
      rows.add(Arrays.asList(hour.start(), theater,
          (long) list.stream().map(BoxOfficeEvent::getMoviegoerId).collect(Collectors.toSet()).size(),
          count(list, BoxOfficeEventKind.ARRIVED), count(list, BoxOfficeEventKind.BOUGHT),
          list.stream().filter(e -> e.getKind() == BoxOfficeEventKind.BOUGHT).mapToLong(BoxOfficeEvent::getTickets).sum(),
          count(list, BoxOfficeEventKind.LEFT_WITHOUT_BUYING), avg, p90));
    });
    return rows;
  }

  private static long count(List<BoxOfficeEvent> list, BoxOfficeEventKind kind) {
    return list.stream().filter(e -> e.getKind() == kind).count();
  }

  private static boolean cancelled(InvoiceLine l) {
    return l.getInvoiceNo().startsWith("C");
  }

  private static long value(InvoiceLine l) {
    return l.getQuantity() * l.getUnitPriceMinor();
  }

  static List<List<Object>> sales(List<InvoiceLine> lines, Hour hour) {
    if (lines.isEmpty()) {
      return List.of();
    }
    List<InvoiceLine> sold = lines.stream().filter(l -> !cancelled(l)).toList();
    List<InvoiceLine> back = lines.stream().filter(GoldModel::cancelled).toList();
    long sales = sold.stream().mapToLong(GoldModel::value).sum();
    long refunded = -back.stream().mapToLong(GoldModel::value).sum();
    return List.of(Arrays.asList(hour.start(), distinct(sold, InvoiceLine::getInvoiceNo), (long) lines.size(),
        sold.stream().mapToLong(InvoiceLine::getQuantity).sum(), sales, distinct(back, InvoiceLine::getInvoiceNo),
        -back.stream().mapToLong(InvoiceLine::getQuantity).sum(), refunded, sales - refunded,
        distinct(sold.stream().filter(l -> l.getCustomerId() != null).toList(), InvoiceLine::getCustomerId)));
  }

  private static long distinct(List<InvoiceLine> lines, Function<InvoiceLine, String> f) {
    return lines.stream().map(f).collect(Collectors.toSet()).size();
  }

  private static String description(List<InvoiceLine> lines) {
    return lines.stream().map(InvoiceLine::getDescription).filter(d -> d != null).min(String::compareTo).orElse(null);
  }

  static List<List<Object>> topProducts(List<InvoiceLine> lines, Hour hour) {
    Map<String, List<InvoiceLine>> byProduct = lines.stream().filter(l -> !cancelled(l))
        .collect(Collectors.groupingBy(InvoiceLine::getStockCode));
    List<Map.Entry<String, List<InvoiceLine>>> ranked = new ArrayList<>(byProduct.entrySet());
    ranked.sort(Comparator.<Map.Entry<String, List<InvoiceLine>>>comparingLong(
        en -> -en.getValue().stream().mapToLong(GoldModel::value).sum()).thenComparing(Map.Entry::getKey));
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < Math.min(10, ranked.size()); i++) {
      List<InvoiceLine> l = ranked.get(i).getValue();
      rows.add(Arrays.asList(hour.start(), i + 1, ranked.get(i).getKey(), description(l),
          l.stream().mapToLong(InvoiceLine::getQuantity).sum(), l.stream().mapToLong(GoldModel::value).sum()));
    }
    return rows;
  }

  static List<List<Object>> customers(List<InvoiceLine> lines, Hour hour) {
    Map<String, List<InvoiceLine>> byCustomer = lines.stream().filter(l -> l.getCustomerId() != null)
        .collect(Collectors.groupingBy(InvoiceLine::getCustomerId));
    List<List<Object>> rows = new ArrayList<>();
    byCustomer.forEach((customer, l) -> {
      List<InvoiceLine> bought = l.stream().filter(x -> !cancelled(x)).toList();
      rows.add(Arrays.asList(hour.start(), customer, distinct(bought, InvoiceLine::getInvoiceNo),
          distinct(l.stream().filter(GoldModel::cancelled).toList(), InvoiceLine::getInvoiceNo),
          l.stream().mapToLong(InvoiceLine::getQuantity).sum(), l.stream().mapToLong(GoldModel::value).sum(),
          bought.stream().map(InvoiceLine::getInvoiceDate).min(Instant::compareTo).orElse(null),
          bought.stream().map(InvoiceLine::getInvoiceDate).max(Instant::compareTo).orElse(null)));
    });
    return rows;
  }

  static List<List<Object>> cancellations(List<InvoiceLine> lines, Hour hour) {
    Map<String, List<InvoiceLine>> byProduct = lines.stream().filter(GoldModel::cancelled)
        .collect(Collectors.groupingBy(InvoiceLine::getStockCode));
    List<List<Object>> rows = new ArrayList<>();
    byProduct.forEach((product, l) -> rows.add(Arrays.asList(hour.start(), product, description(l),
        distinct(l, InvoiceLine::getInvoiceNo), (long) l.size(), -l.stream().mapToLong(InvoiceLine::getQuantity).sum(),
        -l.stream().mapToLong(GoldModel::value).sum())));
    return rows;
  }

  static List<List<Object>> shop(List<Order> orders, Hour hour) {
    record Key(String product, String currency) {}
    record Line(String order, OrderItem item) {}
    Map<Key, List<Line>> byProduct = new TreeMap<>(Comparator.comparing(Key::product).thenComparing(Key::currency));
    for (Order o : orders) {
      if (hour.contains(o.getOrderedAt())) {
        for (OrderItem item : o.getItems()) {
          byProduct.computeIfAbsent(new Key(item.getProductId(), o.getCurrency()), k -> new ArrayList<>())
              .add(new Line(o.getOrderId(), item));
        }
      }
    }
    List<List<Object>> rows = new ArrayList<>();
    byProduct.forEach((k, l) -> {
      Set<String> ids = l.stream().map(Line::order).collect(Collectors.toSet());
      rows.add(Arrays.asList(hour.start(), k.product(), k.currency(), (long) ids.size(),
          l.stream().mapToLong(x -> x.item().getQuantity()).sum(),
          l.stream().mapToLong(x -> x.item().getQuantity() * x.item().getUnitPriceMinor()).sum()));
    });
    return rows;
  }
}
