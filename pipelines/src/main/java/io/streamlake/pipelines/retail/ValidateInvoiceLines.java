package io.streamlake.pipelines.retail;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.pipelines.common.DeadLetters;
import io.streamlake.pipelines.common.DecodeRecords;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.AvroCodec;
import io.streamlake.schemas.InvoiceLineRules;
import io.streamlake.schemas.Topics;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

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
    return new ValidateInvoiceLines(java.time.Duration.ofMinutes(KafkaOptions.DEFAULT_MAX_FUTURE_SKEW_MINUTES));
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
        .withMaxFutureSkew(maxFutureSkew);
    PCollectionTuple decoded = records.apply("DecodeInvoiceLines", decode);
    TupleTag<DeadLetter> invalid = new TupleTag<>() {};
    PCollectionTuple checked = decoded.get(decode.decoded())
        .apply("CheckInvoiceLineRules", ParDo.of(new CheckRulesFn(valid, invalid))
            .withOutputTags(valid, TupleTagList.of(invalid)));
    checked.get(valid).setCoder(AvroCoder.of(InvoiceLine.class));
    checked.get(invalid).setCoder(AvroCoder.of(DeadLetter.class));
    PCollection<DeadLetter> failures = PCollectionList.of(decoded.get(decode.failures())).and(checked.get(invalid))
        .apply("CollectDeadLetters", Flatten.pCollections());
    return PCollectionTuple.of(valid, checked.get(valid)).and(deadLetters, failures);
  }

  /** Passes a line that keeps every rule; a line that breaks one becomes a dead letter naming each broken rule. */
  static final class CheckRulesFn extends DoFn<InvoiceLine, InvoiceLine> {
    static final String STEP = "CheckInvoiceLineRules";
    private final TupleTag<InvoiceLine> valid;
    private final TupleTag<DeadLetter> invalid;
    private final Counter ok = Metrics.counter("retail", "lines_valid");
    private final Counter failed = Metrics.counter("retail", "lines_invalid");

    CheckRulesFn(TupleTag<InvoiceLine> valid, TupleTag<DeadLetter> invalid) {
      this.valid = valid;
      this.invalid = invalid;
    }

    @ProcessElement
    public void process(@Element InvoiceLine line, MultiOutputReceiver out) {
      List<InvoiceLineRules.Violation> violations = InvoiceLineRules.check(line);
      if (violations.isEmpty()) {
        ok.inc();
        out.get(valid).output(line);
        return;
      }
      failed.inc();
      // the decoded value re-encoded: the bytes as read, for a record written with the current schema
      byte[] bytes = AvroCodec.of(InvoiceLine.class).encode(line);
      String error = "invalid invoice line: " + violations.stream().map(Object::toString).collect(Collectors.joining("; "));
      out.get(invalid).output(DeadLetters.of(Topics.RETAIL_INVOICE_LINES.name(), bytes, error, STEP,
          line.getInvoiceNo() + "#" + line.getLineNo()));
    }

  }
}
