package io.streamlake.pipelines.windows;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.shop.LowStarFollowup;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.StarRating;
import io.streamlake.pipelines.common.DeadLetters;
import io.streamlake.pipelines.common.FiredTimers;
import io.streamlake.schemas.Topics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Low-star follow-ups: a user who gave fewer than {@code starsBelow} stars and then viewed pages
 * within {@code window} gets one correlation record per rating, with the pages viewed (a view
 * belongs to a rating when {@code 0 <= viewed_at - rated_at <= window}).
 *
 * <p>A stateful {@code DoFn} keyed by user id, in event time, with one timer per user set to its
 * next deadline. It keeps the user's open low ratings and the page views of the last {@code window +
 * allowedLateness} (a rating may arrive after its views); at {@code rated_at + window} a rating with
 * views is emitted; a view that arrives later but before {@code rated_at + window + allowedLateness}
 * updates it (emitted again; the table upserts by rating). Then the rating closes and is counted as
 * {@code followup} or {@code no_followup}; a rating for a closed period goes to the late output.
 * Views leave the state when no open or still acceptable rating can match them, and an idle user's
 * state is cleared after {@code retention}: state stays bounded. In streaming, a rating of a user
 * whose state was cleared is still told late by the latest timer the step fired for any user (a lower
 * bound of the watermark), except in a new instance that has fired none yet (after a restart).
 *
 * <p>Input: a tuple of {@link #RATINGS} and {@link #VIEWS}. Output: {@link #FOLLOWUPS} and
 * {@link #LATE}. Counters, namespace {@code low_star_followups}: {@code not_low} (rating records of
 * {@code starsBelow} stars or more, copies included), {@code followup},
 * {@code no_followup}, {@code duplicate}, {@code late}, {@code updates}, {@code keys_opened},
 * {@code keys_released}.
 */
final class LowStarFollowups extends PTransform<PCollectionTuple, PCollectionTuple> {
  static final String NAME = "low_star_followups";
  static final TupleTag<StarRating> RATINGS = new TupleTag<>("ratings") {};
  static final TupleTag<PageView> VIEWS = new TupleTag<>("views") {};
  static final TupleTag<LowStarFollowup> FOLLOWUPS = new TupleTag<>("followups") {};
  static final TupleTag<DeadLetter> LATE = new TupleTag<>("late") {};

  private final int starsBelow;
  private final Duration window;
  private final Duration allowedLateness;
  private final Duration retention;

  LowStarFollowups(int starsBelow, Duration window, Duration allowedLateness, Duration retention) {
    this.starsBelow = starsBelow;
    this.window = window;
    this.allowedLateness = allowedLateness;
    this.retention = retention;
  }

  @Override
  public PCollectionTuple expand(PCollectionTuple input) {
    UnionCoder union = UnionCoder.of(List.of(AvroCoder.of(StarRating.class), AvroCoder.of(PageView.class)));
    KvCoder<String, RawUnionValue> keyed = KvCoder.of(StringUtf8Coder.of(), union);
    PCollection<KV<String, RawUnionValue>> ratings = input.get(RATINGS)
        .apply("KeepLowRatings", ParDo.of(new KeyLowRatingsFn(starsBelow))).setCoder(keyed);
    PCollection<KV<String, RawUnionValue>> views = input.get(VIEWS)
        .apply("KeyViewsByUser", ParDo.of(new KeyViewsFn())).setCoder(keyed);
    PCollection<KV<String, RawUnionValue>> merged = PCollectionList.of(ratings).and(views)
        .apply("MergeRatingsAndViews", Flatten.pCollections());
    PCollectionTuple out = merged
        .apply("CorrelateByUser", ParDo.of(new FollowupFn(window, allowedLateness, retention, new FiredTimers(merged)))
            .withOutputTags(FOLLOWUPS, TupleTagList.of(LATE)));
    out.get(FOLLOWUPS).setCoder(AvroCoder.of(LowStarFollowup.class));
    out.get(LATE).setCoder(AvroCoder.of(DeadLetter.class));
    return out;
  }

  static final class KeyLowRatingsFn extends DoFn<StarRating, KV<String, RawUnionValue>> {
    private final int starsBelow;
    private final Counter notLow = Metrics.counter(NAME, "not_low");

    KeyLowRatingsFn(int starsBelow) {
      this.starsBelow = starsBelow;
    }

    @ProcessElement
    public void process(@Element StarRating r, OutputReceiver<KV<String, RawUnionValue>> out) {
      if (r.getStars() < starsBelow) {
        out.output(KV.of(r.getUserId(), new RawUnionValue(0, r)));
      } else {
        notLow.inc();
      }
    }
  }

  static final class KeyViewsFn extends DoFn<PageView, KV<String, RawUnionValue>> {
    @ProcessElement
    public void process(@Element PageView v, OutputReceiver<KV<String, RawUnionValue>> out) {
      out.output(KV.of(v.getUserId(), new RawUnionValue(1, v)));
    }
  }

  /** The follow-up of a rating from the views at hand, or null when none of them matches. */
  static LowStarFollowup followup(StarRating r, Iterable<PageView> views, long windowMillis) {
    Map<String, PageView> matched = new TreeMap<>();
    for (PageView v : views) {
      if (matches(r, v, windowMillis)) {
        matched.putIfAbsent(v.getEventId(), v);
      }
    }
    if (matched.isEmpty()) {
      return null;
    }
    List<PageView> ordered = new ArrayList<>(matched.values());
    ordered.sort(Comparator.comparing(PageView::getViewedAt).thenComparing(PageView::getEventId));
    List<String> pages = ordered.stream().map(PageView::getUrl).toList();
    return new LowStarFollowup(r.getEventId(), r.getUserId(), r.getProductId(), r.getStars(), r.getRatedAt(),
        ordered.size(), new ArrayList<>(pages), ordered.get(0).getViewedAt(),
        ordered.get(ordered.size() - 1).getViewedAt());
  }

  static boolean anyMatch(StarRating r, List<PageView> views, long windowMillis) {
    for (PageView v : views) {
      if (matches(r, v, windowMillis)) {
        return true;
      }
    }
    return false;
  }

  static boolean matches(StarRating r, PageView v, long windowMillis) {
    long delay = v.getViewedAt().toEpochMilli() - r.getRatedAt().toEpochMilli();
    return delay >= 0 && delay <= windowMillis;
  }

  static final class FollowupFn extends DoFn<KV<String, RawUnionValue>, LowStarFollowup> {
    private final long window;
    private final long lateness;
    private final long retention;

    @StateId("ratings")
    private final StateSpec<BagState<StarRating>> ratingsSpec = StateSpecs.bag(AvroCoder.of(StarRating.class));

    @StateId("views")
    private final StateSpec<BagState<PageView>> viewsSpec = StateSpecs.bag(AvroCoder.of(PageView.class));

    /** The latest timer firing of this user: the watermark had reached it. */
    @StateId("seen")
    private final StateSpec<ValueState<Long>> seenSpec = StateSpecs.value(VarLongCoder.of());

    @StateId("timerAt")
    private final StateSpec<ValueState<Long>> timerAtSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("tick")
    private final TimerSpec tickSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    private final Counter followups = Metrics.counter(NAME, "followup");
    private final Counter noFollowups = Metrics.counter(NAME, "no_followup");
    private final Counter duplicates = Metrics.counter(NAME, "duplicate");
    private final Counter late = Metrics.counter(NAME, "late");
    private final Counter updates = Metrics.counter(NAME, "updates");
    private final Counter keysOpened = Metrics.counter(NAME, "keys_opened");
    private final Counter keysReleased = Metrics.counter(NAME, "keys_released");

    /** Tells a rating of a user whose state was released that its period has closed. */
    private final FiredTimers firedTimers;

    FollowupFn(Duration window, Duration lateness, Duration retention, FiredTimers firedTimers) {
      this.window = window.getMillis();
      this.lateness = lateness.getMillis();
      this.retention = Math.max(1, retention.getMillis());
      this.firedTimers = firedTimers;
    }

    @ProcessElement
    public void process(@Element KV<String, RawUnionValue> element, MultiOutputReceiver out,
        @StateId("ratings") BagState<StarRating> ratingsState, @StateId("views") BagState<PageView> viewsState,
        @StateId("seen") ValueState<Long> seenState, @StateId("timerAt") ValueState<Long> timerAt,
        @TimerId("tick") Timer tick) {
      Long seen = seenState.read();
      long watermark = Math.max(seen == null ? Long.MIN_VALUE : seen, firedTimers.watermark());
      Object value = element.getValue().getValue();
      long deadline;
      if (value instanceof StarRating r) {
        long decideAt = r.getRatedAt().toEpochMilli() + window;
        if (decideAt + lateness <= watermark) {
          late.inc();
          out.get(LATE).output(DeadLetters.of(Topics.STAR_RATINGS.name(), Topics.STAR_RATINGS.codec().encode(r),
              "late: the follow-up period of this rating (rated_at + " + window / 1000 + " s + allowed lateness "
                  + lateness / 1000 + " s) had closed", "CorrelateLowStarFollowups", r.getEventId()));
          return;
        }
        for (StarRating q : ratingsState.read()) {
          if (q.getEventId().equals(r.getEventId())) {
            duplicates.inc();
            return;
          }
        }
        open(timerAt);
        ratingsState.add(r);
        if (decideAt <= watermark) {
          // decided already by time: the views at hand settle it now
          LowStarFollowup f = followup(r, viewsState.read(), window);
          if (f != null) {
            updates.inc();
            out.get(FOLLOWUPS).output(f);
          }
        }
        deadline = decideAt > watermark ? decideAt : decideAt + lateness;
      } else {
        PageView v = (PageView) value;
        long expireAt = v.getViewedAt().toEpochMilli() + window + lateness;
        if (expireAt <= watermark) {
          return; // no rating that could still be open matches it
        }
        List<PageView> views = new ArrayList<>();
        for (PageView w : viewsState.read()) {
          if (w.getEventId().equals(v.getEventId())) {
            return; // the same view again: the follow-ups are unchanged
          }
          views.add(w);
        }
        open(timerAt);
        viewsState.add(v);
        views.add(v);
        for (StarRating r : ratingsState.read()) {
          if (r.getRatedAt().toEpochMilli() + window <= watermark && matches(r, v, window)) {
            updates.inc();
            out.get(FOLLOWUPS).output(followup(r, views, window));
          }
        }
        deadline = expireAt;
      }
      Long at = timerAt.read();
      if (at == null || deadline < at) {
        tick.set(new Instant(deadline));
        timerAt.write(deadline);
      }
    }

    private void open(ValueState<Long> timerAt) {
      if (timerAt.read() == null) {
        keysOpened.inc();
      }
    }

    @OnTimer("tick")
    public void onTick(OnTimerContext ctx, MultiOutputReceiver out,
        @StateId("ratings") BagState<StarRating> ratingsState, @StateId("views") BagState<PageView> viewsState,
        @StateId("seen") ValueState<Long> seenState, @StateId("timerAt") ValueState<Long> timerAt,
        @TimerId("tick") Timer tick) {
      long now = ctx.fireTimestamp().getMillis();
      firedTimers.fired(now);
      Long seen = seenState.read();
      long previous = seen == null ? Long.MIN_VALUE : seen;
      List<StarRating> ratings = new ArrayList<>();
      ratingsState.read().forEach(ratings::add);
      List<PageView> views = new ArrayList<>();
      viewsState.read().forEach(views::add);
      if (ratings.isEmpty() && views.isEmpty()) {
        seenState.clear();
        timerAt.clear();
        keysReleased.inc();
        return;
      }
      seenState.write(now);
      long next = Long.MAX_VALUE;
      List<StarRating> keptRatings = new ArrayList<>();
      for (StarRating r : ratings) {
        long decideAt = r.getRatedAt().toEpochMilli() + window;
        boolean closes = decideAt + lateness <= now;
        // the follow-up is built only for a rating decided by this firing; one that only closes needs
        // to know whether any view matched (building it for every rating at every firing was quadratic)
        if (decideAt > previous && decideAt <= now) {
          LowStarFollowup f = followup(r, views, window);
          if (f != null) {
            out.get(FOLLOWUPS).output(f);
          }
          if (closes) {
            (f != null ? followups : noFollowups).inc();
          }
        } else if (closes) {
          (anyMatch(r, views, window) ? followups : noFollowups).inc();
        }
        if (!closes) {
          keptRatings.add(r);
          next = Math.min(next, decideAt > now ? decideAt : decideAt + lateness);
        }
      }
      List<PageView> keptViews = new ArrayList<>();
      for (PageView v : views) {
        long expireAt = v.getViewedAt().toEpochMilli() + window + lateness;
        if (expireAt > now) {
          keptViews.add(v);
          next = Math.min(next, expireAt);
        }
      }
      if (keptRatings.size() != ratings.size()) {
        ratingsState.clear();
        keptRatings.forEach(ratingsState::add);
      }
      if (keptViews.size() != views.size()) {
        viewsState.clear();
        keptViews.forEach(viewsState::add);
      }
      if (next == Long.MAX_VALUE) {
        next = now + retention;
      }
      tick.set(new Instant(next));
      timerAt.write(next);
    }
  }
}
