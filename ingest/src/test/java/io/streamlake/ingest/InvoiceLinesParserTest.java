package io.streamlake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.schemas.InvoiceLineRules;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InvoiceLinesParserTest {
  private final InvoiceLinesParser parser = new InvoiceLinesParser(ZoneId.of("UTC"), 100);

  static String line(String invoiceNo, String extra) {
    return "{\"InvoiceNo\":\"" + invoiceNo + "\",\"StockCode\":\"85123A\",\"Description\":\"WHITE HANGING HEART T-LIGHT HOLDER\","
        + "\"Quantity\":6,\"InvoiceDate\":\"2010-12-01 08:26\",\"UnitPrice\":2.55,\"CustomerID\":\"17850\","
        + "\"Country\":\"United Kingdom\"" + extra + "}";
  }

  private InvoiceLinesParser.Result json(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8), InvoiceLinesParser.Format.JSON);
  }

  private InvoiceLinesParser.Result ndjson(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8), InvoiceLinesParser.Format.NDJSON);
  }

  private static Set<String> fields(InvoiceLinesParser.Result r) {
    return r.errors().stream().map(e -> e.line() + ":" + e.field()).collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  @Test
  void anInvoiceDateFarAheadOfTheClockIsAFieldError() {
    // the clock of the API: 2010-12-01 07:00 UTC; the dataset line is dated 08:26 the same day
    java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2010-12-01T07:00:00Z"), ZoneId.of("UTC"));
    InvoiceLinesParser hourAhead = new InvoiceLinesParser(ZoneId.of("UTC"), 100, java.time.Duration.ofMinutes(60), clock);
    InvoiceLinesParser.Result refused = hourAhead.parse(line("536365", "").getBytes(StandardCharsets.UTF_8),
        InvoiceLinesParser.Format.JSON);
    assertEquals(Set.of("1:InvoiceDate"), fields(refused));
    assertTrue(refused.errors().get(0).message().contains("86 minutes ahead of the clock"), refused.errors().toString());
    InvoiceLinesParser twoHours = new InvoiceLinesParser(ZoneId.of("UTC"), 100, java.time.Duration.ofMinutes(120), clock);
    assertEquals(Set.of(), fields(twoHours.parse(line("536365", "").getBytes(StandardCharsets.UTF_8),
        InvoiceLinesParser.Format.JSON)));
    InvoiceLinesParser unlimited = new InvoiceLinesParser(ZoneId.of("UTC"), 100, java.time.Duration.ZERO, clock);
    assertEquals(Set.of(), fields(unlimited.parse(line("536365", "").getBytes(StandardCharsets.UTF_8),
        InvoiceLinesParser.Format.JSON)));
  }

  @Test
  void datasetLineBecomesAnAvroLine() {
    InvoiceLinesParser.Result r = json(line("536365", ""));
    assertTrue(r.ok(), () -> r.errors().toString());
    InvoiceLine l = r.lines().get(0);
    assertEquals("536365", l.getInvoiceNo());
    assertEquals(1, l.getLineNo());
    assertEquals(255, l.getUnitPriceMinor());
    assertEquals(6, l.getQuantity());
    assertEquals(Instant.parse("2010-12-01T08:26:00Z"), l.getInvoiceDate());
    assertEquals("17850", l.getCustomerId());
    assertEquals(InvoiceLineRules.eventId("536365", 1), l.getEventId());
  }

  @Test
  void stringNumbersAndEveryDateFormAreRead() {
    String body = "[" + String.join(",",
        "{\"InvoiceNo\":536366,\"StockCode\":22633,\"Quantity\":\"6\",\"InvoiceDate\":\"12/1/2010 8:28\",\"UnitPrice\":\"1.85\","
            + "\"CustomerID\":\"17850.0\",\"Country\":\"United Kingdom\"}",
        line("536367", "").replace("2010-12-01 08:26", "2010-12-01T08:34:00+01:00"),
        line("536368", "").replace("2010-12-01 08:26", "2010-12-01T08:34:00.250Z"),
        line("536369", "").replace("\"CustomerID\":\"17850\"", "\"CustomerID\":null")) + "]";
    InvoiceLinesParser.Result r = json(body);
    assertTrue(r.ok(), () -> r.errors().toString());
    assertEquals("22633", r.lines().get(0).getStockCode());
    assertNull(r.lines().get(0).getDescription());
    assertEquals(185, r.lines().get(0).getUnitPriceMinor());
    assertEquals("17850", r.lines().get(0).getCustomerId());
    assertEquals(Instant.parse("2010-12-01T08:28:00Z"), r.lines().get(0).getInvoiceDate());
    assertEquals(Instant.parse("2010-12-01T07:34:00Z"), r.lines().get(1).getInvoiceDate());
    assertEquals(Instant.parse("2010-12-01T08:34:00.250Z"), r.lines().get(2).getInvoiceDate());
    assertNull(r.lines().get(3).getCustomerId(), "a guest");
  }

  @Test
  void localTimesAreReadInTheConfiguredZone() {
    InvoiceLinesParser london = new InvoiceLinesParser(ZoneId.of("Europe/London"), 100);
    InvoiceLine l = london.parse(line("536365", "").replace("2010-12-01 08:26", "2011-06-01 08:26")
        .getBytes(StandardCharsets.UTF_8), InvoiceLinesParser.Format.JSON).lines().get(0);
    assertEquals(Instant.parse("2011-06-01T07:26:00Z"), l.getInvoiceDate(), "British summer time");
  }

  @Test
  void linesAreNumberedWithinTheirInvoiceUnlessLineNoIsGiven() {
    InvoiceLinesParser.Result r = ndjson(line("1", "") + "\n" + line("2", "") + "\n\n" + line("1", "") + "\r\n"
        + line("3", ",\"LineNo\":7") + "\n");
    assertTrue(r.ok(), () -> r.errors().toString());
    assertEquals(List.of("1#1", "2#1", "1#2", "3#7"),
        r.lines().stream().map(l -> l.getInvoiceNo() + "#" + l.getLineNo()).toList());
  }

  @Test
  void everyBadLineGetsAFieldLevelError() {
    String body = "[" + String.join(",",
        line("536365", ""),
        line("536366", "").replace("\"Quantity\":6", "\"Quantity\":2.5"),
        line("536367", "").replace("\"UnitPrice\":2.55", "\"UnitPrice\":0.001").replace("2010-12-01 08:26", "yesterday"),
        line("C536368", ""),
        "{\"StockCode\":\"X\",\"Quantity\":1,\"InvoiceDate\":\"2010-12-01 08:26\",\"UnitPrice\":1,\"Country\":\"UK\",\"Colour\":\"red\"}",
        line("536369", "").replace("\"Quantity\":6", "\"Quantity\":0").replace("\"UnitPrice\":2.55", "\"UnitPrice\":-1"),
        "42") + "]";
    InvoiceLinesParser.Result r = json(body);
    assertFalse(r.ok());
    assertTrue(r.lines().isEmpty(), "a bad line rejects the whole request");
    assertEquals(6, r.badLines());
    assertEquals(Set.of("2:Quantity", "3:InvoiceDate", "3:UnitPrice", "4:Quantity", "5:Colour", "5:InvoiceNo",
        "6:Quantity", "6:UnitPrice", "7:null"), fields(r));
    assertTrue(r.errors().stream().anyMatch(e -> e.message().contains("negative on a cancellation")));
    assertTrue(r.errors().stream().anyMatch(e -> e.message().contains("fraction of a penny")));
  }

  @Test
  void theSameLineTwiceInOneRequestIsAnError() {
    InvoiceLinesParser.Result r = json("[" + line("9", ",\"LineNo\":1") + "," + line("9", ",\"LineNo\":1") + "]");
    assertEquals(Set.of("2:LineNo"), fields(r));
  }

  @Test
  void malformedBodies() {
    assertEquals(Set.of("0:null"), fields(json("{\"InvoiceNo\": ")));
    assertEquals(Set.of("0:null"), fields(json("[]")));
    assertEquals(Set.of("0:null"), fields(ndjson("\n\n")));
    InvoiceLinesParser.Result r = ndjson(line("1", "") + "\n{oops\n" + line("2", ""));
    assertEquals(Set.of("2:null"), fields(r));
    assertTrue(r.errors().get(0).message().startsWith("malformed JSON"), r.errors().toString());
  }

  @Test
  void errorsAreCappedButBadLinesAreCounted() {
    InvoiceLinesParser small = new InvoiceLinesParser(ZoneId.of("UTC"), 3);
    String body = java.util.stream.IntStream.range(0, 10).mapToObj(i -> line("X" + i, "").replace("\"Quantity\":6", "\"Quantity\":0"))
        .collect(Collectors.joining("\n"));
    InvoiceLinesParser.Result r = small.parse(body.getBytes(StandardCharsets.UTF_8), InvoiceLinesParser.Format.NDJSON);
    assertEquals(3, r.errors().size());
    assertEquals(10, r.badLines());
  }

  @Test
  void contentTypes() {
    assertEquals(InvoiceLinesParser.Format.JSON, IngestServer.format("application/json"));
    assertEquals(InvoiceLinesParser.Format.JSON, IngestServer.format("Application/JSON; charset=UTF-8"));
    assertEquals(InvoiceLinesParser.Format.NDJSON, IngestServer.format("application/x-ndjson"));
    assertNull(IngestServer.format("application/json; charset=iso-8859-1"));
    assertNull(IngestServer.format("text/csv"));
    assertNull(IngestServer.format(null));
  }

  @Test
  void aBodyWithMoreThanItsValueOrAKeyTwiceIsMalformedNotHalfRead() {
    String one = line("536365", "");
    String two = line("536366", "");
    for (String body : List.of(one + two, one + "," + two, "[" + one + "] trailing")) {
      InvoiceLinesParser.Result r = json(body);
      assertFalse(r.ok(), body);
      assertTrue(r.errors().get(0).message().startsWith("malformed JSON"), () -> r.errors().toString());
    }
    InvoiceLinesParser.Result twoOnALine = ndjson(one + two);
    assertFalse(twoOnALine.ok(), "two objects on one NDJSON line");
    InvoiceLinesParser.Result twice = json(line("536365", ",\"Quantity\":-6"));
    assertFalse(twice.ok(), "Quantity given twice");
    assertTrue(twice.errors().get(0).message().contains("Duplicate field"), () -> twice.errors().toString());
  }

  @Test
  void anNdjsonBodyThatIsNotUtf8IsRefusedNotRewritten() {
    byte[] latin1 = line("536365", "").replace("WHITE HANGING HEART T-LIGHT HOLDER", "CAF\u00c9 MUG")
        .getBytes(StandardCharsets.ISO_8859_1);
    InvoiceLinesParser.Result r = parser.parse(latin1, InvoiceLinesParser.Format.NDJSON);
    assertFalse(r.ok());
    assertEquals("the body is not valid UTF-8", r.errors().get(0).message());
    assertFalse(parser.parse(latin1, InvoiceLinesParser.Format.JSON).ok(), "as the JSON path");
  }

  @Test
  void numbersBeyondEveryRangeAreFieldErrors() {
    InvoiceLinesParser.Result r = json("[" + String.join(",",
        line("536365", "").replace("\"Quantity\":6", "\"Quantity\":1e400"),
        line("536366", "").replace("\"UnitPrice\":2.55", "\"UnitPrice\":\"1e2147483647\""),
        line("536367", "").replace("\"UnitPrice\":2.55", "\"UnitPrice\":1e400"),
        line("536368", "").replace("\"CustomerID\":\"17850\"", "\"CustomerID\":1e2147483647")) + "]");
    assertFalse(r.ok());
    assertEquals(Set.of("1:Quantity", "2:UnitPrice", "3:UnitPrice", "4:CustomerID"), fields(r), () -> r.errors().toString());
  }
}
