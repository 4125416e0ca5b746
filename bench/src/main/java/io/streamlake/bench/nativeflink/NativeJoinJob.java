package io.streamlake.bench.nativeflink;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.BookingFact;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.schemas.Topics;
import java.time.Duration;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Native Flink 1.19 baseline of the booking/payment join ({@code BookingJoinPipeline}): reads {@code
 * bookings} and {@code payments} with Flink's Kafka source (bounded, earliest to latest offsets),
 * decodes the same Avro single-object records, joins them by booking id with {@link
 * BookingPaymentJoinFunction} (payment within {@code [booked_at, booked_at + 15 min]}, status PAID /
 * PAYMENT_FAILED / UNPAID, duplicates ignored, orphans and late records kept), and writes facts,
 * orphans, late records and dead letters to Kafka topics named with {@code --outputPrefix}.
 *
 * <p>It exists only to be compared with the Beam pipeline on the Flink runner ({@code scripts/bench.sh}).
 *
 * <pre>
 * java -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.streamlake.bench.nativeflink.NativeJoinJob \
 *     --bootstrapServers=127.0.0.1:9192 --topicPrefix=bench-quick- --parallelism=2
 * </pre>
 */
public final class NativeJoinJob {
  private NativeJoinJob() {}

  public static void main(String[] args) throws Exception {
    NativeOptions options = NativeOptions.parse(args);
    StreamExecutionEnvironment env = environment(options);
    build(env, options);
    JobExecutionResult result = env.execute("NativeJoinJob");
    System.out.printf("native join: %d ms net runtime%n", result.getNetRuntime());
  }

  /** A local (MiniCluster) environment with the options' parallelism, execution mode and object reuse. */
  public static StreamExecutionEnvironment environment(NativeOptions options) {
    Configuration conf = new Configuration();
    conf.set(ExecutionOptions.RUNTIME_MODE, options.mode());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(options.parallelism(), conf);
    if (options.objectReuse()) {
      env.getConfig().enableObjectReuse();
    }
    return env;
  }

  /** Reads, joins and writes. */
  public static void build(StreamExecutionEnvironment env, NativeOptions o) {
    String in = o.topicPrefix();
    SingleOutputStreamOperator<Booking> bookings = KafkaEdges
        .readBounded(env, o, in + Topics.BOOKINGS.name(), "ReadBookings")
        .process(new DecodeFunction<>(Booking.class), new AvroTypeInfo<>(Booking.class)).name("ParseBookings")
        .uid("ParseBookings");
    SingleOutputStreamOperator<Payment> payments = KafkaEdges
        .readBounded(env, o, in + Topics.PAYMENTS.name(), "ReadPayments")
        .process(new DecodeFunction<>(Payment.class), new AvroTypeInfo<>(Payment.class)).name("ParsePayments")
        .uid("ParsePayments");
    Joined joined = join(eventTime(o, bookings, (b, ts) -> b.getBookedAt().toEpochMilli()),
        eventTime(o, payments, (p, ts) -> p.getPaidAt().toEpochMilli()),
        Duration.ofMinutes(o.paymentWindowMinutes()), Duration.ofMinutes(o.allowedLatenessMinutes()));
    DataStream<DeadLetter> deadLetters = bookings.getSideOutput(DecodeFunction.DEAD_LETTERS)
        .union(payments.getSideOutput(DecodeFunction.DEAD_LETTERS));

    String out = o.outputPrefix();
    joined.facts().sinkTo(KafkaEdges.sink(o.bootstrapServers(), out + Topics.BOOKINGS_FACT.name(), Topics.BOOKINGS_FACT))
        .name("WriteFactsTopic").uid("WriteFactsTopic");
    joined.orphans().sinkTo(KafkaEdges.sink(o.bootstrapServers(), out + Topics.ORPHAN_PAYMENTS.name(),
        Topics.ORPHAN_PAYMENTS)).name("WriteOrphansTopic").uid("WriteOrphansTopic");
    joined.late().sinkTo(KafkaEdges.sink(o.bootstrapServers(), out + Topics.LATE_EVENTS.name(), Topics.LATE_EVENTS))
        .name("WriteLateTopic").uid("WriteLateTopic");
    deadLetters.sinkTo(KafkaEdges.sink(o.bootstrapServers(), out + Topics.DEAD_LETTERS.name(), Topics.DEAD_LETTERS))
        .name("WriteDeadLetterTopic").uid("WriteDeadLetterTopic");
  }

  /** The join between the IO edges: tests feed it from in-memory streams. */
  public static Joined join(DataStream<Booking> bookings, DataStream<Payment> payments, Duration window,
      Duration lateness) {
    SingleOutputStreamOperator<BookingFact> facts = bookings.connect(payments)
        .keyBy(Booking::getBookingId, Payment::getBookingId)
        .process(new BookingPaymentJoinFunction(window.toMillis(), lateness.toMillis()),
            new AvroTypeInfo<>(BookingFact.class))
        .name("JoinWithPayments").uid("JoinWithPayments");
    return new Joined(facts, facts.getSideOutput(BookingPaymentJoinFunction.ORPHANS),
        facts.getSideOutput(BookingPaymentJoinFunction.LATE));
  }

  /**
   * BATCH, or STREAMING with the watermark held: stamps each event with its own time field, as the
   * pipelines' decoder does (no watermark before the input ends). STREAMING: keeps the source's per-partition timestamps and watermarks
   * (the Kafka record time, which our producers set to the event time), since re-assigning here would
   * drop them.
   */
  static <T> DataStream<T> eventTime(NativeOptions o, DataStream<T> events,
      org.apache.flink.api.common.eventtime.SerializableTimestampAssigner<T> fieldTime) {
    if (o.watermarksFromData()) {
      return events;
    }
    return events.assignTimestampsAndWatermarks(WatermarkStrategy.<T>noWatermarks().withTimestampAssigner(fieldTime));
  }

  /** Facts, orphan payments (as dead letters with the reason) and records for closed bookings. */
  public record Joined(DataStream<BookingFact> facts, DataStream<DeadLetter> orphans, DataStream<DeadLetter> late) {}
}
