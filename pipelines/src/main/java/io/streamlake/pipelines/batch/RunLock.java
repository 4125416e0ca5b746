package io.streamlake.pipelines.batch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a file, held by one hourly batch at a time (an OS file lock: released when the
 * process ends, however it ends, so a crash never leaves a stale lock). The holder writes its pid and
 * start time into the file, for the message of whoever is refused.
 */
public final class RunLock implements AutoCloseable {
  /**
   * The lock files this JVM holds, with the note written in each. This JVM never opens a file it holds
   * again: closing any channel of a file drops every lock the process holds on it (POSIX locks belong
   * to the process), so a refused second attempt, or reading the holder's note, that opened and closed
   * the file released the lock.
   */
  private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

  private final FileChannel channel;
  private final FileLock lock;
  private final Path key;

  private RunLock(FileChannel channel, FileLock lock, Path key) {
    this.channel = channel;
    this.lock = lock;
    this.key = key;
  }

  /** The lock, or null when another process (or another run in this JVM) holds it. */
  public static RunLock tryAcquire(Path file) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Path key = file.toAbsolutePath().normalize();
    String note = "pid " + ProcessHandle.current().pid() + " since " + Instant.now();
    if (HELD.putIfAbsent(key, note) != null) {
      return null; // this JVM holds it
    }
    FileChannel channel = null;
    FileLock lock = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
    } finally {
      if (lock == null) {
        HELD.remove(key);
        if (channel != null) {
          channel.close();
        }
      }
    }
    if (lock == null) {
      return null;
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((note + "\n").getBytes(StandardCharsets.UTF_8)));
    channel.force(false);
    return new RunLock(channel, lock, key);
  }

  /** Who holds the lock, as its holder wrote it ("pid 123 since 2026-...") or "unknown". */
  public static String holder(Path file) {
    String mine = HELD.get(file.toAbsolutePath().normalize());
    if (mine != null) {
      return mine; // this JVM holds it: reading the file would release the lock
    }
    try {
      String text = Files.readString(file).strip();
      return text.isEmpty() ? "unknown" : text;
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      try {
        channel.close();
      } finally {
        HELD.remove(key);
      }
    }
  }
}
