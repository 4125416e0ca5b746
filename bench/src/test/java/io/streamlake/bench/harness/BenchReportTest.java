package io.streamlake.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, BenchReport.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, BenchReport.median(List.of(4.0, 1.0, 2.0, 3.0)));
  }

  @Test
  void checksumIgnoresArrivalOrderButNotContent() {
    String a = OutputDigest.checksum(Map.of("k1", new byte[] {1}, "k2", new byte[] {2}));
    String b = OutputDigest.checksum(new java.util.LinkedHashMap<>(Map.of("k2", new byte[] {2}, "k1", new byte[] {1})));
    String c = OutputDigest.checksum(Map.of("k1", new byte[] {1}, "k2", new byte[] {3}));
    assertEquals(a, b);
    assertNotEquals(a, c);
  }
}
