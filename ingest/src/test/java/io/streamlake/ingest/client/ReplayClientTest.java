package io.streamlake.ingest.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.generators.cli.TopicReader;
import io.streamlake.ingest.IngestConfig;
import io.streamlake.ingest.IngestServer;
import io.streamlake.schemas.InvoiceLineRules;
import io.streamlake.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The replay client against the running API: pacing, batching, a rejected line, and Kafka down. */
class ReplayClientTest {
  static final String PREFIX = "replay-client-";
  static EmbeddedKafka kafka;
  static IngestServer server;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.shared();
    kafka.createTopics(PREFIX, List.of(Topics.RETAIL_INVOICE_LINES));
    server = IngestServer.start(IngestConfig.defaults(kafka.bootstrapServers(), 0).withTopicPrefix(PREFIX).withToken("t0ken"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static InvoiceLine line(String invoiceNo, int lineNo, int quantity) {
    return InvoiceLine.newBuilder().setEventId(InvoiceLineRules.eventId(invoiceNo, lineNo)).setInvoiceNo(invoiceNo)
        .setLineNo(lineNo).setStockCode("85123A").setDescription("WHITE \"HANGING\" HEART, T-LIGHT").setQuantity(quantity)
        .setInvoiceDate(Instant.parse("2010-12-01T08:26:00Z")).setUnitPriceMinor(255).setCustomerId("17850")
        .setCountry("United Kingdom").build();
  }

  private static ReplayClient.Settings settings(int port, double rate, int batch) {
    return new ReplayClient.Settings(URI.create("http://127.0.0.1:" + port), "t0ken", rate, batch, 3,
        Duration.ofMillis(100), true);
  }

  @Test
  void linesArePacedBatchedAndABadLineIsReportedAndSkipped() throws Exception {
    List<InvoiceLine> lines = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      lines.add(line("300" + (i / 7), 1 + i % 7, i == 23 ? 0 : 1 + i));
    }
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    ReplayClient client = new ReplayClient(settings(server.port(), 200, 8), new PrintStream(printed, true, StandardCharsets.UTF_8));
    ReplayClient.Summary summary = client.replay(lines.stream().map(ReplayClient.Line::of).iterator(), () -> false);
    String output = printed.toString(StandardCharsets.UTF_8);
    assertNull(summary.fatal(), output);
    assertEquals(60, summary.read());
    assertEquals(59, summary.accepted());
    assertEquals(1, summary.rejected());
    assertTrue(summary.elapsed().toMillis() >= 250, "60 lines at 200/s take about 0.3 s, took " + summary.elapsed());
    assertTrue(output.contains("rejected 3003#3: Quantity: must not be 0"), output);
    assertTrue(output.contains("replay done: 60 lines read, 59 accepted, 1 rejected"), output);
    List<String> ids = TopicReader.readAll(kafka.bootstrapServers(), PREFIX + Topics.RETAIL_INVOICE_LINES.name(),
            Duration.ofSeconds(30)).stream().map(r -> Topics.RETAIL_INVOICE_LINES.codec().decode(r.value()))
        .filter(l -> l.getInvoiceNo().startsWith("300")).map(InvoiceLine::getEventId).sorted().collect(Collectors.toList());
    assertEquals(lines.stream().filter(l -> l.getQuantity() != 0).map(InvoiceLine::getEventId).sorted().toList(), ids);
  }

  @Test
  void aWrongTokenStopsTheReplay() throws Exception {
    ReplayClient.Settings wrong = new ReplayClient.Settings(URI.create("http://127.0.0.1:" + server.port()), "nope", 0, 5, 3,
        Duration.ofSeconds(5), true);
    ReplayClient.Summary summary = new ReplayClient(wrong, new PrintStream(new ByteArrayOutputStream()))
        .replay(List.of(line("400", 1, 1), line("400", 2, 1)).stream().map(ReplayClient.Line::of).iterator(), () -> false);
    assertTrue(summary.fatal().startsWith("the API answered 401"), summary.fatal());
    assertEquals(0, summary.accepted());
  }

  @Test
  void kafkaDownIsRetriedThenReported() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (IngestServer down = IngestServer.start(IngestConfig.defaults("127.0.0.1:" + port, 0)
        .withProduceTimeout(Duration.ofSeconds(1)))) {
      ReplayClient.Summary summary = new ReplayClient(settings(down.port(), 0, 5), new PrintStream(new ByteArrayOutputStream()))
          .replay(List.of(ReplayClient.Line.of(line("500", 1, 1))).iterator(), () -> false);
      assertEquals(2, summary.retries());
      assertEquals(3, summary.requests(), "the same request, three times");
      assertTrue(summary.fatal().startsWith("the API answered 503"), summary.fatal());
    }
  }

