package io.streamlake.pipelines.join;

import static io.streamlake.pipelines.join.JoinFixtures.booking;
import static io.streamlake.pipelines.join.JoinFixtures.minutes;
import static io.streamlake.pipelines.join.JoinFixtures.options;
import static io.streamlake.pipelines.join.JoinFixtures.payment;
import static io.streamlake.pipelines.join.JoinFixtures.raw;
import static io.streamlake.pipelines.join.JoinFixtures.wm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.ticketing.BookingFact;
import io.streamlake.events.ticketing.BookingStatus;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.events.ticketing.PaymentStatus;
import io.streamlake.pipelines.common.Collected;
import io.streamlake.pipelines.common.OneThread;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RawRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/** The join's cases, each a TestStream with a controlled watermark, on the Direct runner. */
class BookingPaymentJoinTest {

  /** Runs the join (decode + join) over one TestStream of raw records of both topics. */
  private static Run run(TestStream<RawRecord> events) {
    return run(events, false);
  }

  /** @param oneThread on one Direct runner thread ({@link OneThread}) */
  private static Run run(TestStream<RawRecord> events, boolean oneThread) {
    Pipeline p = Pipeline.create(oneThread ? OneThread.of(options()) : options());
    PCollection<RawRecord> all = p.apply("Events", events);
    BookingJoinPipeline.Outputs out = BookingJoinPipeline.join(
        all.apply("OnlyBookings", Filter.by((RawRecord r) -> r.topic().equals("bookings"))),
        all.apply("OnlyPayments", Filter.by((RawRecord r) -> r.topic().equals("payments"))),
        options());
    Run run = new Run(Collected.of(out.facts(), "facts"), Collected.of(out.orphans(), "orphans"),
        Collected.of(out.late(), "late"), Collected.of(out.deadLetters(), "dead"));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    run.counters = Preflight.counters(result);
    return run;
  }

  private static final class Run {
    final Collected<BookingFact> facts;
    final Collected<KV<Payment, String>> orphans;
    final Collected<DeadLetter> late;
    final Collected<DeadLetter> dead;
    Map<String, Long> counters;

    Run(Collected<BookingFact> facts, Collected<KV<Payment, String>> orphans, Collected<DeadLetter> late,
        Collected<DeadLetter> dead) {
      this.facts = facts;
      this.orphans = orphans;
      this.late = late;
      this.dead = dead;
    }

    /** The last fact emitted per booking (facts are re-emitted when late data changes them). */
    Map<String, BookingFact> finalFacts() {
      return facts.get().stream().collect(Collectors.toMap(BookingFact::getBookingId, Function.identity(),
          (a, b) -> b));
    }

    long counter(String name) {
      return counters.getOrDefault("join:" + name, 0L);
    }
  }

  private static TestStream.Builder<RawRecord> stream() {
    return TestStream.create(RawRecord.Coder.of()).advanceWatermarkTo(wm(minutes(-1)));
  }

  @Test
  void onTime() {
    Run r = run(stream()
        .addElements(raw(booking("b1", minutes(0))))
        .addElements(raw(payment("p1", "b1", PaymentStatus.SUCCESS, 1, minutes(5))))
        .advanceWatermarkToInfinity());
    BookingFact f = r.finalFacts().get("b1");
    assertEquals(BookingStatus.PAID, f.getStatus());
    assertEquals(1, f.getAttempts());
    assertEquals("p1", f.getPaymentId());
    assertEquals(Duration.ofMinutes(5).toMillis(), f.getPaymentDelayMs());
    assertEquals(1, r.facts.get().size(), "a paid booking is emitted once");
    assertEquals(1, r.counter("paid"));
  }

  @Test
  void paidAtWindowEdge() {
    Run r = run(stream()
        .addElements(raw(booking("b1", minutes(0))), raw(booking("b2", minutes(0))))
        .addElements(raw(payment("p1", "b1", PaymentStatus.SUCCESS, 1, minutes(15))))
        .addElements(raw(payment("p2", "b2", PaymentStatus.SUCCESS, 1, minutes(15).plusMillis(1))))
        .advanceWatermarkToInfinity());
    assertEquals(BookingStatus.PAID, r.finalFacts().get("b1").getStatus(), "paid exactly at the window's end");
    assertEquals(BookingStatus.UNPAID, r.finalFacts().get("b2").getStatus(), "paid 1 ms after the window");
    assertEquals(List.of("p2"), r.orphans.get().stream().map(kv -> kv.getKey().getPaymentId()).toList());
    assertTrue(r.orphans.get().get(0).getValue().contains("outside the payment window"));
  }

