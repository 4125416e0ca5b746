package io.streamlake.pipelines.join;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.BookingFact;
import io.streamlake.events.ticketing.BookingStatus;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.events.ticketing.PaymentStatus;
import io.streamlake.pipelines.common.DeadLetters;
import io.streamlake.pipelines.common.FiredTimers;
import io.streamlake.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Joins bookings with their payments in event time, as a stateful {@code DoFn} keyed by booking id.
 *
 * <p>A payment belongs to its booking when {@code paid_at} is within {@code [booked_at, booked_at +
 * paymentWindow]}. Per booking id the state holds the booking and its in-window payments:
 *
 * <ul>
 *   <li>a fact is emitted as soon as a successful payment is known (PAID), and otherwise when the
 *       watermark passes {@code booked_at + paymentWindow} (PAYMENT_FAILED or UNPAID); a payment
 *       that arrives later but within the allowed lateness changes the fact, which is emitted again
 *       (the warehouse upserts by booking id, the Kafka topic keeps the latest per key);
 *   <li>at {@code booked_at + paymentWindow + allowedLateness} the booking closes: its payments and
 *       fact leave the state and a closed marker (with the booking) is kept for one more payment
 *       window; a payment for a closed booking that was paid outside its window is an orphan, as it
 *       would have been before the close, and anything else for a closed booking goes to the late
 *       output;
 *   <li>a payment whose booking has not arrived by {@code paid_at + allowedLateness}, or that falls
 *       outside its booking's window, is an orphan, emitted with the reason;
 *   <li>a booking id or payment id seen twice is a duplicate: counted, result unchanged;
 *   <li>in streaming, a booking that arrives when the watermark is past its close (as far as the join
 *       can tell: the latest timer it fired, for any key) goes to the late output: once its closed
 *       marker has expired it cannot be told from a copy of a decided booking, which must not be
 *       decided again. (A bounded input has no late data, and a batch runner may fire one key's timers
 *       before it reads another key's elements, so there the bound would mean nothing.)
 * </ul>
 *
 * State per key is cleared by event-time timers, so it stays bounded however long the job runs.
 */
public final class BookingPaymentJoin extends PTransform<BookingPaymentJoin.Inputs, BookingPaymentJoin.Result> {
  private final Duration paymentWindow;
  private final Duration allowedLateness;

  private BookingPaymentJoin(Duration paymentWindow, Duration allowedLateness) {
    this.paymentWindow = paymentWindow;
    this.allowedLateness = allowedLateness;
  }

  public static BookingPaymentJoin of(Duration paymentWindow, Duration allowedLateness) {
    return new BookingPaymentJoin(paymentWindow, allowedLateness);
  }

  static final TupleTag<BookingFact> FACTS = new TupleTag<>() {};
  static final TupleTag<KV<Payment, String>> ORPHANS = new TupleTag<>() {};
  static final TupleTag<DeadLetter> LATE = new TupleTag<>() {};

  @Override
  public Result expand(Inputs input) {
    UnionCoder union = UnionCoder.of(List.of(AvroCoder.of(Booking.class), AvroCoder.of(Payment.class)));
    PCollection<KV<String, RawUnionValue>> bookings = input.bookings.apply("KeyBookings",
        MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(RawUnionValue.class)))
            .via(b -> KV.of(b.getBookingId(), new RawUnionValue(0, b))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), union));
    PCollection<KV<String, RawUnionValue>> payments = input.payments.apply("KeyPayments",
        MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(RawUnionValue.class)))
            .via(p -> KV.of(p.getBookingId(), new RawUnionValue(1, p))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), union));
    PCollection<KV<String, RawUnionValue>> merged = PCollectionList.of(bookings).and(payments)
        .apply("MergeSides", Flatten.pCollections());
    PCollectionTuple out = merged
        .apply("JoinWithPayments", ParDo.of(new JoinFn(paymentWindow, allowedLateness, new FiredTimers(merged)))
            .withOutputTags(FACTS, TupleTagList.of(ORPHANS).and(LATE)));
    out.get(FACTS).setCoder(AvroCoder.of(BookingFact.class));
    out.get(ORPHANS).setCoder(KvCoder.of(AvroCoder.of(Payment.class), StringUtf8Coder.of()));
    out.get(LATE).setCoder(AvroCoder.of(DeadLetter.class));
    return new Result(out);
  }

  /**
   * The fact of a booking given its in-window payments (order does not matter). Public for the native
   * Flink baseline of the benchmark, which must decide exactly as this join does.
   */
  public static BookingFact fact(Booking b, List<Payment> payments) {
    Payment success = payments.stream().filter(p -> p.getStatus() == PaymentStatus.SUCCESS)
        .min(Comparator.comparing(Payment::getPaidAt).thenComparing(Payment::getPaymentId)).orElse(null);
    BookingStatus status = success != null ? BookingStatus.PAID
        : payments.isEmpty() ? BookingStatus.UNPAID : BookingStatus.PAYMENT_FAILED;
    return new BookingFact(b.getBookingId(), b.getEventId(), b.getUserId(), b.getShowId(), b.getShowName(),
        b.getVenue(), b.getCity(), b.getSeats(), b.getAmountMinor(), b.getCurrency(), b.getBookedAt(), status,
        payments.size(),
        success == null ? null : success.getPaymentId(),
        success == null ? null : success.getMethod().name(),
        success == null ? null : success.getAmountMinor(),
        success == null ? null : success.getPaidAt(),
        success == null ? null : success.getPaidAt().toEpochMilli() - b.getBookedAt().toEpochMilli());
  }

  /**
   * What the join keeps of one booking id besides its payments, in one state cell (each state cell
   * costs a lookup per access): the booking, the fact emitted last, whether the booking has closed,
   * and the orphan deadline of payments that wait for their booking. Immutable.
   */
  record Slot(Booking booking, BookingFact emitted, boolean closed, Long orphanDeadline) {
    /** The marker of a closed booking: it keeps the booking, to tell a payment after the window from a late one. */
    Slot closedMarker() {
      return new Slot(booking, null, true, null);
    }

    Slot withEmitted(BookingFact fact) {
      return new Slot(booking, fact, closed, orphanDeadline);
    }

    Slot withOrphanDeadline(long deadline) {
      return new Slot(booking, emitted, closed, deadline);
    }
  }

  /** The coder of {@link Slot}: its four fields, each nullable where it can be absent. */
  static final class SlotCoder extends CustomCoder<Slot> {
    private static final Coder<Booking> BOOKING = NullableCoder.of(AvroCoder.of(Booking.class));
    private static final Coder<BookingFact> FACT = NullableCoder.of(AvroCoder.of(BookingFact.class));
    private static final Coder<Boolean> CLOSED = BooleanCoder.of();
    private static final Coder<Long> DEADLINE = NullableCoder.of(VarLongCoder.of());

    @Override
    public void encode(Slot slot, OutputStream out) throws IOException {
      BOOKING.encode(slot.booking(), out);
      FACT.encode(slot.emitted(), out);
      CLOSED.encode(slot.closed(), out);
      DEADLINE.encode(slot.orphanDeadline(), out);
    }

    @Override
    public Slot decode(InputStream in) throws IOException {
      return new Slot(BOOKING.decode(in), FACT.decode(in), CLOSED.decode(in), DEADLINE.decode(in));
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      BOOKING.verifyDeterministic();
      FACT.verifyDeterministic();
    }
  }

  static final class JoinFn extends DoFn<KV<String, RawUnionValue>, BookingFact> {
    private final Duration window;
    private final Duration lateness;

    /** Absent for a booking id with nothing held; payments are held only while a slot is present. */
    @StateId("slot")
    private final StateSpec<ValueState<Slot>> slotSpec = StateSpecs.value(new SlotCoder());

    @StateId("payments")
    private final StateSpec<BagState<Payment>> paymentsSpec = StateSpecs.bag(AvroCoder.of(Payment.class));

    @TimerId("decide")
    private final TimerSpec decideSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @TimerId("close")
    private final TimerSpec closeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @TimerId("expire")
    private final TimerSpec expireSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @TimerId("orphan")
    private final TimerSpec orphanSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    private final Counter paid = Metrics.counter("join", "paid");
    private final Counter failed = Metrics.counter("join", "payment_failed");
    private final Counter unpaid = Metrics.counter("join", "unpaid");
    private final Counter orphan = Metrics.counter("join", "orphan");
    private final Counter late = Metrics.counter("join", "late");
    private final Counter duplicate = Metrics.counter("join", "duplicate");
    private final Counter updates = Metrics.counter("join", "fact_updates");
    // state bookkeeping: keys holding a booking or buffered payments, and closed markers still kept
    private final Counter keysOpened = Metrics.counter("join_state", "keys_opened");
    private final Counter keysReleased = Metrics.counter("join_state", "keys_released");

    /** Tells a booking whose key has no state left that the watermark is past its close. */
    private final FiredTimers firedTimers;

    JoinFn(Duration window, Duration lateness, FiredTimers firedTimers) {
      this.window = window;
      this.lateness = lateness;
      this.firedTimers = firedTimers;
    }

    private void fired(Instant at) {
      firedTimers.fired(at.getMillis());
    }

    @ProcessElement
    public void process(@Element KV<String, RawUnionValue> element, MultiOutputReceiver out,
        @StateId("slot") ValueState<Slot> slotState, @StateId("payments") BagState<Payment> paymentsState,
        @TimerId("decide") Timer decide, @TimerId("close") Timer close, @TimerId("orphan") Timer orphanTimer) {
      Object value = element.getValue().getValue();
      Slot slot = slotState.read();
      if (slot != null && slot.closed()) {
        if (value instanceof Payment p && slot.booking() != null && !inWindow(slot.booking(), p)) {
          // paid after the window: an orphan, whether it came before or after the booking closed
          emitOrphan(out, p, outsideWindow(slot.booking(), p));
          return;
        }
        late.inc();
        out.get(LATE).output(lateLetter(value, "booking " + element.getKey() + " was already closed (its payment window"
            + " plus the allowed lateness had passed) when this record arrived"));
        return;
      }
      Booking booking = slot == null ? null : slot.booking();
      if (value instanceof Booking b) {
        if (booking != null) {
          duplicate.inc();
          return;
        }
        long closesAt = b.getBookedAt().toEpochMilli() + window.getMillis() + lateness.getMillis();
        if (closesAt <= firedTimers.watermark()) {
          // the watermark is past this booking's close: its key's closed marker may be gone already, so
          // it cannot be told from a copy of a decided booking; deciding it again (UNPAID, as its payments
          // were settled without it) would overwrite the fact. Kept on the late output instead
          late.inc();
          out.get(LATE).output(lateLetter(value, "booking " + element.getKey() + " arrived after its close (booked_at"
              + " + payment window + allowed lateness) had passed"));
          return;
        }
        List<Payment> kept = new ArrayList<>();
        if (slot == null) {
          keysOpened.inc();
        } else {
          // payments that came first wait in the bag
          List<Payment> waiting = read(paymentsState);
          for (Payment p : waiting) {
            if (inWindow(b, p)) {
              kept.add(p);
            } else {
              emitOrphan(out, p, outsideWindow(b, p));
            }
          }
          if (kept.size() != waiting.size()) {
            paymentsState.clear();
            kept.forEach(paymentsState::add);
          }
        }
        Instant bookedAt = new Instant(b.getBookedAt().toEpochMilli());
        decide.set(bookedAt.plus(window));
        close.set(bookedAt.plus(window).plus(lateness));
        Slot booked = new Slot(b, null, false, null);
        slotState.write(maybeEmit(out, booked, kept, false));
        return;
      }
      Payment p = (Payment) value;
      List<Payment> payments = new ArrayList<>();
      if (slot != null) {
        for (Payment q : paymentsState.read()) {
          if (q.getPaymentId().equals(p.getPaymentId())) {
            duplicate.inc();
            return;
          }
          payments.add(q);
        }
      }
      if (booking != null && !inWindow(booking, p)) {
        emitOrphan(out, p, outsideWindow(booking, p));
        return;
      }
      if (slot == null) {
        keysOpened.inc();
        slot = new Slot(null, null, false, null);
      }
      paymentsState.add(p);
      payments.add(p);
      if (booking == null) {
        long deadline = p.getPaidAt().toEpochMilli() + lateness.getMillis();
        Long current = slot.orphanDeadline();
        if (current == null || deadline > current) {
          slotState.write(slot.withOrphanDeadline(deadline));
          orphanTimer.set(new Instant(deadline));
        }
      } else {
        Slot after = maybeEmit(out, slot, payments, false);
        if (after != slot) {
          slotState.write(after);
        }
      }
    }

    @OnTimer("decide")
    public void onDecide(OnTimerContext ctx, MultiOutputReceiver out, @StateId("slot") ValueState<Slot> slotState,
        @StateId("payments") BagState<Payment> paymentsState) {
      fired(ctx.fireTimestamp());
      Slot slot = slotState.read();
      if (slot != null && slot.booking() != null) {
        Slot after = maybeEmit(out, slot, read(paymentsState), true);
        if (after != slot) {
          slotState.write(after);
        }
      }
    }

    @OnTimer("close")
    public void onClose(OnTimerContext ctx, @StateId("slot") ValueState<Slot> slotState,
        @StateId("payments") BagState<Payment> paymentsState, @TimerId("expire") Timer expire) {
      fired(ctx.fireTimestamp());
      Slot slot = slotState.read();
      BookingFact last = slot == null ? null : slot.emitted();
      if (last != null) {
        switch (last.getStatus()) {
          case PAID -> paid.inc();
          case PAYMENT_FAILED -> failed.inc();
          case UNPAID -> unpaid.inc();
        }
      }
      paymentsState.clear();
      slotState.write(slot == null ? new Slot(null, null, true, null) : slot.closedMarker());
      expire.set(ctx.timestamp().plus(window));
    }

    @OnTimer("expire")
    public void onExpire(OnTimerContext ctx, @StateId("slot") ValueState<Slot> slotState) {
      fired(ctx.fireTimestamp());
      slotState.clear();
      keysReleased.inc();
    }

    @OnTimer("orphan")
    public void onOrphan(OnTimerContext ctx, MultiOutputReceiver out, @StateId("slot") ValueState<Slot> slotState,
        @StateId("payments") BagState<Payment> paymentsState) {
      fired(ctx.fireTimestamp());
      Slot slot = slotState.read();
      if (slot == null || slot.booking() != null || slot.closed()) {
        // the booking came (its payments are handled with it), or they were already settled
        return;
      }
      List<Payment> pending = read(paymentsState);
      for (Payment p : pending) {
        emitOrphan(out, p, "booking " + p.getBookingId() + " did not arrive by paid_at + allowed lateness ("
            + lateness.getStandardSeconds() + " s)");
      }
      paymentsState.clear();
      slotState.clear();
      keysReleased.inc();
    }

    /** Emits the booking's fact when it is due and changed; returns the slot with it (the same slot if not). */
    private Slot maybeEmit(MultiOutputReceiver out, Slot slot, List<Payment> payments, boolean windowClosed) {
      BookingFact previous = slot.emitted();
      if (!windowClosed && previous == null && payments.stream().noneMatch(p -> p.getStatus() == PaymentStatus.SUCCESS)) {
        return slot; // nothing is decided before the window ends unless a payment succeeded
      }
      BookingFact fact = fact(slot.booking(), payments);
      boolean due = windowClosed || fact.getStatus() == BookingStatus.PAID || previous != null;
      if (!due || fact.equals(previous)) {
        return slot;
      }
      if (previous != null) {
        updates.inc();
      }
      out.get(FACTS).output(fact);
      return slot.withEmitted(fact);
    }

    private void emitOrphan(MultiOutputReceiver out, Payment p, String reason) {
      orphan.inc();
      out.get(ORPHANS).output(KV.of(p, reason));
    }

    private boolean inWindow(Booking b, Payment p) {
      long delay = p.getPaidAt().toEpochMilli() - b.getBookedAt().toEpochMilli();
      return delay >= 0 && delay <= window.getMillis();
    }

    private String outsideWindow(Booking b, Payment p) {
      long delay = p.getPaidAt().toEpochMilli() - b.getBookedAt().toEpochMilli();
      return "paid " + (delay / 1000) + " s after booking " + b.getBookingId() + ", outside the payment window of "
          + window.getStandardSeconds() + " s";
    }

    private static List<Payment> read(BagState<Payment> state) {
      List<Payment> out = new ArrayList<>();
      state.read().forEach(out::add);
      return out;
    }

    private static DeadLetter lateLetter(Object value, String reason) {
      if (value instanceof Booking b) {
        return DeadLetters.of(Topics.BOOKINGS.name(), Topics.BOOKINGS.codec().encode(b), "late: " + reason,
            "JoinWithPayments", b.getEventId());
      }
      Payment p = (Payment) value;
      return DeadLetters.of(Topics.PAYMENTS.name(), Topics.PAYMENTS.codec().encode(p), "late: " + reason,
          "JoinWithPayments", p.getEventId());
    }
  }

  /** The two inputs of the join. */
  public static final class Inputs implements PInput {
    private final PCollection<Booking> bookings;
    private final PCollection<Payment> payments;

    private Inputs(PCollection<Booking> bookings, PCollection<Payment> payments) {
      this.bookings = bookings;
      this.payments = payments;
    }

    public static Inputs of(PCollection<Booking> bookings, PCollection<Payment> payments) {
      return new Inputs(bookings, payments);
    }

    /** Applies the join under a stable step name. */
    public Result apply(String name, BookingPaymentJoin join) {
      return org.apache.beam.sdk.Pipeline.applyTransform(name, this, join);
    }

    @Override
    public org.apache.beam.sdk.Pipeline getPipeline() {
      return bookings.getPipeline();
    }

    @Override
    public java.util.Map<TupleTag<?>, PValue> expand() {
      return java.util.Map.of(new TupleTag<Booking>("bookings"), bookings, new TupleTag<Payment>("payments"), payments);
    }
  }

  /** Facts, orphan payments with their reason, and late records. */
  public static final class Result implements POutput {
    private final PCollectionTuple tuple;

    private Result(PCollectionTuple tuple) {
      this.tuple = tuple;
    }

    public PCollection<BookingFact> facts() {
      return tuple.get(FACTS);
    }

    public PCollection<KV<Payment, String>> orphans() {
      return tuple.get(ORPHANS);
    }

    public PCollection<DeadLetter> late() {
      return tuple.get(LATE);
    }

    @Override
    public org.apache.beam.sdk.Pipeline getPipeline() {
      return tuple.getPipeline();
    }

    @Override
    public java.util.Map<TupleTag<?>, PValue> expand() {
      return tuple.expand();
    }

    @Override
    public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {}
  }
}
