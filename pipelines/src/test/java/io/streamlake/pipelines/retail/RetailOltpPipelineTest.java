package io.streamlake.pipelines.retail;

import static io.streamlake.pipelines.retail.RetailFixtures.line;
import static io.streamlake.pipelines.retail.RetailFixtures.minutes;
import static io.streamlake.pipelines.retail.RetailFixtures.raw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.devservices.PostgresServer;
import io.streamlake.events.DeadLetter;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.pipelines.common.Collected;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.common.Warehouse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestStream;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** The OLTP pipeline's cases on the Direct runner (streaming, from a TestStream) into a real PostgreSQL. */
class RetailOltpPipelineTest {

  /** Runs decode, check and the store over the records, in two bursts; returns the dead letters and counters. */
  private static Run run(RetailOltpPipeline.Options options, List<RawRecord> records) {
    Warehouse.of(options).migrate(OltpStore.MIGRATIONS);
    TestStream.Builder<RawRecord> stream = TestStream.create(RawRecord.Coder.of()).advanceWatermarkTo(new Instant(0));
    int half = records.size() / 2;
    for (List<RawRecord> burst : List.of(records.subList(0, half), records.subList(half, records.size()))) {
      for (RawRecord r : burst) {
        stream = stream.addElements(org.apache.beam.sdk.values.TimestampedValue.of(r, new Instant(r.timestampMillis())));
      }
      stream = stream.advanceProcessingTime(org.joda.time.Duration.standardSeconds(1));
    }
    Pipeline p = Pipeline.create(options);
    RetailOltpPipeline.Outputs out = RetailOltpPipeline.parse(p.apply("Records", stream.advanceWatermarkToInfinity()), options);
    RetailOltpPipeline.write(out, options);
    Collected<DeadLetter> dead = Collected.of(out.deadLetters(), "dead");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return new Run(dead.get(), Preflight.counters(result));
  }

  private record Run(List<DeadLetter> deadLetters, Map<String, Long> counters) {}

  private static RetailOltpPipeline.Options options(String database) {
    RetailOltpPipeline.Options options = RetailFixtures.options("DirectRunner", PostgresServer.shared().jdbcUrl(database));
    options.setWriteDeadLetters(false);
    options.setStreaming(true);
    return options;
  }

  private static List<RawRecord> records(List<InvoiceLine> lines) {
    List<RawRecord> out = new ArrayList<>();
    for (InvoiceLine l : lines) {
      out.add(raw(l, out.size()));
    }
    return out;
  }

  @Test
  void theRetailScenarioFillsTheViewsAsTheModelSaysAndAReplayChangesNothing() {
    List<InvoiceLine> lines = RetailFixtures.scenario(1, 40);
    RetailOltpPipeline.Options options = options("retail_day");
    Warehouse warehouse = Warehouse.of(options);
    RetailModel model = RetailModel.of(lines);
    assertTrue(model.returned.size() > 3 && model.spend.size() > 4, "the fixture has returns and customers");

    Run first = run(options, records(lines));
    RetailViews views = RetailViews.read(warehouse);
    assertEquals(model.spend, views.spend);
    assertEquals(model.history, views.history);
    assertEquals(model.returned, views.returned);
    assertEquals(List.of(), first.deadLetters());
    assertEquals((long) lines.size(), first.counters().get("retail:lines_valid"));

    long lineRows = RetailViews.count(warehouse, "invoice_lines");
    long returnRows = RetailViews.count(warehouse, "returns");
    assertEquals(lines.size(), lineRows + returnRows, "one row per line");
    run(options, records(lines));
    RetailViews again = RetailViews.read(warehouse);
    assertTrue(again.matches(model), "a replay gives the same views");
    assertEquals(lineRows, RetailViews.count(warehouse, "invoice_lines"), "and no duplicate rows");
    assertEquals(returnRows, RetailViews.count(warehouse, "returns"));
    assertEquals(model.spend.size(), RetailViews.count(warehouse, "customers"));
  }

  @Test
  void aNewCustomerIsCreatedWithTheCountryOfItsEarliestInvoice() throws Exception {
    RetailOltpPipeline.Options options = options("retail_customer");
    List<InvoiceLine> lines = List.of(
        line("600002", 1, "22633", 3, 185, "99001", "France", minutes(60)),
        line("600001", 1, "85123A", 6, 255, "99001", "EIRE", minutes(10)),
        line("600003", 1, "71053", 1, 339, null, "United Kingdom", minutes(20)));
    run(options, records(lines));
    try (Connection c = Warehouse.of(options).connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT customer_id, country, first_invoice_at, created_by FROM customers")) {
      assertTrue(rs.next());
      assertEquals("99001 EIRE 2010-12-01T08:10 invoice-line", rs.getString(1) + " " + rs.getString(2) + " "
          + rs.getObject(3, java.time.LocalDateTime.class) + " " + rs.getString(4));
      assertTrue(!rs.next(), "a guest creates no customer");
    }
    assertEquals(3, RetailViews.count(Warehouse.of(options), "invoices"));
    assertEquals(RetailModel.of(lines).spend, RetailViews.read(Warehouse.of(options)).spend);
  }

