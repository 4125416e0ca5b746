package io.streamlake.pipelines.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition on a running system (a streaming job, a table filling up), with a deadline. */
public final class Await {
  private Await() {}

  /**
   * Checks {@code condition} every {@code every} until it holds; fails with {@code describe}'s text
   * when the deadline passes first.
   */
  public static void until(Supplier<Boolean> condition, Duration timeout, Duration every, Supplier<String> describe)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + ": " + describe.get());
      }
      Thread.sleep(every.toMillis()); // the condition is external state with no notification to wait on
    }
  }
}
