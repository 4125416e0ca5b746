package io.streamlake.bench.nativeflink;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.BookingFact;
import io.streamlake.events.ticketing.BookingStatus;
import io.streamlake.events.ticketing.Payment;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The booking/payment join as a native Flink keyed co-process function, keyed by booking id: the
 * same rules as the Beam {@code BookingPaymentJoin} (see {@link JoinLogic}), with Flink's keyed state
 * and event-time timers.
 *
 * <ul>
 *   <li>a fact is emitted as soon as a successful in-window payment is known (PAID), otherwise when
 *       event time passes {@code booked_at + window} (PAYMENT_FAILED or UNPAID); a later in-window
 *       payment within the allowed lateness re-emits the changed fact;
 *   <li>at {@code booked_at + window + lateness} the booking closes (payments and fact cleared, the
 *       booking kept as a closed marker for one more window); a payment for a closed booking paid
 *       outside its window is an orphan, anything else for a closed booking goes to {@link #LATE};
 *   <li>a payment whose booking has not arrived by {@code paid_at + lateness}, or outside its
 *       booking's window, goes to {@link #ORPHANS} with the reason;
 *   <li>a booking id or payment id seen twice is a duplicate: counted, result unchanged.
 * </ul>
 *
 * <p>Flink keeps one timer per timestamp and key, not per purpose, so {@link #onTimer} tells the
 * purposes apart by comparing the firing time with the times kept in state.
 */
public final class BookingPaymentJoinFunction extends KeyedCoProcessFunction<String, Booking, Payment, BookingFact> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> ORPHANS = new OutputTag<>("orphans", new AvroTypeInfo<>(DeadLetter.class));
  public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late", new AvroTypeInfo<>(DeadLetter.class));

  private final long window;
  private final long lateness;

  private transient ValueState<Booking> booking;
  private transient ListState<Payment> payments;
  private transient ValueState<BookingFact> emitted;
  /** Present while the booking is closed: when the closed marker expires. */
  private transient ValueState<Long> closedUntil;
  private transient ValueState<Long> orphanDeadline;

  private transient Counter paid;
  private transient Counter failed;
  private transient Counter unpaid;
  private transient Counter orphan;
  private transient Counter late;
  private transient Counter duplicate;
  private transient Counter updates;

  public BookingPaymentJoinFunction(long windowMillis, long latenessMillis) {
    this.window = windowMillis;
    this.lateness = latenessMillis;
  }

  @Override
  public void open(Configuration parameters) {
    booking = getRuntimeContext().getState(new ValueStateDescriptor<>("booking", new AvroTypeInfo<>(Booking.class)));
    payments = getRuntimeContext().getListState(new ListStateDescriptor<>("payments", new AvroTypeInfo<>(Payment.class)));
    emitted = getRuntimeContext().getState(new ValueStateDescriptor<>("emitted", new AvroTypeInfo<>(BookingFact.class)));
    closedUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("closedUntil", Types.LONG));
    orphanDeadline = getRuntimeContext().getState(new ValueStateDescriptor<>("orphanDeadline", Types.LONG));
    var metrics = getRuntimeContext().getMetricGroup().addGroup("join");
    paid = metrics.counter("paid");
    failed = metrics.counter("payment_failed");
    unpaid = metrics.counter("unpaid");
    orphan = metrics.counter("orphan");
    late = metrics.counter("late");
    duplicate = metrics.counter("duplicate");
    updates = metrics.counter("fact_updates");
  }

  @Override
  public void processElement1(Booking b, Context ctx, Collector<BookingFact> out) throws Exception {
    if (closedUntil.value() != null) {
      late.inc();
      ctx.output(LATE, JoinLogic.late(b, ctx.getCurrentKey()));
      return;
    }
    if (booking.value() != null) {
      duplicate.inc();
      return;
    }
    booking.update(b);
    long decideAt = b.getBookedAt().toEpochMilli() + window;
    ctx.timerService().registerEventTimeTimer(decideAt);
    ctx.timerService().registerEventTimeTimer(decideAt + lateness);
    List<Payment> kept = new ArrayList<>();
    for (Payment p : read(payments)) {
      if (JoinLogic.inWindow(b, p, window)) {
        kept.add(p);
      } else {
        emitOrphan(ctx, p, JoinLogic.outsideWindow(b, p, window));
      }
    }
    payments.update(kept);
    maybeEmit(out, b, kept, false);
  }

  @Override
  public void processElement2(Payment p, Context ctx, Collector<BookingFact> out) throws Exception {
    if (closedUntil.value() != null) {
      Booking closed = booking.value();
      if (closed != null && !JoinLogic.inWindow(closed, p, window)) {
        emitOrphan(ctx, p, JoinLogic.outsideWindow(closed, p, window));
        return;
      }
      late.inc();
      ctx.output(LATE, JoinLogic.late(p, ctx.getCurrentKey()));
      return;
    }
    Booking b = booking.value();
    List<Payment> all = new ArrayList<>();
    for (Payment q : read(payments)) {
      if (q.getPaymentId().equals(p.getPaymentId())) {
        duplicate.inc();
        return;
      }
      all.add(q);
    }
    if (b != null && !JoinLogic.inWindow(b, p, window)) {
      emitOrphan(ctx, p, JoinLogic.outsideWindow(b, p, window));
      return;
    }
    payments.add(p);
    all.add(p);
    if (b == null) {
      long deadline = p.getPaidAt().toEpochMilli() + lateness;
      Long current = orphanDeadline.value();
      if (current == null || deadline > current) {
        orphanDeadline.update(deadline);
        ctx.timerService().registerEventTimeTimer(deadline);
      }
    } else {
      maybeEmit(out, b, all, false);
    }
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<BookingFact> out) throws Exception {
    Booking b = booking.value();
    Long expireAt = closedUntil.value();
    if (expireAt != null) {
      if (ts == expireAt) {
        closedUntil.clear();
        booking.clear();
      }
    } else if (b != null) {
      long decideAt = b.getBookedAt().toEpochMilli() + window;
      if (ts == decideAt) {
        maybeEmit(out, b, read(payments), true);
      }
      if (ts == decideAt + lateness) {
        close(ctx, ts);
      }
    }
    Long deadline = orphanDeadline.value();
    if (deadline != null && ts == deadline && booking.value() == null && closedUntil.value() == null) {
      List<Payment> pending = read(payments);
      for (Payment p : pending) {
        emitOrphan(ctx, p, JoinLogic.noBooking(p, lateness));
      }
      payments.clear();
      orphanDeadline.clear();
    }
  }

  private void close(OnTimerContext ctx, long ts) throws Exception {
    BookingFact last = emitted.value();
    if (last != null) {
      switch (last.getStatus()) {
        case PAID -> paid.inc();
        case PAYMENT_FAILED -> failed.inc();
        case UNPAID -> unpaid.inc();
      }
    }
    payments.clear();
    emitted.clear();
    orphanDeadline.clear();
    closedUntil.update(ts + window);
    ctx.timerService().registerEventTimeTimer(ts + window);
  }

  private void maybeEmit(Collector<BookingFact> out, Booking b, List<Payment> in, boolean windowClosed)
      throws Exception {
    BookingFact fact = JoinLogic.fact(b, in);
    BookingFact previous = emitted.value();
    boolean due = windowClosed || fact.getStatus() == BookingStatus.PAID || previous != null;
    if (due && !fact.equals(previous)) {
      if (previous != null) {
        updates.inc();
      }
      emitted.update(fact);
      out.collect(fact);
    }
  }

  private void emitOrphan(Context ctx, Payment p, String reason) {
    orphan.inc();
    ctx.output(ORPHANS, JoinLogic.orphan(p, reason));
  }

  private static List<Payment> read(ListState<Payment> state) throws Exception {
    List<Payment> out = new ArrayList<>();
    Iterable<Payment> all = state.get();
    if (all != null) {
      all.forEach(out::add);
    }
    return out;
  }
}
