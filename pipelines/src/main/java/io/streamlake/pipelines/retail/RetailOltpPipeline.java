package io.streamlake.pipelines.retail;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RunnerMatrix;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.common.ReadTopic;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.common.WarehouseOptions;
import io.streamlake.pipelines.common.WriteTopic;
import io.streamlake.schemas.Topics;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * The retail OLTP store, kept current in streaming: reads the invoice lines the shop systems post to
 * the ingest API ({@code ingest/}), checks them, and upserts them into PostgreSQL ({@link OltpStore}):
 * {@code customers} (a customer named by a line is created when missing), {@code invoices}, {@code
 * invoice_lines} and {@code returns} (cancellation lines), keyed by invoice and line so a replay never
 * duplicates. Three views answer customers' questions: {@code customer_total_spend}, {@code
 * customer_order_history} and {@code customer_returned_items}.
 *
 * <p>Input: topic {@code retail-invoice-lines} (Avro single-object, key = invoice number). Outputs: the
 * tables above; undecodable records and lines that break {@link io.streamlake.schemas.InvoiceLineRules}
 * to the topic {@code deadletter}. No windows and no state: each line is written when it is read (Flink
 * and Direct bundles close within about a second), so event time plays no part.
 *
 * <pre>
 * scripts/run-pipeline.sh retail-oltp --runner=FlinkRunner --flinkMaster=[local] \
 *     --bootstrapServers=127.0.0.1:9092 --jdbcUrl=jdbc:postgresql://127.0.0.1:5432/streamlake --jdbcUser=streamlake
 * </pre>
 * (the password comes from the variable named by {@code --jdbcPasswordEnv}, STREAMLAKE_JDBC_PASSWORD by default).
 */
public final class RetailOltpPipeline {
  private RetailOltpPipeline() {}

  /** Options of the OLTP pipeline. */
  public interface Options extends KafkaOptions, WarehouseOptions, StreamingOptions {
    @Description("Write undecodable and invalid records to the dead-letter topic")
    @Default.Boolean(true)
    Boolean getWriteDeadLetters();

    void setWriteDeadLetters(Boolean value);
  }

  public static void main(String[] args) {
    Preflight.main(args, Options.class, RetailOltpPipeline::run);
  }

  /** Checks the options and endpoints, migrates the store, builds and starts the pipeline. */
  public static PipelineResult run(Options options) {
    options.setStreaming(options.getReadMode() == KafkaOptions.ReadMode.STREAMING);
    if (!options.getJdbcUrl().startsWith("jdbc:postgresql:")) {
      // the URL is not repeated: it may hold a password (a typo in the scheme gets here before that is refused)
      String scheme = options.getJdbcUrl().replaceFirst("^([A-Za-z0-9:]*).*$", "$1");
      throw new Preflight.PreflightException("The retail OLTP store is PostgreSQL: pass"
          + " --jdbcUrl=jdbc:postgresql://HOST:PORT/DB (got a URL starting " + scheme + ").");
    }
    Preflight.check(options, RunnerMatrix.PipelineName.RETAIL_OLTP);
    Warehouse.of(options).migrate(OltpStore.MIGRATIONS);
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, options);
    return pipeline.run();
  }

  /** Reads the topic, checks the lines and writes every output. */
  public static Outputs build(Pipeline pipeline, Options options) {
    PCollection<RawRecord> records = pipeline.apply("ReadInvoiceLines", ReadTopic.of(options, Topics.RETAIL_INVOICE_LINES));
    Outputs outputs = parse(records, options);
    write(outputs, options);
    return outputs;
  }

  /** Decodes and checks raw records: everything between the IO edges. */
  public static Outputs parse(PCollection<RawRecord> records, Options options) {
    ValidateInvoiceLines validate = ValidateInvoiceLines.create().withMaxFutureSkew(KafkaOptions.maxFutureSkew(options));
    PCollectionTuple checked = records.apply("ValidateInvoiceLines", validate);
    return new Outputs(checked.get(validate.valid()), checked.get(validate.deadLetters()));
  }

  /** The IO edge on the way out: the OLTP tables and the dead-letter topic. */
  static void write(Outputs outputs, Options options) {
    outputs.lines().apply("UpsertOltpTables", OltpStore.of(Warehouse.of(options), options.getJdbcBatchSize()));
    if (options.getWriteDeadLetters()) {
      outputs.deadLetters().apply("WriteDeadLetterTopic", WriteTopic.of(options, Topics.DEAD_LETTERS));
    }
  }

  /** What the pipeline produces: valid lines (written to the store) and dead letters. */
  public record Outputs(PCollection<InvoiceLine> lines, PCollection<DeadLetter> deadLetters) {}
}
