package io.streamlake.generators.core;

import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Computes a stream's records (model, disorder, Avro encoding) on a background thread, in chunks,
 * while the caller sends: generation overlaps with the Kafka producer's work. The order is the
 * wrapped stream's, so output stays deterministic. Close it to stop the thread early.
 */
public final class PrefetchedStream implements RecordStream, AutoCloseable {
  private static final int CHUNK = 1024;

  private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(32);
  private final Thread worker;
  private volatile boolean closed;
  private volatile RuntimeException failure;
  private Chunk current = new Chunk();
  private int position;

  /**
   * Records and their release times in two arrays, filled by the worker and read by the caller
   * after the queue hands the chunk over: no wrapper object per record.
   */
  private static final class Chunk {
    final GeneratedRecord[] records = new GeneratedRecord[CHUNK];
    final Instant[] releases = new Instant[CHUNK];
    int size;
    /** No chunk follows this one: the stream ended (or failed). */
    boolean last;
  }

  public PrefetchedStream(RecordStream source, String name) {
    worker = new Thread(() -> produce(source), "prefetch-" + name);
    worker.setDaemon(true);
    worker.start();
  }

  private void produce(RecordStream source) {
    Chunk chunk = new Chunk();
    try {
      try {
        while (!closed && source.hasNext()) {
          chunk.releases[chunk.size] = source.peekReleaseTime();
          chunk.records[chunk.size] = source.next();
          if (++chunk.size == CHUNK) {
            chunks.put(chunk);
            chunk = new Chunk();
          }
        }
      } catch (RuntimeException e) {
        failure = e;
      }
      chunk.last = true;
      chunks.put(chunk);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether a record is at {@link #position}, taking the next chunk when this one is used up. */
  private boolean advance() {
    while (position >= current.size) {
      if (current.last) {
        if (failure != null) {
          throw new IllegalStateException("generating records failed: " + failure.getMessage(), failure);
        }
        return false;
      }
      try {
        current = chunks.take();
        position = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for generated records", e);
      }
    }
    return true;
  }

  @Override
  public boolean hasNext() {
    return advance();
  }

  @Override
  public Instant peekReleaseTime() {
    if (!advance()) {
      throw new NoSuchElementException();
    }
    return current.releases[position];
  }

  @Override
  public GeneratedRecord next() {
    if (!advance()) {
      throw new NoSuchElementException();
    }
    return current.records[position++];
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
  }
}
