package io.streamlake.generators.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.retail.OnlineRetailCsv.LineError;
import io.streamlake.generators.retail.OnlineRetailCsv.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnlineRetailCsvTest {
  private static final RetailScenario SCENARIO = new RetailScenario();
  /** One invoice a minute from the dataset's first invoice date, so every date is a whole minute. */
  private static final GeneratorConfig MINUTES = GeneratorConfig.builder()
      .seed(6).baseTime(Instant.parse("2010-12-01T08:26:00Z")).rate(1.0 / 60).events(12).build();
  private static final String SAMPLE = "/retail/online_retail_sample.csv";

  private static List<InvoiceLine> lines(GeneratorConfig config) {
    List<InvoiceLine> out = new ArrayList<>();
    SCENARIO.emissions(config).forEachRemaining(e -> out.add((InvoiceLine) e.value()));
    return out;
  }

  private static String csv(List<InvoiceLine> lines) throws IOException {
    StringWriter out = new StringWriter();
    OnlineRetailCsv.write(out, lines);
    return out.toString();
  }

  private static Result read(String text) throws IOException {
    return OnlineRetailCsv.read(new StringReader(text));
  }

  @Test
  void scenarioWrittenAndReadBackGivesEqualLines(@TempDir Path dir) {
    List<InvoiceLine> lines = lines(MINUTES.toBuilder().events(400).build());
    assertTrue(lines.stream().anyMatch(l -> l.getInvoiceNo().startsWith("C")), "has cancellations");
    assertTrue(lines.stream().anyMatch(l -> l.getCustomerId() == null), "has lines without customer");
    assertTrue(lines.stream().anyMatch(l -> l.getDescription() == null), "has lines without description");
    assertTrue(lines.stream().anyMatch(l -> l.getDescription() != null && l.getDescription().contains(",")), "has commas");
    Path file = dir.resolve("retail.csv");
    OnlineRetailCsv.write(file, lines);
    Result result = OnlineRetailCsv.read(file);
    assertEquals(List.of(), result.errors());
    assertEquals(lines, result.lines());
  }

  /** The committed sample is {@code OnlineRetailCsv.write} of the scenario's lines under MINUTES. */
  @Test
  void sampleFileIsTheScenarioAsTheWriterWritesIt() throws IOException {
    String sample;
    try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(SAMPLE), SAMPLE)) {
      sample = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<InvoiceLine> lines = lines(MINUTES);
    assertEquals(csv(lines), sample, "regenerate " + SAMPLE + " with OnlineRetailCsv.write if the scenario changed");
    Result result = read(sample);
    assertEquals(List.of(), result.errors());
    assertEquals(lines, result.lines());
    assertTrue(sample.lines().count() > 90, "about a hundred lines");
    assertTrue(sample.lines().anyMatch(l -> l.startsWith("C") && l.contains(",-")), "a cancellation");
    assertTrue(sample.lines().anyMatch(l -> l.matches(".*,\"[^\"]*, [^\"]*\",.*")), "a quoted description with a comma");
    assertTrue(sample.lines().anyMatch(l -> l.contains(",,United Kingdom")), "a line without customer");
  }

  @Test
  void readsTheDatasetsOwnLines() throws IOException {
    String text = "\uFEFF" + OnlineRetailCsv.HEADER + "\r\n"
        + "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\r\n"
        + "536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom\r\n"
        + "C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527.0,United Kingdom\r\n"
        + "\r\n"
        + "536414,22139,,56,12/1/2010 11:52,0,,United Kingdom\r\n"
        + "536365,22752,\"SET 7 BABUSHKA NESTING BOXES\",2,12/1/2010 8:26,7.65,17850.0,United Kingdom";
    Result result = read(text);
    assertEquals(List.of(), result.errors());
    List<InvoiceLine> lines = result.lines();
    assertEquals(5, lines.size());
    InvoiceLine first = lines.get(0);
    assertEquals("536365", first.getInvoiceNo());
    assertEquals(1, first.getLineNo());
    assertEquals("85123A", first.getStockCode());
    assertEquals("WHITE HANGING HEART T-LIGHT HOLDER", first.getDescription());
    assertEquals(6, first.getQuantity());
    assertEquals(Instant.parse("2010-12-01T08:26:00Z"), first.getInvoiceDate());
    assertEquals(255, first.getUnitPriceMinor());
    assertEquals("17850", first.getCustomerId());
    assertEquals("United Kingdom", first.getCountry());
    assertEquals(RetailScenario.eventId("536365", 1), first.getEventId());
    assertEquals("17850", lines.get(1).getCustomerId());
    assertEquals(2, lines.get(1).getLineNo());
    InvoiceLine cancelled = lines.get(2);
    assertEquals(-1, cancelled.getQuantity());
    assertEquals(2750, cancelled.getUnitPriceMinor());
    assertEquals(1, cancelled.getLineNo());
    InvoiceLine adjustment = lines.get(3);
    assertNull(adjustment.getDescription());
    assertNull(adjustment.getCustomerId());
    assertEquals(0, adjustment.getUnitPriceMinor());
    assertEquals(3, lines.get(4).getLineNo(), "line numbers count per invoice in file order");
    assertEquals(RetailScenario.eventId("536365", 3), lines.get(4).getEventId());
  }

  @Test
  void malformedLinesAreReportedWithTheirLineNumbers() throws IOException {
    String good = "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n";
    String text = OnlineRetailCsv.HEADER + "\n"
        + good // 2
        + "536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850.0\n" // 3: 7 fields
        + "536366,22633,HAND WARMER UNION JACK,six,12/1/2010 8:28,1.85,17850.0,United Kingdom\n" // 4
        + "536366,22632,HAND WARMER RED POLKA DOT,6,2010-12-01 08:28,1.85,17850.0,United Kingdom\n" // 5
        + "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/1/2010 8:34,1.695,13047.0,United Kingdom\n" // 6
        + "536367,22745,\"POPPY'S PLAYHOUSE\" BEDROOM,6,12/1/2010 8:34,2.1,13047.0,United Kingdom\n" // 7
        + "536367,22748,POPPY'S \"PLAYHOUSE\" KITCHEN,6,12/1/2010 8:34,2.1,13047.0,United Kingdom\n" // 8
        + "536368,22960,\"JAM MAKING SET\nWITH JARS\",6,12/1/2010 8:34,4.25,13047.0,United Kingdom\n" // 9-10
        + "536368,22913,RED COAT RACK PARIS FASHION,3,13/1/2010 8:34,4.95,abc,\n" // 11: three problems
        + good // 12
        + "536369,21756,\"BATH BUILDING BLOCK WORD,6,12/1/2010 8:35,5.95,13047.0,United Kingdom\n"; // 13: never closed
    Result result = read(text);
    List<Long> lineNumbers = result.errors().stream().map(LineError::lineNumber).toList();
    assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 11L, 13L), lineNumbers, result.errors().toString());
    List<String> reasons = result.errors().stream().map(LineError::reason).toList();
    assertTrue(reasons.get(0).contains("expected 8 fields but found 7"), reasons.get(0));
    assertTrue(reasons.get(1).contains("Quantity 'six'"), reasons.get(1));
    assertTrue(reasons.get(2).contains("InvoiceDate '2010-12-01 08:28'"), reasons.get(2));
    assertTrue(reasons.get(3).contains("UnitPrice '1.695'") && reasons.get(3).contains("pence"), reasons.get(3));
    assertTrue(reasons.get(4).contains("after the closing quote"), reasons.get(4));
    assertTrue(reasons.get(5).contains("quote inside an unquoted field"), reasons.get(5));
    assertTrue(reasons.get(6).contains("InvoiceDate") && reasons.get(6).contains("CustomerID 'abc'")
        && reasons.get(6).contains("Country is empty"), reasons.get(6));
    assertTrue(reasons.get(7).contains("not closed"), reasons.get(7));
    assertTrue(result.errors().get(1).text().startsWith("536366,22633"), result.errors().get(1).text());
    assertTrue(result.errors().get(1).toString().startsWith("line 4: "), result.errors().get(1).toString());
    // the readable lines are all there, numbered per invoice among themselves
    assertEquals(3, result.lines().size());
    assertEquals("JAM MAKING SET\nWITH JARS", result.lines().get(1).getDescription());
    assertEquals(List.of(1, 1, 2), result.lines().stream().map(InvoiceLine::getLineNo).toList());
  }

  @Test
  void quotesAndLineBreaksSurviveARoundTrip() throws IOException {
    InvoiceLine tricky = new InvoiceLine(RetailScenario.eventId("536400", 1), "536400", 1, "22745",
        "\"POPPY'S PLAYHOUSE\", BEDROOM\nSET", 2, Instant.parse("2011-03-04T17:05:00Z"), 210L, null, "Channel Islands");
    String text = csv(List.of(tricky));
    assertTrue(text.contains("\"\"\"POPPY'S PLAYHOUSE\"\", BEDROOM\nSET\""), text);
    assertTrue(text.contains(",3/4/2011 17:05,2.1,,Channel Islands"), text);
    assertEquals(List.of(tricky), read(text).lines());
  }

  @Test
  void writerKeepsMinutesOnly() throws IOException {
    InvoiceLine line = SCENARIO.invoice(GeneratorConfig.builder().baseTime(Instant.parse("2010-12-01T08:26:59.999Z")).build(), 0).get(0);
    assertTrue(OnlineRetailCsv.row(line).contains(",12/1/2010 8:26,"), OnlineRetailCsv.row(line));
  }

  @Test
  void aFileWithoutTheHeaderIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> read("536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n"));
    assertTrue(e.getMessage().startsWith("line 1: expected the header"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> read(""));
  }
}
