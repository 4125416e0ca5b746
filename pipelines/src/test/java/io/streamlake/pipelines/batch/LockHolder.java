package io.streamlake.pipelines.batch;

import java.nio.file.Path;

/** Holds the batch lock from a separate JVM for a lock test: prints "locked", then waits to be killed. */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (RunLock lock = RunLock.tryAcquire(Path.of(args[0]))) {
      System.out.println(lock == null ? "busy" : "locked");
      System.out.flush();
      Thread.sleep(120_000);
    }
  }
}
