package io.streamlake.generators.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
  private static final Item END = new Item(null, null);

  private final BlockingQueue<List<Item>> chunks = new ArrayBlockingQueue<>(32);
  private final Thread worker;
  private volatile boolean closed;
  private volatile RuntimeException failure;
  private List<Item> current = List.of();
  private int position;

  private record Item(Instant release, GeneratedRecord record) {}

  public PrefetchedStream(RecordStream source, String name) {
    worker = new Thread(() -> produce(source), "prefetch-" + name);
    worker.setDaemon(true);
    worker.start();
  }

  private void produce(RecordStream source) {
    try {
      List<Item> chunk = new ArrayList<>(CHUNK);
      while (!closed && source.hasNext()) {
        Instant release = source.peekReleaseTime();
        chunk.add(new Item(release, source.next()));
        if (chunk.size() == CHUNK) {
          chunks.put(chunk);
          chunk = new ArrayList<>(CHUNK);
        }
      }
      chunk.add(END);
      chunks.put(chunk);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
      chunks.offer(List.of(END));
    }
  }

  private Item head() {
    while (position >= current.size()) {
      try {
        current = chunks.take();
        position = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for generated records", e);
      }
    }
    Item item = current.get(position);
    if (item == END && failure != null) {
      throw new IllegalStateException("generating records failed: " + failure.getMessage(), failure);
    }
    return item;
  }

  @Override
  public boolean hasNext() {
    return head() != END;
  }

  @Override
  public Instant peekReleaseTime() {
    Item item = head();
    if (item == END) {
      throw new NoSuchElementException();
    }
    return item.release();
  }

  @Override
  public GeneratedRecord next() {
    Item item = head();
    if (item == END) {
      throw new NoSuchElementException();
    }
    position++;
    return item.record();
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
  }
}
