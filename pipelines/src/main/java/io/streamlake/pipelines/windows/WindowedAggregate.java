package io.streamlake.pipelines.windows;

import io.streamlake.events.DeadLetter;
import io.streamlake.pipelines.common.DeadLetters;
import io.streamlake.schemas.Topic;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.coders.KvCoder;
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
 * output to route it elsewhere. So this composite aggregates in a stateful {@code DoFn} keyed by
 * group, in the global window, with one event-time timer per group set to the next deadline of its
 * open windows:
 *
 * <ul>
 *   <li>a window's events are kept in state until the window closes; at the window's end the row is
 *       emitted ({@link Aggregation#summarize} of its events, distinct by event id);
 *   <li>an event for a window that has already been emitted but is still within the allowed lateness
 *       (the watermark is before {@code window end + allowedLateness}) updates the row, which is
 *       emitted again at once: the latest row per (window start, group) wins, as the warehouse upsert
 *       does;
 *   <li>at {@code window end + allowedLateness} the window closes and its events leave the state; an
 *       event for a closed window goes to the late output (a dead letter with the original bytes and
 *       the reason) and is counted;
 *   <li>when a group has had no open window for {@code retention}, its state is cleared.
 * </ul>
 *
 * <p>A {@code DoFn} cannot read the watermark, so each group remembers the time of its latest timer
 * firing, a lower bound of the watermark: a window is closed for the group once that bound has
 * reached its end plus the allowed lateness. Every window that held data is closed by its own timer,
 * so late data for it is always detected. (A record for a window that never held data and whose
 * deadline the watermark passed since the group's last timer opens that window and is emitted as its
 * row; it is not lost either way.)
 *
 * <p>Counters, namespace {@link Aggregation#name()}: {@code rows} (on-time rows), {@code row_updates}
 * (rows re-emitted for late data), {@code late}, {@code duplicate} (same event id twice in a window),
 * {@code windows_closed}, {@code keys_opened} and {@code keys_released}.
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
    PCollectionTuple out = input
        .apply("KeyByGroup", ParDo.of(new KeyByGroupFn<>(aggregation)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), AvroCoder.of(eventClass)))
        .apply("AggregateWindows", ParDo.of(new AggregateFn<>(aggregation, size, allowedLateness, retention,
            rows, late, step)).withOutputTags(rows, TupleTagList.of(late)));
    out.get(rows).setCoder(AvroCoder.of(aggregation.rowClass()));
    out.get(late).setCoder(AvroCoder.of(DeadLetter.class));
    return out;
  }

  /** The start of the fixed window of {@code size} that holds {@code time} (windows start at the epoch). */
  static long windowStart(long timeMillis, long sizeMillis) {
    return timeMillis - Math.floorMod(timeMillis, sizeMillis);
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

  static final class AggregateFn<T extends SpecificRecord, R extends SpecificRecord> extends DoFn<KV<String, T>, R> {
    private final Aggregation<T, R> aggregation;
    private final long size;
    private final long lateness;
    private final long retention;
    private final TupleTag<R> rowsTag;
    private final TupleTag<DeadLetter> lateTag;
    private final String step;

    @StateId("events")
    private final StateSpec<BagState<T>> eventsSpec;

    /** The latest timer firing of this group: the watermark had reached it. */
    @StateId("seen")
    private final StateSpec<ValueState<Long>> seenSpec = StateSpecs.value(VarLongCoder.of());

    /** When the group's timer is set to fire; absent when the group has no state. */
    @StateId("timerAt")
    private final StateSpec<ValueState<Long>> timerAtSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("tick")
    private final TimerSpec tickSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    private final Counter rowsOut;
    private final Counter rowUpdates;
    private final Counter lateOut;
    private final Counter duplicates;
    private final Counter windowsClosed;
    private final Counter keysOpened;
    private final Counter keysReleased;

    AggregateFn(Aggregation<T, R> aggregation, Duration size, Duration lateness, Duration retention,
        TupleTag<R> rowsTag, TupleTag<DeadLetter> lateTag, String step) {
      this.aggregation = aggregation;
      this.size = size.getMillis();
      this.lateness = lateness.getMillis();
      this.retention = Math.max(1, retention.getMillis());
      this.rowsTag = rowsTag;
      this.lateTag = lateTag;
      this.step = step;
      this.eventsSpec = StateSpecs.bag(AvroCoder.of(aggregation.topic().valueClass()));
      String ns = aggregation.name();
      this.rowsOut = Metrics.counter(ns, "rows");
      this.rowUpdates = Metrics.counter(ns, "row_updates");
      this.lateOut = Metrics.counter(ns, "late");
      this.duplicates = Metrics.counter(ns, "duplicate");
      this.windowsClosed = Metrics.counter(ns, "windows_closed");
      this.keysOpened = Metrics.counter(ns, "keys_opened");
      this.keysReleased = Metrics.counter(ns, "keys_released");
    }

    @ProcessElement
    public void process(@Element KV<String, T> element, MultiOutputReceiver out,
        @StateId("events") BagState<T> events, @StateId("seen") ValueState<Long> seenState,
        @StateId("timerAt") ValueState<Long> timerAt, @TimerId("tick") Timer tick) {
      String group = element.getKey();
      T event = element.getValue();
      long start = windowStart(eventTime(event), size);
      long end = start + size;
      Long seen = seenState.read();
      long watermark = seen == null ? Long.MIN_VALUE : seen;
      if (end + lateness <= watermark) {
        lateOut.inc();
        out.get(lateTag).output(DeadLetters.of(aggregation.topic().name(), aggregation.topic().codec().encode(event),
            "late: window [" + java.time.Instant.ofEpochMilli(start) + ", " + java.time.Instant.ofEpochMilli(end)
                + ") of " + aggregation.name() + " group " + group + " closed at its end plus the allowed lateness ("
                + lateness / 1000 + " s)", step, aggregation.eventIdOf(event)));
        return;
      }
      Long at = timerAt.read();
      if (at == null) {
        keysOpened.inc();
      }
      if (end <= watermark) {
        // the window's row was emitted already: update it now
        Map<String, T> window = distinct(eventsOf(events.read(), start));
        events.add(event);
        if (window.putIfAbsent(aggregation.eventIdOf(event), event) == null) {
          rowUpdates.inc();
          out.get(rowsTag).output(summarize(group, start, window));
        }
      } else {
        events.add(event);
      }
      long deadline = end > watermark ? end : end + lateness;
      if (at == null || deadline < at) {
        tick.set(new Instant(deadline));
        timerAt.write(deadline);
      }
    }

    @OnTimer("tick")
    public void onTick(OnTimerContext ctx, @Key String group, MultiOutputReceiver out,
        @StateId("events") BagState<T> events, @StateId("seen") ValueState<Long> seenState,
        @StateId("timerAt") ValueState<Long> timerAt, @TimerId("tick") Timer tick) {
      long now = ctx.fireTimestamp().getMillis();
      Long seen = seenState.read();
      long previous = seen == null ? Long.MIN_VALUE : seen;
      List<T> all = new ArrayList<>();
      events.read().forEach(all::add);
      if (all.isEmpty()) {
        // nothing open for the retention period: forget the group
        seenState.clear();
        timerAt.clear();
        keysReleased.inc();
        return;
      }
      seenState.write(now);
      TreeMap<Long, List<T>> byWindow = new TreeMap<>();
      for (T e : all) {
        byWindow.computeIfAbsent(windowStart(eventTime(e), size), k -> new ArrayList<>()).add(e);
      }
      List<T> kept = new ArrayList<>();
      long next = Long.MAX_VALUE;
      for (Map.Entry<Long, List<T>> w : byWindow.entrySet()) {
        long start = w.getKey();
        long end = start + size;
        Map<String, T> window = distinct(w.getValue());
        if (end > previous && end <= now) {
          rowsOut.inc();
          out.get(rowsTag).output(summarize(group, start, window));
        }
        if (end + lateness <= now) {
          windowsClosed.inc();
          duplicates.inc(w.getValue().size() - window.size());
        } else {
          kept.addAll(w.getValue());
          next = Math.min(next, end > now ? end : end + lateness);
        }
      }
      if (kept.size() != all.size()) {
        events.clear();
        kept.forEach(events::add);
      }
      if (next == Long.MAX_VALUE) {
        next = now + retention;
      }
      tick.set(new Instant(next));
      timerAt.write(next);
    }

    /** The bag does not keep element timestamps; events carry their time in a field. */
    private long eventTime(T event) {
      return aggregation.eventTimeOf(event).toEpochMilli();
    }

    private List<T> eventsOf(Iterable<T> all, long start) {
      List<T> out = new ArrayList<>();
      for (T e : all) {
        if (windowStart(eventTime(e), size) == start) {
          out.add(e);
        }
      }
      return out;
    }

    /** Distinct by event id, ordered by it: sums come out the same on every runner. */
    private Map<String, T> distinct(List<T> events) {
      Map<String, T> byId = new TreeMap<>();
      for (T e : events) {
        byId.putIfAbsent(aggregation.eventIdOf(e), e);
      }
      return byId;
    }

    private R summarize(String group, long start, Map<String, T> window) {
      return aggregation.summarize(group, java.time.Instant.ofEpochMilli(start),
          java.time.Instant.ofEpochMilli(start + size), new ArrayList<>(window.values()));
    }
  }
}
