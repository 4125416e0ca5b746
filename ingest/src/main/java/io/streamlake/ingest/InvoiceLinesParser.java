package io.streamlake.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.schemas.InvoiceLineRules;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a request body into {@link InvoiceLine}s, or into a field-level error for every bad line.
 * Thread-safe.
 *
 * <p>A line is a JSON object with the Online Retail dataset's field names: {@code InvoiceNo},
 * {@code StockCode}, {@code Description}, {@code Quantity}, {@code InvoiceDate}, {@code UnitPrice}
 * (pounds, at most two decimals), {@code CustomerID} (absent, null or empty for a guest) and {@code
 * Country}; plus, optionally, {@code LineNo}, the line's position in its invoice. Without {@code
 * LineNo} a line is numbered by its position among the lines of its invoice in this request, so an
 * invoice split over several requests needs {@code LineNo}. Numbers may be JSON numbers or strings
 * (CSV exports carry strings); {@code InvoiceDate} is ISO-8601 with an offset, an ISO local date-time
 * ({@code 2010-12-01T08:26:00} or {@code 2010-12-01 08:26}) or the dataset's {@code 12/1/2010 8:26}
 * (month first), local times being read in the configured zone. Unknown fields are errors, so a
 * misspelt field is not silently dropped.
 *
 * <p>Each line gets the event id {@link InvoiceLineRules#eventId}{@code (InvoiceNo, LineNo)}, so a
 * retried request yields the same ids; then {@link InvoiceLineRules} checks it.
 */
public final class InvoiceLinesParser {
  /** The body formats the API accepts. */
  public enum Format { JSON, NDJSON }

  /** The lines of a valid request, or the errors of an invalid one (then {@code lines} is empty). */
  public record Result(List<InvoiceLine> lines, List<LineError> errors, int badLines) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  static final List<String> FIELDS = List.of("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate",
      "UnitPrice", "CustomerID", "Country", "LineNo");

  /** Avro field -> request field, for errors found by {@link InvoiceLineRules}. */
  private static final Map<String, String> REQUEST_FIELD = Map.of(
      "event_id", "InvoiceNo", "invoice_no", "InvoiceNo", "line_no", "LineNo", "stock_code", "StockCode",
      "description", "Description", "quantity", "Quantity", "invoice_date", "InvoiceDate",
      "unit_price_minor", "UnitPrice", "customer_id", "CustomerID", "country", "Country");

  private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd").optionalStart().appendLiteral('T').optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd()
      .appendPattern("HH:mm").optionalStart().appendPattern(":ss").optionalEnd()
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter();
  /** The dataset's spreadsheet export: month/day/year hour:minute. */
  private static final DateTimeFormatter DATASET = new DateTimeFormatterBuilder()
      .appendPattern("M/d/uuuu H:mm").optionalStart().appendPattern(":ss").optionalEnd().toFormatter();

  /**
   * Strict: a value followed by more ({@code {...}{...}}, {@code {...},{...}} without brackets) and a
   * key given twice are malformed, not read up to the first value or with the last key winning, which
   * accepted a request while dropping part of it.
   */
  private final ObjectMapper mapper = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private final ZoneId localZone;
  private final int maxErrors;
  private final java.time.Duration maxFutureSkew;
  private final java.time.Clock clock;

  /**
   * @param localZone the zone of an {@code InvoiceDate} without an offset
   * @param maxErrors errors listed at most in one answer (the count of bad lines is always exact)
   */
  public InvoiceLinesParser(ZoneId localZone, int maxErrors) {
    this(localZone, maxErrors, java.time.Duration.ofMinutes(io.streamlake.schemas.EventTimes.DEFAULT_MAX_FUTURE_SKEW_MINUTES),
        java.time.Clock.systemUTC());
  }

  /**
   * @param maxFutureSkew an InvoiceDate further than this ahead of {@code clock} is a field error (the
   *     pipelines would send the line to the dead letters); zero: no limit
   */
  public InvoiceLinesParser(ZoneId localZone, int maxErrors, java.time.Duration maxFutureSkew, java.time.Clock clock) {
    this.localZone = localZone;
    this.maxErrors = maxErrors;
    this.maxFutureSkew = maxFutureSkew;
    this.clock = clock;
  }

  public Result parse(byte[] body, Format format) {
    List<JsonNode> nodes = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    Set<Integer> bad = new HashSet<>();
    if (format == Format.JSON) {
      JsonNode root;
      try {
        root = mapper.readTree(body);
      } catch (IOException e) {
        return failed(List.of(new LineError(0, null, "malformed JSON: " + jsonMessage(e))), 0);
      }
      if (root == null || root.isMissingNode()) {
        return failed(List.of(new LineError(0, null, "the body is empty")), 0);
      }
      if (root.isArray()) {
        root.forEach(nodes::add);
      } else {
        nodes.add(root);
      }
    } else {
      String text;
      try {
        // strict, as the JSON path: a lenient decoding turned bytes that are not UTF-8 into U+FFFD and kept the line
        text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
      } catch (CharacterCodingException e) {
        return failed(List.of(new LineError(0, null, "the body is not valid UTF-8")), 0);
      }
      for (String raw : text.split("\n", -1)) {
        String line = raw.strip();
        if (line.isEmpty()) {
          continue;
        }
        try {
          nodes.add(mapper.readTree(line));
        } catch (IOException e) {
          nodes.add(null);
          int position = nodes.size();
          bad.add(position);
          errors.add(new LineError(position, null, "malformed JSON: " + jsonMessage(e)));
        }
      }
    }
    if (nodes.isEmpty()) {
      return failed(List.of(new LineError(0, null, "no invoice lines in the request")), 0);
    }
    List<InvoiceLine> lines = new ArrayList<>(nodes.size());
    Map<String, Integer> linesPerInvoice = new HashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      int position = i + 1;
      JsonNode node = nodes.get(i);
      if (node == null) {
        continue; // malformed, reported above
      }
      List<LineError> lineErrors = new ArrayList<>();
      InvoiceLine line = line(node, position, linesPerInvoice, lineErrors);
      if (line != null) {
        String key = line.getInvoiceNo() + "#" + line.getLineNo();
        Integer first = seen.putIfAbsent(key, position);
        if (first != null) {
          lineErrors.add(new LineError(position, "LineNo", "line " + line.getLineNo() + " of invoice "
              + line.getInvoiceNo() + " is also line " + first + " of this request"));
        }
        for (InvoiceLineRules.Violation v : InvoiceLineRules.check(line)) {
          String message = v.field().equals("unit_price_minor") // the rules speak pence, the request pounds
              ? "must not be negative (but on an adjustment, invoice A...), got "
                  + BigDecimal.valueOf(line.getUnitPriceMinor(), 2).toPlainString()
              : v.message();
          lineErrors.add(new LineError(position, REQUEST_FIELD.getOrDefault(v.field(), v.field()), message));
        }
        java.time.Instant now = clock.instant();
        if (!maxFutureSkew.isZero() && line.getInvoiceDate() != null
            && java.time.Duration.between(now, line.getInvoiceDate()).compareTo(maxFutureSkew) > 0) {
          lineErrors.add(new LineError(position, REQUEST_FIELD.getOrDefault("invoice_date", "InvoiceDate"), "is "
              + java.time.Duration.between(now, line.getInvoiceDate()).toMinutes() + " minutes ahead of the clock, more"
              + " than --max-future-skew-minutes=" + maxFutureSkew.toMinutes() + " allows (the pipelines would send it"
              + " to the dead letters)"));
        }
      }
      if (lineErrors.isEmpty()) {
        lines.add(line);
      } else {
        bad.add(position);
        errors.addAll(lineErrors);
      }
    }
    if (!errors.isEmpty()) {
      errors.sort(java.util.Comparator.comparingInt(LineError::line));
      return failed(errors, bad.size());
    }
    return new Result(lines, List.of(), 0);
  }

  private Result failed(List<LineError> errors, int badLines) {
    return new Result(List.of(), errors.size() > maxErrors ? List.copyOf(errors.subList(0, maxErrors)) : errors,
        Math.max(badLines, 1));
  }

  /** One line, or null when a field is bad ({@code errors} is this line's own list). */
  private InvoiceLine line(JsonNode node, int position, Map<String, Integer> linesPerInvoice, List<LineError> errors) {
    if (!node.isObject()) {
      errors.add(new LineError(position, null, "must be a JSON object, got " + node.getNodeType().name().toLowerCase()));
      return null;
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        errors.add(new LineError(position, name, "unknown field (expected one of " + String.join(", ", FIELDS) + ")"));
      }
    }
    Fields f = new Fields(node, position, errors);
    String invoiceNo = f.text("InvoiceNo", true);
    String stockCode = f.text("StockCode", true);
    String description = f.text("Description", false);
    Integer quantity = f.integer("Quantity", true);
    Instant invoiceDate = f.date("InvoiceDate", localZone);
    Long unitPriceMinor = f.pence("UnitPrice");
    String customerId = f.customerId("CustomerID");
    String country = f.text("Country", true);
    Integer lineNo = f.integer("LineNo", false);
    if (invoiceNo != null) {
      int implicit = linesPerInvoice.merge(invoiceNo, 1, Integer::sum);
      if (lineNo == null) {
        lineNo = implicit;
      }
    }
    if (!errors.isEmpty()) {
      return null;
    }
    return InvoiceLine.newBuilder()
        .setEventId(InvoiceLineRules.eventId(invoiceNo, lineNo))
        .setInvoiceNo(invoiceNo)
        .setLineNo(lineNo)
        .setStockCode(stockCode)
        .setDescription(description)
        .setQuantity(quantity)
        .setInvoiceDate(invoiceDate)
        .setUnitPriceMinor(unitPriceMinor)
        .setCustomerId(customerId)
        .setCountry(country)
        .build();
  }

  private static String jsonMessage(IOException e) {
    if (e instanceof JsonProcessingException j && j.getLocation() != null) {
      String original = j.getOriginalMessage();
      int cut = original.indexOf('\n');
      return (cut > 0 ? original.substring(0, cut) : original) + " at line " + j.getLocation().getLineNr()
          + ", column " + j.getLocation().getColumnNr();
    }
    return e.getMessage();
  }

  /** Reads typed fields of one line, adding an error for each that is missing or malformed. */
  private static final class Fields {
    private final JsonNode node;
    private final int position;
    private final List<LineError> errors;

    Fields(JsonNode node, int position, List<LineError> errors) {
      this.node = node;
      this.position = position;
      this.errors = errors;
    }

    private void error(String field, String message) {
      errors.add(new LineError(position, field, message));
    }

    private JsonNode value(String field) {
      JsonNode v = node.get(field);
      return v == null || v.isNull() ? null : v;
    }

    String text(String field, boolean required) {
      JsonNode v = value(field);
      if (v == null || (v.isTextual() && v.asText().isBlank())) {
        if (required) {
          error(field, "is required");
        }
        return null;
      }
      if (v.isTextual()) {
        return v.asText().strip();
      }
      if (v.isIntegralNumber()) {
        return v.bigIntegerValue().toString();
      }
      error(field, "must be a string, got " + v.getNodeType().name().toLowerCase());
      return null;
    }

    Integer integer(String field, boolean required) {
      JsonNode v = value(field);
      if (v == null || (v.isTextual() && v.asText().isBlank())) {
        if (required) {
          error(field, "is required");
        }
        return null;
      }
      BigDecimal number = decimal(v);
      if (number == null || number.stripTrailingZeros().scale() > 0) {
        error(field, "must be a whole number, got " + v);
        return null;
      }
      try {
        return number.intValueExact();
      } catch (ArithmeticException e) {
        error(field, "is out of range: " + v);
        return null;
      }
    }

    Long pence(String field) {
      JsonNode v = value(field);
      if (v == null || (v.isTextual() && v.asText().isBlank())) {
        error(field, "is required");
        return null;
      }
      BigDecimal pounds = decimal(v);
      if (pounds == null) {
        error(field, "must be a decimal number of pounds, got " + v);
        return null;
      }
      try {
        BigDecimal minor = pounds.movePointRight(2); // throws for an exponent beyond the int range
        if (minor.stripTrailingZeros().scale() > 0) {
          error(field, "has a fraction of a penny: " + pounds.toPlainString());
          return null;
        }
        return minor.longValueExact();
      } catch (ArithmeticException e) {
        error(field, "is out of range: " + v);
        return null;
      }
    }

    String customerId(String field) {
      JsonNode v = value(field);
      if (v == null || (v.isTextual() && v.asText().isBlank())) {
        return null; // a guest
      }
      if (v.isIntegralNumber()) {
        return v.bigIntegerValue().toString();
      }
      if (v.isTextual()) {
        String s = v.asText().strip();
        // spreadsheet exports write a numeric id as 17850.0
        if (s.matches("[0-9]+\\.0+")) {
          return s.substring(0, s.indexOf('.'));
        }
        return s;
      }
      BigDecimal number = v.isNumber() ? decimal(v) : null;
      if (number != null && number.stripTrailingZeros().scale() <= 0) {
        // at most 32 digits (the rules' length) before making the digits: 1e2147483647 would take forever
        if (number.precision() - number.scale() > 32) {
          error(field, "must be at most 32 characters, got " + v);
          return null;
        }
        return number.toBigInteger().toString();
      }
      error(field, "must be a string or a whole number, got " + v);
      return null;
    }

    Instant date(String field, ZoneId zone) {
      JsonNode v = value(field);
      if (v == null || !v.isTextual() || v.asText().isBlank()) {
        error(field, v == null || v.isTextual() ? "is required" : "must be a string, got " + v);
        return null;
      }
      String s = v.asText().strip();
      try {
        return OffsetDateTime.parse(s).toInstant().truncatedTo(ChronoUnit.MILLIS);
      } catch (DateTimeException e) {
        // not ISO with an offset: try the local forms
      }
      for (DateTimeFormatter format : List.of(LOCAL, DATASET)) {
        try {
          return LocalDateTime.parse(s, format).atZone(zone).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeException e) {
          // try the next form
        }
      }
      error(field, "must be a date-time like 2010-12-01T08:26:00Z, 2010-12-01 08:26 or 12/1/2010 8:26, got \"" + s + "\"");
      return null;
    }

    private static BigDecimal decimal(JsonNode v) {
      if (v.isNumber()) {
        try {
          return v.isBigInteger() || v.isIntegralNumber() ? new BigDecimal(v.bigIntegerValue()) : v.decimalValue();
        } catch (NumberFormatException e) {
          return null; // an infinite or NaN double
        }
      }
      if (v.isTextual()) {
        try {
          return new BigDecimal(v.asText().strip());
        } catch (NumberFormatException e) {
          return null;
        }
      }
      return null;
    }
  }
}
