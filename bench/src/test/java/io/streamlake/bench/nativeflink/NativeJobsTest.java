package io.streamlake.bench.nativeflink;

import static io.streamlake.bench.nativeflink.Events.booking;
import static io.streamlake.bench.nativeflink.Events.payment;
import static io.streamlake.bench.nativeflink.Events.view;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.shop.HttpMethod;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.PageViewStats;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.BookingFact;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.events.ticketing.PaymentStatus;
import io.streamlake.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The native jobs' logic on tiny in-memory inputs, in BATCH mode as the benchmark runs them. */
class NativeJobsTest {
  private static StreamExecutionEnvironment env() {
    Configuration conf = new Configuration();
    conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
    return StreamExecutionEnvironment.createLocalEnvironment(1, conf);
  }

  @Test
  void joinCases() throws Exception {
    StreamExecutionEnvironment env = env();
    DataStream<Booking> bookings = env.fromData(new AvroTypeInfo<>(Booking.class),
        booking("onTime", 0), booking("retried", 0), booking("onlyFailed", 0), booking("unpaid", 0),
        booking("paidTooLate", 0), booking("duplicate", 0), booking("duplicate", 0));
    DataStream<Payment> payments = env.fromData(new AvroTypeInfo<>(Payment.class),
        payment("p1", "onTime", PaymentStatus.SUCCESS, 5),
        payment("p2a", "retried", PaymentStatus.FAILED, 2), payment("p2b", "retried", PaymentStatus.SUCCESS, 4),
        payment("p3", "onlyFailed", PaymentStatus.FAILED, 3),
        payment("p5", "paidTooLate", PaymentStatus.SUCCESS, 20),
        payment("p6", "orphanPayment", PaymentStatus.SUCCESS, 1),
        payment("p7", "duplicate", PaymentStatus.SUCCESS, 1), payment("p7", "duplicate", PaymentStatus.SUCCESS, 1));
    NativeJoinJob.Joined joined = NativeJoinJob.join(bookings, payments, Duration.ofMinutes(15), Duration.ofMinutes(5));
    DataStream<String> all = joined.facts()
        .map(f -> "fact " + f.getBookingId() + " " + f.getStatus() + " " + f.getAttempts() + " " + f.getPaymentId())
        .returns(Types.STRING)
        .union(joined.orphans().map(NativeJobsTest::orphan).returns(Types.STRING),
            joined.late().map(d -> "late " + d.getEventId()).returns(Types.STRING));
    Map<String, String> latestFact = new TreeMap<>();
    List<String> other = new ArrayList<>();
    all.executeAndCollect().forEachRemaining(s -> {
      if (s.startsWith("fact ")) {
        latestFact.put(s.split(" ")[1], s);
      } else {
        other.add(s);
      }
    });
    assertEquals(Map.of(
        "onTime", "fact onTime PAID 1 p1",
        "retried", "fact retried PAID 2 p2b",
        "onlyFailed", "fact onlyFailed PAYMENT_FAILED 1 null",
        "unpaid", "fact unpaid UNPAID 0 null",
        "paidTooLate", "fact paidTooLate UNPAID 0 null",
        "duplicate", "fact duplicate PAID 1 p7"), latestFact);
    assertEquals(new TreeSet<>(List.of(
        "orphan p5: orphan: paid 1200 s after booking paidTooLate, outside the payment window of 900 s",
        "orphan p6: orphan: booking orphanPayment did not arrive by paid_at + allowed lateness (300 s)")),
        new TreeSet<>(other));
  }

  private static String orphan(DeadLetter d) {
    Payment p = Topics.PAYMENTS.codec().decode(d.getOriginalValue().array());
    return "orphan " + p.getPaymentId() + ": " + d.getError();
  }

  @Test
  void pageViewWindows() throws Exception {
    StreamExecutionEnvironment env = env();
    DataStream<PageView> views = env.fromData(new AvroTypeInfo<>(PageView.class),
        view("v1", HttpMethod.GET, 200, 100, 0), view("v2", HttpMethod.GET, 200, 300, 1),
        view("v2", HttpMethod.GET, 200, 300, 1), view("v3", HttpMethod.GET, 404, 50, 6),
        view("v4", HttpMethod.POST, 503, 200, 2))
        .assignTimestampsAndWatermarks(WatermarkStrategy.<PageView>forMonotonousTimestamps()
            .withTimestampAssigner((v, ts) -> v.getViewedAt().toEpochMilli()));
    NativePageViewWindowJob.Aggregated agg =
        NativePageViewWindowJob.aggregate(views, Duration.ofMinutes(5), Duration.ofMinutes(5));
    List<String> rows = new ArrayList<>();
    agg.rows().executeAndCollect().forEachRemaining((PageViewStats s) -> rows.add(
        s.getWindowStart().toString().substring(11, 16) + " " + s.getMethod() + " views=" + s.getViews() + " errors="
            + s.getErrors() + " rate=" + s.getErrorRate() + " avg=" + s.getAvgLatencyMs() + " p95="
            + s.getP95LatencyMs()));
    assertEquals(new TreeSet<>(List.of(
        "10:00 GET views=2 errors=0 rate=0.0 avg=200.0 p95=300",
        "10:05 GET views=1 errors=0 rate=0.0 avg=50.0 p95=50",
        "10:00 POST views=1 errors=1 rate=1.0 avg=200.0 p95=200")), new TreeSet<>(rows));
  }

  @Test
  void undecodableRecordsBecomeDeadLetters() throws Exception {
    StreamExecutionEnvironment env = env();
    byte[] good = Topics.BOOKINGS.codec().encode(booking("b1", 0));
    var decoded = env.fromData(Types.POJO(KafkaBytes.class),
        new KafkaBytes("bookings", 0, 7, null, good, 0), new KafkaBytes("bookings", 1, 8, null, new byte[] {1, 2, 3}, 0))
        .process(new DecodeFunction<>(Booking.class), new AvroTypeInfo<>(Booking.class));
    DataStream<String> out = decoded.map(b -> "decoded " + b.getBookingId()).returns(Types.STRING)
        .union(decoded.getSideOutput(DecodeFunction.DEAD_LETTERS).map(d -> "dead " + d.getEventId() + " " + d.getError())
            .returns(Types.STRING));
    List<String> all = new ArrayList<>();
    out.executeAndCollect().forEachRemaining(all::add);
    assertEquals(new TreeSet<>(List.of("decoded b1",
        "dead bookings/1/8/DecodeBooking not Avro single-object encoding (no C3 01 header) for Booking, 3 bytes")),
        new TreeSet<>(all));
  }
}