  @Test
  void anOnlineRetailCsvIsReplayedThroughTheGeneratorsReader() throws Exception {
    String csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\r\n"
        + "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\r\n"
        + "536365,71053,\"METAL LANTERN, \"\"WHITE\"\"\",6,12/1/2010 8:26,3.39,17850.0,United Kingdom\r\n"
        + "536414,22139,,56,12/1/2010 11:52,0,,United Kingdom\r\n"
        + "536415,22140,NOT A DATE,1,2010-12-01,1,,United Kingdom\r\n"
        + "536416,22141,NOTHING,0,12/1/2010 11:55,1,,United Kingdom\r\n"
        + "A563185,B,Adjust bad debt,1,8/12/2011 14:50,-11062.06,,United Kingdom\r\n"
        + "C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527.0,United Kingdom\r\n";
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    ReplayClient.Summary summary;
    long unreadable;
    try (CsvLines rows = new CsvLines(new java.io.StringReader(csv), "sample.csv", out)) {
      summary = new ReplayClient(settings(server.port(), 0, 10), out).replay(rows, () -> false);
      unreadable = rows.unreadable();
    }
    String output = printed.toString(StandardCharsets.UTF_8);
    assertNull(summary.fatal(), output);
    assertEquals(1, unreadable, "the row with a bad date: " + output);
    assertTrue(output.contains("unreadable sample.csv line 5: InvoiceDate '2010-12-01'"), output);
    assertEquals(6, summary.read());
    assertEquals(5, summary.accepted(), output);
    assertEquals(1, summary.rejected());
    assertTrue(output.contains("rejected 536416#1: Quantity: must not be 0"), output);
    java.util.Map<String, InvoiceLine> byKey = TopicReader.readAll(kafka.bootstrapServers(),
            PREFIX + Topics.RETAIL_INVOICE_LINES.name(), Duration.ofSeconds(30)).stream()
        .map(r -> Topics.RETAIL_INVOICE_LINES.codec().decode(r.value()))
        .collect(Collectors.toMap(l -> l.getInvoiceNo() + "#" + l.getLineNo(), l -> l, (a, b) -> b));
    InvoiceLine lantern = byKey.get("536365#2");
    assertEquals("METAL LANTERN, \"WHITE\"", lantern.getDescription());
    assertEquals(339, lantern.getUnitPriceMinor());
    assertEquals("17850", lantern.getCustomerId());
    assertEquals(Instant.parse("2010-12-01T08:26:00Z"), lantern.getInvoiceDate());
    assertNull(byKey.get("536414#1").getCustomerId(), "a guest");
    assertNull(byKey.get("536414#1").getDescription());
    assertEquals(-1106206, byKey.get("A563185#1").getUnitPriceMinor(), "a bad-debt adjustment");
    assertEquals(-1, byKey.get("C536379#1").getQuantity());
    assertEquals(io.streamlake.generators.retail.RetailScenario.eventId("C536379", 1), byKey.get("C536379#1").getEventId(),
        "the API gives a line the id the generators give it");
  }
}
