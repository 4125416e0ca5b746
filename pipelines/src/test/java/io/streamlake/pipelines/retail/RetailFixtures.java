package io.streamlake.pipelines.retail;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.retail.RetailScenario;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.InvoiceLineRules;
import io.streamlake.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Invoice lines for the retail tests: single lines, the generators' retail scenario, and their raw form. */
final class RetailFixtures {
  private RetailFixtures() {}

  static final Instant BASE = Instant.parse("2010-12-01T08:00:00Z");
  static InvoiceLine line(String invoiceNo, int lineNo, String stockCode, int quantity, long priceMinor, String customerId,
      String country, Instant date) {
    return InvoiceLine.newBuilder().setEventId(InvoiceLineRules.eventId(invoiceNo, lineNo)).setInvoiceNo(invoiceNo)
        .setLineNo(lineNo).setStockCode(stockCode).setDescription("ITEM " + stockCode).setQuantity(quantity)
        .setInvoiceDate(date).setUnitPriceMinor(priceMinor).setCustomerId(customerId).setCountry(country).build();
  }

  static Instant minutes(long m) {
    return BASE.plus(Duration.ofMinutes(m));
  }

  /** A record as the pipeline reads it from the topic. */
  static RawRecord raw(InvoiceLine line, long offset) {
    return new RawRecord(Topics.RETAIL_INVOICE_LINES.name(), 0, offset,
        line.getInvoiceNo().getBytes(StandardCharsets.UTF_8), Topics.RETAIL_INVOICE_LINES.codec().encode(line),
        line.getInvoiceDate().toEpochMilli());
  }

  /**
   * The first {@code invoices} invoices of the generators' retail scenario (a small catalogue and few
   * customers, so customers come back and cancellations find their invoices), one a minute from
   * {@link #BASE}, in the order the generator sends them.
   */
  static List<InvoiceLine> scenario(long seed, int invoices) {
    RetailScenario scenario = new RetailScenario(200, 40, 0.15);
    GeneratorConfig config = GeneratorConfig.builder().seed(seed).baseTime(BASE).rate(1.0 / 60).events(invoices).build();
    List<InvoiceLine> out = new ArrayList<>();
    for (long n = 0; n < invoices; n++) {
      out.addAll(scenario.invoice(config, n));
    }
    return out;
  }

  /** Options for a runner: Direct, or Flink on an embedded MiniCluster. */
  static RetailOltpPipeline.Options options(String runner, String jdbcUrl) {
    List<String> args = new ArrayList<>(List.of("--runner=" + runner, "--jdbcUrl=" + jdbcUrl, "--jdbcBatchSize=200"));
    if (runner.equals("FlinkRunner")) {
      args.addAll(List.of("--flinkMaster=[local]", "--parallelism=2", "--objectReuse=false"));
    }
    PipelineOptionsFactory.register(RetailOltpPipeline.Options.class);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(RetailOltpPipeline.Options.class);
  }
}
