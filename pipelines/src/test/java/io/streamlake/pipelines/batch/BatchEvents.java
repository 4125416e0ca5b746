package io.streamlake.pipelines.batch;

import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.events.shop.Order;
import io.streamlake.events.shop.OrderItem;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.generators.boxoffice.BoxOfficeScenario;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.ticketing.TicketingScenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/**
 * The events of a few hours of every scenario the gold tables read: ticketing and box office from
 * their generators, retail invoice lines and web-shop orders from small seeded helpers here.
 */
final class BatchEvents {
  final List<Booking> bookings = new ArrayList<>();
  final List<Payment> payments = new ArrayList<>();
  final List<BoxOfficeEvent> boxOffice = new ArrayList<>();
  final List<InvoiceLine> lines = new ArrayList<>();
  final List<Order> orders = new ArrayList<>();

  /** About {@code hours} hours of events from {@code base}, with seed {@code seed}. */
  static BatchEvents generate(long seed, Instant base, int hours) {
    BatchEvents e = new BatchEvents();
    GeneratorConfig ticketing = GeneratorConfig.builder().seed(seed).baseTime(base).rate(1 / 60.0).events(60L * hours).build();
    for (Iterator<Emission> it = new TicketingScenario().emissions(ticketing); it.hasNext(); ) {
      SpecificRecord v = it.next().value();
      if (v instanceof Booking b) {
        e.bookings.add(b);
      } else if (v instanceof Payment p) {
        e.payments.add(p);
      }
    }
    GeneratorConfig boxOffice = GeneratorConfig.builder().seed(seed).baseTime(base).rate(0.03).events(100L * hours).build();
    for (Iterator<Emission> it = new BoxOfficeScenario().emissions(boxOffice); it.hasNext(); ) {
      e.boxOffice.add((BoxOfficeEvent) it.next().value());
    }
    e.lines.addAll(invoiceLines(seed, base, 30 * hours));
    e.orders.addAll(orders(seed, base, 40 * hours));
    return e;
  }

  /** Online Retail-shaped invoices every ~2 minutes; one in eight is a cancellation of an earlier invoice. */
  static List<InvoiceLine> invoiceLines(long seed, Instant base, int invoices) {
    List<InvoiceLine> out = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(seed * 7919);
    Instant at = base;
    for (int i = 0; i < invoices; i++) {
      at = at.plusSeconds(30 + rnd.nextInt(150));
      boolean cancel = i > 3 && rnd.nextInt(8) == 0;
      String invoice = (cancel ? "C" : "") + (536000 + i);
      String customer = rnd.nextInt(7) == 0 ? null : "cust-" + rnd.nextInt(12);
      int n = 1 + rnd.nextInt(4);
      for (int line = 1; line <= n; line++) {
        int product = rnd.nextInt(16);
        int quantity = (1 + rnd.nextInt(12)) * (cancel ? -1 : 1);
        out.add(new InvoiceLine("inv-" + seed + "-" + i + "-" + line, invoice, line, "SKU" + (20000 + product),
            product % 5 == 0 ? null : "PRODUCT " + product, quantity, at, 85L + 40L * product, customer, "United Kingdom"));
      }
    }
    return out;
  }

  /** Web-shop orders every ~1.5 minutes with 1..3 items of 10 products. */
  static List<Order> orders(long seed, Instant base, int count) {
    List<Order> out = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(seed * 104729);
    Instant at = base;
    for (int i = 0; i < count; i++) {
      at = at.plusSeconds(20 + rnd.nextInt(110));
      List<OrderItem> items = new ArrayList<>();
      long total = 0;
      for (int k = 0, n = 1 + rnd.nextInt(3); k < n; k++) {
        int product = rnd.nextInt(10);
        int quantity = 1 + rnd.nextInt(3);
        long price = 499L + 250L * product;
        items.add(new OrderItem("prod-" + product, quantity, price));
        total += quantity * price;
      }
      out.add(new Order("ord-ev-" + seed + "-" + i, "ord-" + seed + "-" + i, "user-" + rnd.nextInt(30), items, total,
          "EUR", at));
    }
    return out;
  }

  /** Every event, in one list. */
  List<SpecificRecord> all() {
    List<SpecificRecord> out = new ArrayList<>();
    out.addAll(bookings);
    out.addAll(payments);
    out.addAll(boxOffice);
    out.addAll(lines);
    out.addAll(orders);
    return out;
  }

  static Duration hours(int n) {
    return Duration.ofHours(n);
  }
}
