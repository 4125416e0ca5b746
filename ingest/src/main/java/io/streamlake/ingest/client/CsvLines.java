package io.streamlake.ingest.client;

import io.streamlake.generators.retail.OnlineRetailCsv;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lines of an Online Retail CSV file ({@link OnlineRetailCsv}, the generators' reader) as request
 * lines for the replay, read on a thread of their own into a bounded queue, so a file of any size is
 * replayed in constant memory. A row the reader cannot read is printed with its line number and reason
 * and counted ({@link #unreadable()}); it is never skipped silently.
 */
final class CsvLines implements Iterator<ReplayClient.Line>, AutoCloseable {
  private static final Object END = new Object();

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(10_000);
  private final AtomicLong unreadable = new AtomicLong();
  private final Thread reader;
  private volatile RuntimeException failure;
  private Object next;

  CsvLines(Reader in, String fileName, PrintStream report) {
    reader = new Thread(() -> {
      try {
        OnlineRetailCsv.read(in, line -> put(ReplayClient.Line.of(line)), error -> {
          unreadable.incrementAndGet();
          report.println("unreadable " + fileName + " " + error);
        });
      } catch (IOException e) {
        failure = new IllegalStateException("cannot read " + fileName + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        failure = e;
      } finally {
        if (Thread.currentThread().isInterrupted()) {
          queue.offer(END); // closed early: nobody waits for the rest
        } else {
          put(END);
        }
      }
    }, "csv-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void put(Object item) {
    try {
      queue.put(item); // blocks while the replay is behind: the file is read as fast as it is sent
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the replay stopped");
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    if (next == END && failure != null) {
      throw failure;
    }
    return next != END;
  }

  @Override
  public ReplayClient.Line next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ReplayClient.Line line = (ReplayClient.Line) next;
    next = null;
    return line;
  }

  /** Rows of the file the reader could not read. */
  long unreadable() {
    return unreadable.get();
  }

  @Override
  public void close() {
    reader.interrupt();
  }
}