  @Test
  void failedThenPaid() {
    Run r = run(stream()
        .addElements(raw(booking("b1", minutes(0))))
        .addElements(raw(payment("p1", "b1", PaymentStatus.FAILED, 1, minutes(2))))
        .addElements(raw(payment("p2", "b1", PaymentStatus.SUCCESS, 2, minutes(4))))
        .advanceWatermarkToInfinity());
    BookingFact f = r.finalFacts().get("b1");
    assertEquals(BookingStatus.PAID, f.getStatus());
    assertEquals(2, f.getAttempts());
    assertEquals("p2", f.getPaymentId());
  }

  @Test
  void unpaid() {
    Run r = run(stream()
        .addElements(raw(booking("b1", minutes(0))), raw(booking("b2", minutes(1))))
        .addElements(raw(payment("p1", "b2", PaymentStatus.FAILED, 1, minutes(3))))
        .advanceWatermarkTo(wm(minutes(14)))
        .advanceWatermarkToInfinity());
    assertEquals(BookingStatus.UNPAID, r.finalFacts().get("b1").getStatus());
    assertEquals(0, r.finalFacts().get("b1").getAttempts());
    assertNull(r.finalFacts().get("b1").getPaymentId());
    assertEquals(BookingStatus.PAYMENT_FAILED, r.finalFacts().get("b2").getStatus());
    assertEquals(2, r.facts.get().size(), "decided once each, when the window closed");
    assertEquals(1, r.counter("unpaid"));
    assertEquals(1, r.counter("payment_failed"));
  }

  @Test
  void duplicatePayment() {
    Run r = run(stream()
        .addElements(raw(booking("b1", minutes(0))))
        .addElements(raw(payment("p1", "b1", PaymentStatus.SUCCESS, 1, minutes(5))))
        .addElements(raw(payment("p1", "b1", PaymentStatus.SUCCESS, 1, minutes(5))))
        .addElements(raw(booking("b1", minutes(0))))
        .advanceWatermarkToInfinity());
    assertEquals(1, r.finalFacts().get("b1").getAttempts());
    assertEquals(1, r.facts.get().size());
    assertEquals(2, r.counter("duplicate"));
  }

  @Test
  void orphanPayment() {
    Run r = run(stream()
        .addElements(raw(payment("p9", "bk-ghost", PaymentStatus.SUCCESS, 1, minutes(3))))
        .advanceWatermarkToInfinity());
    assertTrue(r.facts.get().isEmpty());
    assertEquals(1, r.orphans.get().size());
    assertEquals("bk-ghost", r.orphans.get().get(0).getKey().getBookingId());
    assertTrue(r.orphans.get().get(0).getValue().contains("did not arrive"), r.orphans.get().get(0).getValue());
    assertEquals(1, r.counter("orphan"));
  }

  @Test
  void paymentBeforeItsBookingStillJoins() {
    Run r = run(stream()
        .addElements(raw(payment("p1", "b1", PaymentStatus.SUCCESS, 1, minutes(5))))
        .addElements(raw(booking("b1", minutes(0))))
        .advanceWatermarkToInfinity());
    assertEquals(BookingStatus.PAID, r.finalFacts().get("b1").getStatus());
    assertTrue(r.orphans.get().isEmpty());
  }

  @Test
  void lateWithinAllowance() {
    Run r = run(stream()
        .addElements(raw(booking("b1", minutes(0))))
        .advanceWatermarkTo(wm(minutes(16)))
        // paid at +10 min, arriving after the window was decided but before the booking closed (+20 min)
        .addElements(raw(payment("p1", "b1", PaymentStatus.SUCCESS, 1, minutes(10))))
        .advanceWatermarkToInfinity());
    List<BookingFact> facts = r.facts.get();
    assertEquals(List.of(BookingStatus.UNPAID, BookingStatus.PAID), facts.stream().map(BookingFact::getStatus).toList(),
        "decided UNPAID, then updated by the late payment");
    assertEquals(1, r.counter("fact_updates"));
    assertTrue(r.late.get().isEmpty());
  }

