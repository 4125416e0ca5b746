package io.streamlake.generators.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.generators.core.GeneratedRecord.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class PrefetchedStreamTest {
  private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

  /** Records 0..count-1, released one millisecond apart, failing at {@code failAt} when that is below count. */
  private static final class Numbered implements RecordStream {
    private final int count;
    private final int failAt;
    private int next;

    Numbered(int count, int failAt) {
      this.count = count;
      this.failAt = failAt;
    }

    static GeneratedRecord record(int i) {
      return new GeneratedRecord("t", new byte[] {(byte) i}, new byte[] {(byte) (i >> 8), (byte) i},
          BASE.plusMillis(i), Kind.IN_ORDER);
    }

    @Override
    public boolean hasNext() {
      if (next == failAt) {
        throw new IllegalArgumentException("broken at " + next);
      }
      return next < count;
    }

    @Override
    public Instant peekReleaseTime() {
      return BASE.plusMillis(next).plusNanos(1);
    }

    @Override
    public GeneratedRecord next() {
      return record(next++);
    }
  }

  /** Every record, its release time and the end, across chunk boundaries (chunks of 1024). */
  @Test
  void sameRecordsAndReleaseTimesInTheSameOrder() {
    for (int count : new int[] {0, 1, 1023, 1024, 1025, 2048, 5000}) {
      try (PrefetchedStream stream = new PrefetchedStream(new Numbered(count, -1), "test")) {
        for (int i = 0; i < count; i++) {
          assertTrue(stream.hasNext());
          assertEquals(BASE.plusMillis(i).plusNanos(1), stream.peekReleaseTime());
          assertEquals(Numbered.record(i), stream.next(), "record " + i + " of " + count);
        }
        assertFalse(stream.hasNext());
        assertFalse(stream.hasNext());
        assertThrows(NoSuchElementException.class, stream::next);
        assertThrows(NoSuchElementException.class, stream::peekReleaseTime);
      }
    }
  }

  /** A failing source: the records made before the failure arrive, then the failure, with its cause. */
  @Test
  void failureComesAfterTheRecordsMadeBeforeIt() {
    try (PrefetchedStream stream = new PrefetchedStream(new Numbered(5000, 1500), "test")) {
      List<GeneratedRecord> got = new ArrayList<>();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
        while (stream.hasNext()) {
          got.add(stream.next());
        }
      });
      assertEquals(1500, got.size());
      assertEquals(Numbered.record(1499), got.get(1499));
      assertSame(IllegalArgumentException.class, e.getCause().getClass());
      assertTrue(e.getMessage().contains("broken at 1500"), e.getMessage());
    }
  }
}