  @Test
  void aChangedLineReplacesItsRowAndACancellationBecomesAReturn() {
    RetailOltpPipeline.Options options = options("retail_change");
    List<InvoiceLine> lines = List.of(
        line("610001", 1, "85123A", 6, 255, "99002", "United Kingdom", minutes(0)),
        line("610001", 2, "71053", 2, 339, "99002", "United Kingdom", minutes(0)),
        line("610001", 2, "71053", 4, 339, "99002", "United Kingdom", minutes(0)),
        line("C610001", 1, "85123A", -2, 255, "99002", "United Kingdom", minutes(30)));
    run(options, records(lines));
    RetailViews views = RetailViews.read(Warehouse.of(options));
    assertTrue(views.matches(RetailModel.of(lines)), () -> views.spend + " " + views.history);
    RetailModel.Spend spend = views.spend.get("99002");
    assertEquals(6 * 255 + 4 * 339, spend.orderedMinor(), "the second version of line 2 counts");
    assertEquals(2 * 255, spend.refundedMinor());
    assertEquals(6 * 255 + 4 * 339 - 2 * 255, spend.totalSpendMinor());
    assertEquals(new RetailModel.Returned("99002", "C610001", 1, minutes(30), "85123A", "ITEM 85123A", 2, 255, 510),
        views.returned.get("C610001#1"));
  }

  @Test
  void malformedAndInvalidRecordsGoToDeadLettersAndNotToTheStore() {
    RetailOltpPipeline.Options options = options("retail_dead");
    InvoiceLine good = line("620001", 1, "85123A", 6, 255, "99003", "United Kingdom", minutes(0));
    InvoiceLine zero = line("620002", 1, "85123A", 0, 255, "99003", "United Kingdom", minutes(0));
    InvoiceLine positiveCancellation = line("C620001", 1, "85123A", 2, 255, "99003", "United Kingdom", minutes(5));
    // a NUL in the event id: PostgreSQL text cannot hold it, so letting it through would fail every write of its batch
    InvoiceLine nulInId = line("620003", 1, "85123A", 1, 255, "99003", "United Kingdom", minutes(1));
    nulInId.setEventId("ev-\u0000-1");
    List<RawRecord> records = new ArrayList<>(records(List.of(good, zero, positiveCancellation, nulInId)));
    records.add(new RawRecord("retail-invoice-lines", 0, 99, null, "not avro".getBytes(StandardCharsets.UTF_8), 0));
    Run run = run(options, records);
    assertEquals(List.of("CheckInvoiceLineRules", "CheckInvoiceLineRules", "CheckInvoiceLineRules", "DecodeInvoiceLine"),
        run.deadLetters().stream().map(DeadLetter::getFailedStep).sorted().toList());
    String errors = run.deadLetters().stream().map(DeadLetter::getError).collect(Collectors.joining("\n"));
    assertTrue(errors.contains("quantity: must not be 0"), errors);
    assertTrue(errors.contains("quantity: must be negative on a cancellation"), errors);
    assertTrue(errors.contains("event_id: must be 1 to 128 printable characters, got \"ev-\\u0000-1\""), errors);
    assertEquals(1, RetailViews.count(Warehouse.of(options), "invoice_lines"));
    assertEquals(0, RetailViews.count(Warehouse.of(options), "returns"));
    assertEquals(3L, run.counters().get("retail:lines_invalid"));
    // an invalid line's dead letter points at its Kafka record and holds its bytes as read
    Map<Long, RawRecord> byOffset = records.stream().collect(Collectors.toMap(RawRecord::offset, r -> r));
    for (DeadLetter d : run.deadLetters()) {
      assertEquals(0, d.getSourcePartition(), d.toString());
      RawRecord origin = byOffset.get(d.getSourceOffset());
      assertTrue(origin != null, "a dead letter names its record's offset: " + d);
      assertArrayEquals(origin.value(), java.util.Arrays.copyOfRange(d.getOriginalValue().array(),
          d.getOriginalValue().arrayOffset() + d.getOriginalValue().position(),
          d.getOriginalValue().arrayOffset() + d.getOriginalValue().limit()), d.getFailedStep());
    }
  }

  @Test
  void aDuckDbUrlIsRefusedWithAClearSentence() {
    RetailOltpPipeline.Options options = RetailFixtures.options("DirectRunner", "jdbc:duckdb:/tmp/never.duckdb");
    Preflight.PreflightException e = assertThrows(Preflight.PreflightException.class, () -> RetailOltpPipeline.run(options));
    assertTrue(e.getMessage().contains("The retail OLTP store is PostgreSQL"), e.getMessage());
  }

  @Test
  void everyLineOfTheRetailScenarioKeepsTheRules() {
    List<InvoiceLine> lines = RetailFixtures.scenario(3, 2_000);
    assertEquals(List.of(), lines.stream().filter(l -> !io.streamlake.schemas.InvoiceLineRules.check(l).isEmpty())
        .map(l -> l.getInvoiceNo() + "#" + l.getLineNo() + " " + io.streamlake.schemas.InvoiceLineRules.check(l)).toList(),
        "the generator and the pipeline agree on what a valid line is");
  }

  @Test
  void optionsLoad() {
    assertEquals(true, PipelineOptionsFactory.fromArgs().as(RetailOltpPipeline.Options.class).getWriteDeadLetters());
  }

}
