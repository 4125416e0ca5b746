package io.streamlake.pipelines.windows;

import io.streamlake.events.DeadLetter;
import io.streamlake.pipelines.common.DeadLetters;
import io.streamlake.pipelines.common.FiredTimers;
import io.streamlake.schemas.Topic;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
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
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Fixed event-time windows per group, with an allowed lateness, that never drop a record silently.
 *
 * <p>Beam's windowed {@code GroupByKey} drops data that is later than the allowed lateness with no
 * output to route it elsewhere. So this composite aggregates with stateful {@code DoFn}s in the
 * global window, in two keyed steps:
 *
 * <ol>
 *   <li>{@code ClassifyLateness}, keyed by group, decides whether an event is late. It keeps only the
 *       group's open window starts and the time of its latest timer firing (a lower bound of the
 *       watermark; a {@code DoFn} cannot read the watermark), with one event-time timer set to the
 *       next deadline of the group's open windows. A window is closed for the group once that bound has
 *       reached its end plus the allowed lateness: an event for a closed window goes to the late
 *       output (a dead letter with the original bytes and the reason) and is counted. Every other
 *       event goes on, keyed by (window start, group).
 *   <li>{@code AggregateWindows}, keyed by (window start, group), keeps that one window's events. Its
 *       timer fires at the window's end, which emits the row ({@link Aggregation#summarize} of its
 *       events, distinct by event id), and at the end plus the allowed lateness, which closes the window
 *       and releases its state. An event that arrives after the row was emitted (late, but within the
 *       allowed lateness) updates the row, which is emitted again at once: the latest row per (window
 *       start, group) wins, as the warehouse upsert does.
 * </ol>
 *
 * <p>So an event is read when its window's row is built, at the window's close and at each late
 * update of its window, whatever the number of open windows: a replay that holds the watermark back
 * until the end, so that every window of the run is open at once, stays linear. An event the first
 * step lets through does not meet a closed window in the second: the second step's watermark is never
 * ahead of the first's, and every window that held data is a deadline of the first step's timer.
 * When a group has had no open window for {@code retention}, its state is cleared; an event for one
 * of its old windows is still told late, in streaming, by the latest timer the step fired for any
 * group (also a lower bound of the watermark), except in a new instance that has fired none yet
 * (after a restart).
 * (A record for a window that never held data and whose deadline the watermark passed since the
 * timers last fired opens that window and is emitted as its row; it is not lost either way.)
 *
 * <p>Counters, namespace {@link Aggregation#name()}: {@code rows} (on-time rows), {@code row_updates}
 * (rows re-emitted for late data), {@code late}, {@code duplicate} (same event id twice in a window),
 * {@code windows_closed}, {@code keys_opened} and {@code keys_released} (groups).
 */
public final class WindowedAggregate<T extends SpecificRecord, R extends SpecificRecord>
    extends PTransform<PCollection<T>, PCollectionTuple> {

  /** What to aggregate: the group of an event and the row of one window of one group. */
  public interface Aggregation<T extends SpecificRecord, R extends SpecificRecord> extends Serializable {
    /** Counter namespace and table name, e.g. {@code pageviews_by_method_5m}. */
    String name();

    /** The topic the events come from (for the late output's original bytes). */
    Topic<T> topic();

    Class<R> rowClass();

    String groupOf(T event);

    String eventIdOf(T event);

    /** The event's own time (the element timestamp the decoder gave it). */
    java.time.Instant eventTimeOf(T event);

    /**
     * The row of one window; {@code events} are distinct by event id, ordered by it, and never
     * empty.
     */
    R summarize(String group, java.time.Instant windowStart, java.time.Instant windowEnd, List<T> events);
  }

  private final Aggregation<T, R> aggregation;
  private final Duration size;
  private final Duration allowedLateness;
  private final Duration retention;
  private final String step;
  private final TupleTag<R> rows = new TupleTag<>() {};
  private final TupleTag<DeadLetter> late = new TupleTag<>() {};

  private WindowedAggregate(Aggregation<T, R> aggregation, Duration size, Duration allowedLateness,
      Duration retention, String step) {
    if (!size.isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException("window size must be positive, got " + size);
    }
    if (allowedLateness.isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("allowed lateness must not be negative, got " + allowedLateness);
    }
    this.aggregation = aggregation;
    this.size = size;
    this.allowedLateness = allowedLateness;
    this.retention = retention;
    this.step = step;
  }

  /**
   * @param step the step name this composite is applied under; late records name it as the step
   *     where they left the pipeline
   * @param retention how long a group's state outlives its last closed window
   */
  public static <T extends SpecificRecord, R extends SpecificRecord> WindowedAggregate<T, R> of(
      Aggregation<T, R> aggregation, Duration size, Duration allowedLateness, Duration retention, String step) {
    return new WindowedAggregate<>(aggregation, size, allowedLateness, retention, step);
  }

  /** The rows: one per (window, group) on time, then one more each time late data changes it. */
  public TupleTag<R> rows() {
    return rows;
  }

  /** Events for windows that had already closed. */
  public TupleTag<DeadLetter> late() {
    return late;
  }

  @Override
  public PCollectionTuple expand(PCollection<T> input) {
    Class<T> eventClass = aggregation.topic().valueClass();
    TupleTag<KV<String, T>> onTime = new TupleTag<>() {};
    PCollectionTuple classified = input
        .apply("KeyByGroup", ParDo.of(new KeyByGroupFn<>(aggregation)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), AvroCoder.of(eventClass)))
        .apply("ClassifyLateness", ParDo.of(new ClassifyFn<>(aggregation, size, allowedLateness, retention,
            onTime, late, step, new FiredTimers(input)))
            .withOutputTags(onTime, TupleTagList.of(late)));
    PCollection<R> windowRows = classified.get(onTime)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), AvroCoder.of(eventClass)))
        .apply("AggregateWindows", ParDo.of(new AggregateFn<>(aggregation, size, allowedLateness)))
        .setCoder(AvroCoder.of(aggregation.rowClass()));
    PCollection<DeadLetter> lateEvents = classified.get(late).setCoder(AvroCoder.of(DeadLetter.class));
    return PCollectionTuple.of(rows, windowRows).and(late, lateEvents);
  }

  /** The start of the fixed window of {@code size} that holds {@code time} (windows start at the epoch). */
  static long windowStart(long timeMillis, long sizeMillis) {
    return timeMillis - Math.floorMod(timeMillis, sizeMillis);
  }

  /** The key of one window of one group: its start in epoch millis, a colon, the group. */
  static String windowKey(long start, String group) {
    return start + ":" + group;
  }

  static final class KeyByGroupFn<T extends SpecificRecord, R extends SpecificRecord> extends DoFn<T, KV<String, T>> {
    private final Aggregation<T, R> aggregation;

    KeyByGroupFn(Aggregation<T, R> aggregation) {
      this.aggregation = aggregation;
    }

    @ProcessElement
    public void process(@Element T event, OutputReceiver<KV<String, T>> out) {
      out.output(KV.of(aggregation.groupOf(event), event));
    }
  }

  /**
   * Keyed by group: late events to the late output, the others on to their window's key. State per
   * group: the open window starts (sorted, few), the latest timer firing and when the timer is set.
   */
  static final class ClassifyFn<T extends SpecificRecord, R extends SpecificRecord>
      extends DoFn<KV<String, T>, KV<String, T>> {
    private final Aggregation<T, R> aggregation;
    private final long size;
    private final long lateness;
    private final long retention;
    private final TupleTag<KV<String, T>> onTimeTag;
    private final TupleTag<DeadLetter> lateTag;
    private final String step;

    /** The starts of the windows that held data and have not closed, ascending. */
    @StateId("open")
    private final StateSpec<ValueState<List<Long>>> openSpec = StateSpecs.value(ListCoder.of(VarLongCoder.of()));

    /** The latest timer firing of this group: the watermark had reached it. */
    @StateId("seen")
    private final StateSpec<ValueState<Long>> seenSpec = StateSpecs.value(VarLongCoder.of());

    /** When the group's timer is set to fire; absent when the group has no state. */
    @StateId("timerAt")
    private final StateSpec<ValueState<Long>> timerAtSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("tick")
    private final TimerSpec tickSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    private final Counter lateOut;
    private final Counter keysOpened;
    private final Counter keysReleased;
    /** Tells an event of a group whose state was released that its window has closed. */
    private final FiredTimers firedTimers;

    ClassifyFn(Aggregation<T, R> aggregation, Duration size, Duration lateness, Duration retention,
        TupleTag<KV<String, T>> onTimeTag, TupleTag<DeadLetter> lateTag, String step, FiredTimers firedTimers) {
      this.aggregation = aggregation;
      this.firedTimers = firedTimers;
      this.size = size.getMillis();
      this.lateness = lateness.getMillis();
      this.retention = Math.max(1, retention.getMillis());
      this.onTimeTag = onTimeTag;
      this.lateTag = lateTag;
      this.step = step;
      String ns = aggregation.name();
      this.lateOut = Metrics.counter(ns, "late");
      this.keysOpened = Metrics.counter(ns, "keys_opened");
      this.keysReleased = Metrics.counter(ns, "keys_released");
    }

    @ProcessElement
    public void process(@Element KV<String, T> element, MultiOutputReceiver out,
        @StateId("open") ValueState<List<Long>> openState, @StateId("seen") ValueState<Long> seenState,
        @StateId("timerAt") ValueState<Long> timerAt, @TimerId("tick") Timer tick) {
      String group = element.getKey();
      T event = element.getValue();
      long start = windowStart(aggregation.eventTimeOf(event).toEpochMilli(), size);
      long end = start + size;
      Long seen = seenState.read();
      long watermark = Math.max(seen == null ? Long.MIN_VALUE : seen, firedTimers.watermark());
      if (end + lateness <= watermark) {
        lateOut.inc();
        out.get(lateTag).output(DeadLetters.of(aggregation.topic().name(), aggregation.topic().codec().encode(event),
            "late: window [" + java.time.Instant.ofEpochMilli(start) + ", " + java.time.Instant.ofEpochMilli(end)
                + ") of " + aggregation.name() + " group " + group + " closed at its end plus the allowed lateness ("
                + lateness / 1000 + " s)", step, aggregation.eventIdOf(event)));
        return;
      }
      out.get(onTimeTag).output(KV.of(windowKey(start, group), event));
      List<Long> open = openState.read();
      int at = open == null ? -1 : Collections.binarySearch(open, start);
      if (at >= 0) {
        return; // the window is open: the timer already covers its deadline
      }
      List<Long> updated = open == null ? new ArrayList<>() : new ArrayList<>(open);
      updated.add(-at - 1, start);
      openState.write(updated);
      Long timerSetAt = timerAt.read();
      if (timerSetAt == null) {
        keysOpened.inc();
      }
      long deadline = end > watermark ? end : end + lateness;
      if (timerSetAt == null || deadline < timerSetAt) {
        tick.set(new Instant(deadline));
        timerAt.write(deadline);
      }
    }

    @OnTimer("tick")
    public void onTick(OnTimerContext ctx, @StateId("open") ValueState<List<Long>> openState,
        @StateId("seen") ValueState<Long> seenState, @StateId("timerAt") ValueState<Long> timerAt,
        @TimerId("tick") Timer tick) {
      long now = ctx.fireTimestamp().getMillis();
      firedTimers.fired(now);
      List<Long> open = openState.read();
      if (open == null || open.isEmpty()) {
        // nothing open for the retention period: forget the group
        openState.clear();
        seenState.clear();
        timerAt.clear();
        keysReleased.inc();
        return;
      }
      seenState.write(now);
      List<Long> stillOpen = new ArrayList<>(open.size());
      long next = Long.MAX_VALUE;
      for (long start : open) {
        long end = start + size;
        if (end + lateness > now) {
          stillOpen.add(start);
          next = Math.min(next, end > now ? end : end + lateness);
        }
      }
      if (stillOpen.size() != open.size()) {
        openState.write(stillOpen);
      }
      if (next == Long.MAX_VALUE) {
        next = now + retention;
      }
      tick.set(new Instant(next));
      timerAt.write(next);
    }
  }

  /**
   * Keyed by (window start, group): one window's events. Its timer fires at the window's end (the
   * row) and at the end plus the allowed lateness (the close, which releases the window's state).
   */
  static final class AggregateFn<T extends SpecificRecord, R extends SpecificRecord> extends DoFn<KV<String, T>, R> {
    private final Aggregation<T, R> aggregation;
    private final long size;
    private final long lateness;

    @StateId("events")
    private final StateSpec<BagState<T>> eventsSpec;

    /** True once the window's row was emitted; absent while the window waits for its end. */
    @StateId("emitted")
    private final StateSpec<ValueState<Boolean>> emittedSpec = StateSpecs.value(BooleanCoder.of());

    @TimerId("window")
    private final TimerSpec windowSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    private final Counter rowsOut;
    private final Counter rowUpdates;
    private final Counter duplicates;
    private final Counter windowsClosed;

    AggregateFn(Aggregation<T, R> aggregation, Duration size, Duration lateness) {
      this.aggregation = aggregation;
      this.size = size.getMillis();
      this.lateness = lateness.getMillis();
      this.eventsSpec = StateSpecs.bag(AvroCoder.of(aggregation.topic().valueClass()));
      String ns = aggregation.name();
      this.rowsOut = Metrics.counter(ns, "rows");
      this.rowUpdates = Metrics.counter(ns, "row_updates");
      this.duplicates = Metrics.counter(ns, "duplicate");
      this.windowsClosed = Metrics.counter(ns, "windows_closed");
    }

    @ProcessElement
    public void process(@Element KV<String, T> element, OutputReceiver<R> out,
        @StateId("events") BagState<T> events, @StateId("emitted") ValueState<Boolean> emittedState,
        @TimerId("window") Timer window) {
      T event = element.getValue();
      Boolean emitted = emittedState.read();
      if (emitted == null) {
        // the first event of the window: its row is due at the window's end
        long start = windowStart(aggregation.eventTimeOf(event).toEpochMilli(), size);
        emittedState.write(false);
        window.set(new Instant(start + size));
        events.add(event);
      } else if (emitted) {
        // the window's row was emitted already: update it now, unless the event is a repeat
        Map<String, T> distinct = distinct(events.read());
        events.add(event);
        if (distinct.putIfAbsent(aggregation.eventIdOf(event), event) == null) {
          rowUpdates.inc();
          out.output(summarize(element.getKey(), distinct));
        }
      } else {
        events.add(event);
      }
    }

    @OnTimer("window")
    public void onWindow(OnTimerContext ctx, @Key String key, OutputReceiver<R> out,
        @StateId("events") BagState<T> events, @StateId("emitted") ValueState<Boolean> emittedState,
        @TimerId("window") Timer window) {
      Boolean emitted = emittedState.read();
      if (emitted == null) {
        return; // nothing of this window is left
      }
      List<T> all = new ArrayList<>();
      events.read().forEach(all::add);
      Map<String, T> distinct = distinct(all);
      if (!emitted) {
        rowsOut.inc();
        out.output(summarize(key, distinct));
        emittedState.write(true);
        window.set(new Instant(start(key) + size + lateness));
      } else {
        windowsClosed.inc();
        duplicates.inc(all.size() - distinct.size());
        events.clear();
        emittedState.clear();
      }
    }

    private static long start(String key) {
      return Long.parseLong(key.substring(0, key.indexOf(':')));
    }

    /** Distinct by event id, ordered by it: sums come out the same on every runner. */
    private Map<String, T> distinct(Iterable<T> events) {
      Map<String, T> byId = new TreeMap<>();
      for (T e : events) {
        byId.putIfAbsent(aggregation.eventIdOf(e), e);
      }
      return byId;
    }

    private R summarize(String key, Map<String, T> window) {
      long start = start(key);
      String group = key.substring(key.indexOf(':') + 1);
      return aggregation.summarize(group, java.time.Instant.ofEpochMilli(start),
          java.time.Instant.ofEpochMilli(start + size), new ArrayList<>(window.values()));
    }
  }
}