  @Test
  void droppablyLate() {
    Run r = run(stream()
        .addElements(raw(booking("b1", minutes(0))))
        .advanceWatermarkTo(wm(minutes(21)))
        .addElements(raw(payment("p1", "b1", PaymentStatus.SUCCESS, 1, minutes(10))))
        .advanceWatermarkToInfinity());
    assertEquals(BookingStatus.UNPAID, r.finalFacts().get("b1").getStatus());
    assertEquals(1, r.late.get().size(), "kept on the late output, not dropped");
    DeadLetter late = r.late.get().get(0);
    assertEquals("payments", late.getSourceTopic());
    assertTrue(late.getError().startsWith("late:"), late.getError());
    assertEquals(1, r.counter("late"));
  }

  @Test
  void aCopyOfABookingAfterItsClosedMarkerExpiredIsLateAndTheFactStays() {
    // closes at +20 min, its marker expires at +35 min; the copy (a redelivery, a replayed topic) comes at +60 min
    Run r = run(stream()
        .addElements(raw(booking("b1", minutes(0))))
        .addElements(raw(payment("p1", "b1", PaymentStatus.SUCCESS, 1, minutes(5))))
        .advanceWatermarkTo(wm(minutes(60)))
        .addElements(raw(booking("b1", minutes(0))))
        .advanceWatermarkToInfinity(), true);
    assertEquals(List.of(BookingStatus.PAID), r.facts.get().stream().map(BookingFact::getStatus).toList(),
        "decided once, not again as UNPAID");
    assertEquals(1, r.late.get().size(), "kept on the late output");
    assertEquals("bookings", r.late.get().get(0).getSourceTopic());
    assertTrue(r.late.get().get(0).getError().contains("arrived after its close"), r.late.get().get(0).getError());
    assertEquals(1, r.counter("late"));
    assertEquals(1, r.counter("paid"));
    assertEquals(0, r.counter("unpaid"));
  }

  @Test
  void paidAfterTheWindowArrivingAfterTheClose() {
    Run r = run(stream()
        .addElements(raw(booking("b1", minutes(0))))
        .advanceWatermarkTo(wm(minutes(21)))
        // paid at +30 min: outside the 15-minute window, so an orphan, not a late record, though the
        // booking closed (+20 min) before it arrived; it is not behind the watermark
        .addElements(raw(payment("p1", "b1", PaymentStatus.SUCCESS, 1, minutes(30))))
        .advanceWatermarkToInfinity());
    assertEquals(BookingStatus.UNPAID, r.finalFacts().get("b1").getStatus());
    assertTrue(r.late.get().isEmpty(), "not late: " + r.late.get());
    assertEquals(1, r.orphans.get().size());
    assertTrue(r.orphans.get().get(0).getValue().contains("outside the payment window"), r.orphans.get().get(0).getValue());
    assertEquals(1, r.counter("orphan"));
  }

  @Test
  void malformedRecord() {
    Run r = run(stream()
        .addElements(raw(booking("b1", minutes(0))))
        .addElements(raw("payments", "b1", "{\"not\": \"avro\"}".getBytes(), minutes(1)))
        .addElements(raw(payment("p1", "b1", PaymentStatus.SUCCESS, 1, minutes(2))))
        .advanceWatermarkToInfinity());
    assertEquals(BookingStatus.PAID, r.finalFacts().get("b1").getStatus(), "the pipeline kept going");
    assertEquals(1, r.dead.get().size());
    DeadLetter d = r.dead.get().get(0);
    assertEquals("payments", d.getSourceTopic());
    assertEquals("DecodePayment", d.getFailedStep());
    assertTrue(d.getError().contains("not Avro single-object encoding"), d.getError());
    assertEquals("{\"not\": \"avro\"}", new String(d.getOriginalValue().array()));
  }

  @Test
  void slotCoderRoundTrips() throws Exception {
    BookingPaymentJoin.SlotCoder coder = new BookingPaymentJoin.SlotCoder();
    var b = booking("b1", minutes(0));
    BookingFact paid = BookingPaymentJoin.fact(b, List.of(payment("p1", "b1", PaymentStatus.SUCCESS, 1, minutes(2))));
    for (BookingPaymentJoin.Slot slot : List.of(new BookingPaymentJoin.Slot(b, null, false, null),
        new BookingPaymentJoin.Slot(b, paid, false, 42L), new BookingPaymentJoin.Slot(null, null, false, -7L),
        new BookingPaymentJoin.Slot(b, paid, false, null).closedMarker())) {
      CoderProperties.coderDecodeEncodeEqual(coder, slot);
    }
    coder.verifyDeterministic();
  }
}
