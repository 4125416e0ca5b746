package io.streamlake.pipelines.common;

import java.io.Serializable;
import org.apache.beam.sdk.values.PCollection;

/**
 * A lower bound of a stateful step's input watermark, for all its keys: the latest time a timer of
 * this {@code DoFn} instance fired at (its input watermark had reached it; a {@code DoFn} cannot read
 * the watermark). A key whose state was released knows nothing of its own; this bound still tells
 * that its late data is late.
 *
 * <p>Only for streaming (unbounded) input: a batch runner may fire one key's timers before it reads
 * another key's elements, so there it is {@link Long#MIN_VALUE}. It starts from nothing in each new
 * instance (a restart), and a runner with several instances of a step (the Direct runner's threads)
 * bounds each by its own timers. Hold it in a field of the {@code DoFn}: call {@link #fired} in every
 * {@code @OnTimer} method.
 */
public final class FiredTimers implements Serializable {
  private static final long serialVersionUID = 1L;
  private final boolean boundsEveryKey;
  /** Null until a timer of this instance fires (and in every deserialized copy). */
  private transient Long upTo;

  /** @param input the stateful step's input: its boundedness says whether the bound holds for every key */
  public FiredTimers(PCollection<?> input) {
    this.boundsEveryKey = input.isBounded() == PCollection.IsBounded.UNBOUNDED;
  }

  /** A timer of this instance fired at {@code millis}. */
  public void fired(long millis) {
    upTo = upTo == null ? millis : Math.max(upTo, millis);
  }

  /** The bound in epoch millis; {@link Long#MIN_VALUE} when it tells nothing. */
  public long watermark() {
    return boundsEveryKey && upTo != null ? upTo : Long.MIN_VALUE;
  }
}
