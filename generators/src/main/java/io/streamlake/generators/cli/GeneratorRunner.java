package io.streamlake.generators.cli;

import io.streamlake.generators.core.PrefetchedStream;
import io.streamlake.generators.core.RecordStream;
import io.streamlake.generators.core.GeneratedRecord;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Sends the records of one or more streams, merged by release time, paced by the wall clock:
 * a record released {@code d} of event time after the base time is sent {@code d / speedup} after
 * the run starts ({@code speedup <= 0}: as fast as the sink takes them). Prints a progress line
 * every few seconds and stops early, cleanly, when asked to.
 */
public final class GeneratorRunner {
  /** Records between two looks at the clock for progress when sending unpaced (a power of two). */
  private static final int CLOCK_EVERY = 256;
  /**
   * The longest a paced wait parks before it looks at {@code stop} and the progress line again: the
   * next record may be minutes away (a payment due half an hour after its booking at a low rate), and
   * Ctrl-C must not wait for it.
   */
  private static final long PARK_SLICE_NANOS = 200_000_000L;

  private final RecordSink sink;
  private final double speedup;
  private final Duration progressEvery;
  private final PrintStream progress;

  public GeneratorRunner(RecordSink sink, double speedup, Duration progressEvery, PrintStream progress) {
    this.sink = sink;
    this.speedup = speedup;
    this.progressEvery = progressEvery;
    this.progress = progress;
  }

  /** Runs until every stream is drained or {@code stop} says so; flushes the sink before returning. */
  public RunStats run(List<? extends RecordStream> sources, Instant baseTime, BooleanSupplier stop) {
    List<PrefetchedStream> prefetched = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      prefetched.add(new PrefetchedStream(sources.get(i), Integer.toString(i)));
    }
    try {
      return send(prefetched, baseTime, stop);
    } finally {
      prefetched.forEach(PrefetchedStream::close);
    }
  }

  private RunStats send(List<PrefetchedStream> streams, Instant baseTime, BooleanSupplier stop) {
    RunStats stats = new RunStats();
    PriorityQueue<RecordStream> heads =
        new PriorityQueue<>(Comparator.comparing(RecordStream::peekReleaseTime));
    for (RecordStream s : streams) {
      if (s.hasNext()) {
        heads.add(s);
      }
    }
    long start = System.nanoTime();
    Progress lines = new Progress(stats, start);
    RecordStream only = heads.size() == 1 ? heads.peek() : null;
    while (!heads.isEmpty() && !stop.getAsBoolean()) {
      RecordStream stream;
      if (only != null) {
        // one stream: no merge needed
        stream = only;
      } else {
        stream = heads.poll();
      }
      Instant release = speedup > 0 ? stream.peekReleaseTime() : null;
      GeneratedRecord record = stream.next();
      if (only != null) {
        if (!stream.hasNext()) {
          heads.clear();
        }
      } else if (stream.hasNext()) {
        heads.add(stream);
      }
      if (speedup > 0) {
        long due = start + (long) (Duration.between(baseTime, release).toNanos() / speedup);
        boolean stopped = false;
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(Math.min(wait, PARK_SLICE_NANOS)); // pacing to the configured rate
          if (stop.getAsBoolean()) {
            stopped = true;
            break;
          }
          lines.at(System.nanoTime());
        }
        if (stopped) {
          break; // asked to stop while waiting: this record is not sent
        }
      }
      sink.send(record);
      stats.count(record);
      if (speedup <= 0 && (stats.sent() & (CLOCK_EVERY - 1)) != 0) {
        continue; // unpaced: read the clock for progress every CLOCK_EVERY records, not for each
      }
      lines.at(System.nanoTime());
    }
    sink.flush();
    return stats;
  }

  /** The progress line, printed every {@code progressEvery}: what was sent, at what rate since the last line. */
  private final class Progress {
    private final RunStats stats;
    private long sentAtLast;
    private long last;
    private long next;

    Progress(RunStats stats, long start) {
      this.stats = stats;
      this.last = start;
      this.next = start + progressEvery.toNanos();
    }

    /** Prints the line if it is due at {@code now} (System.nanoTime). */
    void at(long now) {
      if (now < next) {
        return;
      }
      double rate = (stats.sent() - sentAtLast) / ((now - last) / 1e9);
      progress.printf("progress: sent=%d acked=%d rate=%.0f/s errors=%d poison=%d late=%d duplicates=%d%n",
          stats.sent(), sink.acknowledged(), rate, sink.failed(),
          stats.count(GeneratedRecord.Kind.POISON), stats.count(GeneratedRecord.Kind.LATE),
          stats.count(GeneratedRecord.Kind.DUPLICATE));
      sentAtLast = stats.sent();
      last = now;
      next = now + progressEvery.toNanos();
    }
  }
}
