package io.streamlake.schemas;

import io.streamlake.events.retail.InvoiceLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What makes an {@link InvoiceLine} valid beyond its Avro schema, and how a line is identified. The
 * one place these rules live: the HTTP ingest API checks every posted line with them before it
 * produces, and the OLTP pipeline checks every record it reads again (a producer other than the API
 * may have written it), sending a record that breaks a rule to the dead-letter topic.
 *
 * <p>Rules, by Avro field: {@code event_id} 1 to 128 printable characters, not blank; {@code
 * invoice_no} 1 to 32 letters, digits or dashes (the Online Retail dataset: six digits, a {@code C}
 * prefix for a cancellation, an {@code A} prefix for a bad-debt adjustment); {@code line_no} from 1; {@code stock_code} 1 to 32 printable
 * characters; {@code description} at most 500 characters; {@code quantity} not zero, and negative on a
 * cancellation; {@code unit_price_minor} not negative, but on a bad-debt adjustment; {@code
 * invoice_date} between 1990 and 2100 (no wall clock: the same record is valid whenever it is
 * checked); {@code customer_id} absent (a guest) or 1 to 32 letters, digits or dashes; {@code country}
 * 1 to 64 characters.
 */
public final class InvoiceLineRules {
  private InvoiceLineRules() {}

  private static final Pattern INVOICE_NO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,31}");
  private static final Pattern CUSTOMER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,31}");
  private static final Pattern PRINTABLE = Pattern.compile("[^\\p{Cntrl}]+");
  private static final Instant EARLIEST = Instant.parse("1990-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

  /** One broken rule: the Avro field and what is wrong with it. */
  public record Violation(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  /** Cancellation invoices are numbered with a {@code C} prefix in the Online Retail dataset. */
  public static boolean isCancellation(String invoiceNo) {
    return invoiceNo != null && invoiceNo.startsWith("C");
  }

  /** Bad-debt adjustments are numbered with an {@code A} prefix; only they may have a negative price. */
  public static boolean isAdjustment(String invoiceNo) {
    return invoiceNo != null && invoiceNo.startsWith("A");
  }

  /**
   * The event id of a line: a name-based UUID of its invoice and line number, so the same line sent
   * twice (a retried request, a replayed file) has the same id. The same formula as the retail
   * generator's ({@code RetailScenario.eventId}), so a line has one id whichever way it came in.
   */
  public static String eventId(String invoiceNo, int lineNo) {
    return UUID.nameUUIDFromBytes(("retail-invoice-line/" + invoiceNo + "/" + lineNo).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** Every rule the line breaks; empty when it is valid. */
  public static List<Violation> check(InvoiceLine line) {
    List<Violation> out = new ArrayList<>();
    String eventId = line.getEventId();
    if (eventId == null || eventId.isBlank() || eventId.length() > 128 || !PRINTABLE.matcher(eventId).matches()) {
      // printable: a control character (NUL above all, which PostgreSQL text cannot hold) would fail the store's write
      out.add(new Violation("event_id", "must be 1 to 128 printable characters, got " + quote(eventId)));
    }
    String invoiceNo = line.getInvoiceNo();
    if (invoiceNo == null || !INVOICE_NO.matcher(invoiceNo).matches()) {
      out.add(new Violation("invoice_no", "must be 1 to 32 letters, digits or dashes, got " + quote(invoiceNo)));
    }
    if (line.getLineNo() < 1) {
      out.add(new Violation("line_no", "must be 1 or more, got " + line.getLineNo()));
    }
    String stockCode = line.getStockCode();
    if (stockCode == null || stockCode.isBlank() || stockCode.length() > 32 || !PRINTABLE.matcher(stockCode).matches()) {
      out.add(new Violation("stock_code", "must be 1 to 32 printable characters, got " + quote(stockCode)));
    }
    String description = line.getDescription();
    if (description != null && (description.length() > 500 || !PRINTABLE.matcher(description).matches())) {
      out.add(new Violation("description", "must be at most 500 printable characters"));
    }
    if (line.getQuantity() == 0) {
      out.add(new Violation("quantity", "must not be 0"));
    } else if (isCancellation(invoiceNo) && line.getQuantity() > 0) {
      out.add(new Violation("quantity", "must be negative on a cancellation (invoice " + invoiceNo + "), got "
          + line.getQuantity()));
    }
    if (line.getUnitPriceMinor() < 0 && !isAdjustment(invoiceNo)) {
      out.add(new Violation("unit_price_minor", "must not be negative (but on an adjustment, invoice A...), got "
          + line.getUnitPriceMinor()));
    }
    Instant date = line.getInvoiceDate();
    if (date == null || date.isBefore(EARLIEST) || !date.isBefore(LATEST)) {
      out.add(new Violation("invoice_date", "must be between 1990 and 2100, got " + date));
    }
    String customerId = line.getCustomerId();
    if (customerId != null && !CUSTOMER_ID.matcher(customerId).matches()) {
      out.add(new Violation("customer_id", "must be 1 to 32 letters, digits or dashes, got " + quote(customerId)));
    }
    String country = line.getCountry();
    if (country == null || country.isBlank() || country.length() > 64 || !PRINTABLE.matcher(country).matches()) {
      out.add(new Violation("country", "must be 1 to 64 printable characters, got " + quote(country)));
    }
    return out;
  }

  private static String quote(String s) {
    if (s == null) {
      return "nothing";
    }
    String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    StringBuilder out = new StringBuilder("\"");
    // control characters shown as escapes: the message itself must be safe to store and print
    shown.chars().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return out.append('"').toString();
  }
}
