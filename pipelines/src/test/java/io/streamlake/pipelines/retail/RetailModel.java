package io.streamlake.pipelines.retail;

import io.streamlake.events.retail.InvoiceLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference model of the OLTP store: what the three customer views must show after a given
 * sequence of valid lines, computed in plain Java (no SQL, no pipeline code). The last version of a line
 * wins, an invoice's header is that of its last line, a customer's country is that of its earliest line.
 */
final class RetailModel {
  /** A row of customer_total_spend. */
  record Spend(String customerId, String country, long orderCount, long orderedMinor, long refundedMinor,
      long totalSpendMinor, Instant firstInvoiceAt, Instant lastInvoiceAt) {}

  /** A row of customer_order_history. */
  record Invoice(String customerId, String invoiceNo, Instant invoiceDate, String country, String kind, long lineCount,
      long itemCount, long totalMinor) {}

  /** A row of customer_returned_items. */
  record Returned(String customerId, String invoiceNo, int lineNo, Instant returnedAt, String stockCode,
      String description, int returnedQuantity, long unitPriceMinor, long refundMinor) {}

  final Map<String, Spend> spend = new TreeMap<>();
  final Map<String, Invoice> history = new TreeMap<>();
  final Map<String, Returned> returned = new TreeMap<>();

  static RetailModel of(List<InvoiceLine> linesInOrder) {
    Map<String, InvoiceLine> lines = new LinkedHashMap<>();
    Map<String, InvoiceLine> headers = new LinkedHashMap<>();
    Map<String, InvoiceLine> customers = new TreeMap<>();
    Comparator<InvoiceLine> earliest = Comparator.comparing(InvoiceLine::getInvoiceDate).thenComparing(InvoiceLine::getCountry);
    for (InvoiceLine l : linesInOrder) {
      lines.put(l.getInvoiceNo() + "#" + l.getLineNo(), l);
      headers.put(l.getInvoiceNo(), l);
      if (l.getCustomerId() != null) {
        customers.merge(l.getCustomerId(), l, (a, b) -> earliest.compare(a, b) <= 0 ? a : b);
      }
    }
    RetailModel model = new RetailModel();
    Map<String, List<InvoiceLine>> byInvoice = new TreeMap<>();
    lines.values().forEach(l -> byInvoice.computeIfAbsent(l.getInvoiceNo(), k -> new ArrayList<>()).add(l));
    byInvoice.forEach((invoiceNo, invoiceLines) -> {
      InvoiceLine header = headers.get(invoiceNo);
      if (header.getCustomerId() == null) {
        return;
      }
      boolean cancellation = invoiceNo.startsWith("C");
      long items = invoiceLines.stream().mapToLong(InvoiceLine::getQuantity).sum();
      long total = invoiceLines.stream().mapToLong(l -> (long) l.getQuantity() * l.getUnitPriceMinor()).sum();
      model.history.put(invoiceNo, new Invoice(header.getCustomerId(), invoiceNo, header.getInvoiceDate(),
          header.getCountry(), cancellation ? "CANCELLATION" : "ORDER", invoiceLines.size(), items, total));
      if (cancellation) {
        for (InvoiceLine l : invoiceLines) {
          model.returned.put(invoiceNo + "#" + l.getLineNo(), new Returned(header.getCustomerId(), invoiceNo, l.getLineNo(),
              header.getInvoiceDate(), l.getStockCode(), l.getDescription(), -l.getQuantity(), l.getUnitPriceMinor(),
              -(long) l.getQuantity() * l.getUnitPriceMinor()));
        }
      }
    });
    customers.forEach((id, first) -> {
      List<Invoice> mine = model.history.values().stream().filter(i -> i.customerId().equals(id)).toList();
      long orders = mine.stream().filter(i -> i.kind().equals("ORDER")).count();
      long ordered = mine.stream().filter(i -> i.kind().equals("ORDER")).mapToLong(Invoice::totalMinor).sum();
      long refunded = -mine.stream().filter(i -> i.kind().equals("CANCELLATION")).mapToLong(Invoice::totalMinor).sum();
      Instant firstAt = mine.stream().map(Invoice::invoiceDate).min(Comparator.naturalOrder()).orElse(null);
      Instant lastAt = mine.stream().map(Invoice::invoiceDate).max(Comparator.naturalOrder()).orElse(null);
      model.spend.put(id, new Spend(id, first.getCountry(), orders, ordered, refunded, ordered - refunded, firstAt, lastAt));
    });
    return model;
  }
}
