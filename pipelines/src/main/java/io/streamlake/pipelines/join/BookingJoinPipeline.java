package io.streamlake.pipelines.join;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.BookingFact;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.pipelines.common.BatchedJdbcWrite;
import io.streamlake.pipelines.common.DecodeRecords;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RunnerMatrix;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.common.ReadTopic;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.common.WarehouseOptions;
import io.streamlake.pipelines.common.WriteTopic;
import io.streamlake.schemas.Topics;
import java.sql.Types;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;

/**
 * The booking/payment streaming join: reads {@code bookings} and {@code payments}, joins each booking
 * with its payments in event time ({@link BookingPaymentJoin}) and keeps the booking fact table
 * current.
 *
 * <p>Inputs: topics {@code bookings}, {@code payments} (Avro single-object). Outputs: topic {@code
 * bookings_fact} and warehouse table {@code bookings_fact} (upsert by booking id), orphan payments to
 * topic {@code payments-orphans} and table {@code bookings_orphan_payments}, late records to {@code
 * late-events}, undecodable records to {@code deadletter}.
 *
 * <pre>
 * scripts/run-pipeline.sh join --runner=DirectRunner --bootstrapServers=127.0.0.1:9092 \
 *     --jdbcUrl=jdbc:duckdb:.local/warehouse.duckdb --readMode=REPLAY
 * </pre>
 */
public final class BookingJoinPipeline {
  private BookingJoinPipeline() {}

  /** Options of the join. */
  public interface Options extends KafkaOptions, WarehouseOptions, StreamingOptions {
    @Description("A payment belongs to its booking when paid within this many minutes of booking")
    @Default.Long(15)
    Long getPaymentWindowMinutes();

    void setPaymentWindowMinutes(Long value);

    @Description("How late (event time behind the watermark, minutes) a record may arrive and still change a result")
    @Default.Long(5)
    Long getAllowedLatenessMinutes();

    void setAllowedLatenessMinutes(Long value);

    @Description("Write facts and orphans to the warehouse (JDBC)")
    @Default.Boolean(true)
    Boolean getWriteWarehouse();

    void setWriteWarehouse(Boolean value);

    @Description("Write facts, orphans, late records and dead letters to Kafka topics")
    @Default.Boolean(true)
    Boolean getWriteKafka();

    void setWriteKafka(Boolean value);
  }

  public static void main(String[] args) {
    Preflight.main(args, Options.class, BookingJoinPipeline::run);
  }

