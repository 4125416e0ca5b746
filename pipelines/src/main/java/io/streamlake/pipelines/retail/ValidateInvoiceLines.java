package io.streamlake.pipelines.retail;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.pipelines.common.DecodeRecords;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.InvoiceLineRules;
import io.streamlake.schemas.Topics;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Raw records of the retail topic to valid {@link InvoiceLine}s: decodes them ({@link DecodeRecords},
 * stamped with the invoice date) and checks each line against {@link InvoiceLineRules}, the rules the
 * ingest API applies too (another producer may not have). What fails either step goes to {@link
 * #deadLetters()} with the reason and the step; nothing is thrown or dropped.
 */
public final class ValidateInvoiceLines extends PTransform<PCollection<RawRecord>, PCollectionTuple> {
  private final TupleTag<InvoiceLine> valid = new TupleTag<>() {};
  private final TupleTag<DeadLetter> deadLetters = new TupleTag<>() {};

  private final java.time.Duration maxFutureSkew;

  private ValidateInvoiceLines(java.time.Duration maxFutureSkew) {
    this.maxFutureSkew = maxFutureSkew;
  }

  public static ValidateInvoiceLines create() {
    return new ValidateInvoiceLines(java.time.Duration.ofMinutes(io.streamlake.schemas.EventTimes.DEFAULT_MAX_FUTURE_SKEW_MINUTES));
  }

  /** The same checks, with invoice dates allowed up to {@code skew} ahead of the wall clock ({@link DecodeRecords#withMaxFutureSkew}). */
  public ValidateInvoiceLines withMaxFutureSkew(java.time.Duration skew) {
    return new ValidateInvoiceLines(skew);
  }

  public TupleTag<InvoiceLine> valid() {
    return valid;
  }

  public TupleTag<DeadLetter> deadLetters() {
    return deadLetters;
  }

  @Override
  public PCollectionTuple expand(PCollection<RawRecord> records) {
    DecodeRecords<InvoiceLine> decode = DecodeRecords.of(Topics.RETAIL_INVOICE_LINES, InvoiceLine::getInvoiceDate)
        .withMaxFutureSkew(maxFutureSkew)
        .withCheck(new RulesCheck());
    PCollectionTuple decoded = records.apply("DecodeInvoiceLines", decode);
    return PCollectionTuple.of(valid, decoded.get(decode.decoded())).and(deadLetters, decoded.get(decode.failures()));
  }

  /**
   * The rules of {@link InvoiceLineRules}, checked as the line is decoded: a line that breaks one
   * becomes a dead letter naming each broken rule, with the record's partition, offset and bytes.
   */
  static final class RulesCheck implements DecodeRecords.Check<InvoiceLine> {
    private static final long serialVersionUID = 1L;
    static final String STEP = "CheckInvoiceLineRules";
    private final Counter ok = Metrics.counter("retail", "lines_valid");
    private final Counter failed = Metrics.counter("retail", "lines_invalid");

    @Override
    public String step() {
      return STEP;
    }

    @Override
    public String violation(InvoiceLine line) {
      List<InvoiceLineRules.Violation> violations = InvoiceLineRules.check(line);
      if (violations.isEmpty()) {
        ok.inc();
        return null;
      }
      failed.inc();
      return "invalid invoice line: " + violations.stream().map(Object::toString).collect(Collectors.joining("; "));
    }
  }
}