  /** Checks the options against the runner and the endpoints, builds and starts the pipeline. */
  public static PipelineResult run(Options options) {
    options.setStreaming(options.getReadMode() == KafkaOptions.ReadMode.STREAMING);
    Preflight.check(options, RunnerMatrix.PipelineName.JOIN);
    if (options.getWriteWarehouse()) {
      Warehouse.of(options).migrate(MIGRATIONS);
    }
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, options);
    return pipeline.run();
  }

  /** Reads the topics, joins, and writes every output. */
  public static Outputs build(Pipeline pipeline, Options options) {
    PCollection<RawRecord> bookings = pipeline.apply("ReadBookings", ReadTopic.of(options, Topics.BOOKINGS));
    PCollection<RawRecord> payments = pipeline.apply("ReadPayments", ReadTopic.of(options, Topics.PAYMENTS));
    Outputs outputs = join(bookings, payments, options);
    write(outputs, options);
    return outputs;
  }

  /** Decodes raw records and joins them: everything between the IO edges. */
  public static Outputs join(PCollection<RawRecord> bookingRecords, PCollection<RawRecord> paymentRecords, Options options) {
    java.time.Duration skew = KafkaOptions.maxFutureSkew(options);
    DecodeRecords<Booking> decodeBookings = DecodeRecords.of(Topics.BOOKINGS, Booking::getBookedAt).withMaxFutureSkew(skew);
    DecodeRecords<Payment> decodePayments = DecodeRecords.of(Topics.PAYMENTS, Payment::getPaidAt).withMaxFutureSkew(skew);
    PCollectionTuple bookings = bookingRecords.apply("ParseBookings", decodeBookings);
    PCollectionTuple payments = paymentRecords.apply("ParsePayments", decodePayments);
    BookingPaymentJoin.Result joined = BookingPaymentJoin.Inputs
        .of(bookings.get(decodeBookings.decoded()), payments.get(decodePayments.decoded()))
        .apply("JoinBookingsWithPayments", BookingPaymentJoin.of(
            Duration.standardMinutes(options.getPaymentWindowMinutes()),
            Duration.standardMinutes(options.getAllowedLatenessMinutes())));
    PCollection<DeadLetter> deadLetters = PCollectionList.of(bookings.get(decodeBookings.failures()))
        .and(payments.get(decodePayments.failures()))
        .apply("CollectDeadLetters", Flatten.pCollections());
    return new Outputs(joined.facts(), joined.orphans(), joined.late(), deadLetters);
  }

  /** The IO edge on the way out: Kafka topics and warehouse tables. */
  static void write(Outputs outputs, Options options) {
    if (options.getWriteKafka()) {
      outputs.facts().apply("WriteFactsTopic", WriteTopic.of(options, Topics.BOOKINGS_FACT));
      outputs.orphans()
          .apply("OrphansAsDeadLetters", MapElements.into(TypeDescriptor.of(DeadLetter.class))
              .via((KV<Payment, String> kv) -> io.streamlake.pipelines.common.DeadLetters.of(Topics.PAYMENTS.name(),
                  Topics.PAYMENTS.codec().encode(kv.getKey()), "orphan: " + kv.getValue(), "JoinWithPayments",
                  kv.getKey().getEventId())))
          .setCoder(AvroCoder.of(DeadLetter.class))
          .apply("WriteOrphansTopic", WriteTopic.of(options, Topics.ORPHAN_PAYMENTS));
      outputs.late().apply("WriteLateTopic", WriteTopic.of(options, Topics.LATE_EVENTS));
      outputs.deadLetters().apply("WriteDeadLetterTopic", WriteTopic.of(options, Topics.DEAD_LETTERS));
    }
    if (options.getWriteWarehouse()) {
      Warehouse warehouse = Warehouse.of(options);
      boolean streaming = options.getReadMode() == KafkaOptions.ReadMode.STREAMING;
      outputs.facts().apply("UpsertFactsTable", BatchedJdbcWrite.of(warehouse,
          // a fact is emitted again only with more payment attempts: the stored row is kept when it has more
          Warehouse.monotoneUpsert("bookings_fact", FACT_COLUMNS, List.of("booking_id"), "attempts"),
          (BookingFact f, java.sql.PreparedStatement s) -> {
            int i = 1;
            s.setString(i++, f.getBookingId());
            s.setString(i++, f.getBookingEventId());
            s.setString(i++, f.getUserId());
            s.setString(i++, f.getShowId());
            s.setString(i++, f.getShowName());
            s.setString(i++, f.getVenue());
            s.setString(i++, f.getCity());
            s.setInt(i++, f.getSeats());
            s.setLong(i++, f.getAmountMinor());
            s.setString(i++, f.getCurrency());
            s.setObject(i++, Warehouse.utc(f.getBookedAt()));
            s.setString(i++, f.getStatus().name());
            s.setInt(i++, f.getAttempts());
            s.setString(i++, f.getPaymentId());
            s.setString(i++, f.getPaymentMethod());
            if (f.getPaidAmountMinor() == null) {
              s.setNull(i++, Types.BIGINT);
            } else {
              s.setLong(i++, f.getPaidAmountMinor());
            }
            if (f.getPaidAt() == null) {
              s.setNull(i++, Types.TIMESTAMP);
            } else {
              s.setObject(i++, Warehouse.utc(f.getPaidAt()));
            }
            if (f.getPaymentDelayMs() == null) {
              s.setNull(i, Types.BIGINT);
            } else {
              s.setLong(i, f.getPaymentDelayMs());
            }
          }, BookingFact::getBookingId, options.getJdbcBatchSize(), streaming)
          .keepingHighest(f -> (long) f.getAttempts()));
      outputs.orphans().apply("UpsertOrphansTable", BatchedJdbcWrite.of(warehouse,
          Warehouse.upsert("bookings_orphan_payments",
              List.of("payment_id", "booking_id", "amount_minor", "status", "paid_at", "reason"), List.of("payment_id")),
          (KV<Payment, String> kv, java.sql.PreparedStatement s) -> {
            Payment p = kv.getKey();
            s.setString(1, p.getPaymentId());
            s.setString(2, p.getBookingId());
            s.setLong(3, p.getAmountMinor());
            s.setString(4, p.getStatus().name());
            s.setObject(5, Warehouse.utc(p.getPaidAt()));
            s.setString(6, kv.getValue());
          }, kv -> kv.getKey().getPaymentId(), options.getJdbcBatchSize(), streaming));
    }
  }

  /** The warehouse tables this pipeline writes. */
  static final String[] MIGRATIONS = {"V001__bookings_fact.sql"};

  static final List<String> FACT_COLUMNS = List.of("booking_id", "booking_event_id", "user_id", "show_id", "show_name",
      "venue", "city", "seats", "amount_minor", "currency", "booked_at", "status", "attempts", "payment_id",
      "payment_method", "paid_amount_minor", "paid_at", "payment_delay_ms");

  /** What the join produces. */
  public record Outputs(PCollection<BookingFact> facts, PCollection<KV<Payment, String>> orphans,
      PCollection<DeadLetter> late, PCollection<DeadLetter> deadLetters) {}
}
