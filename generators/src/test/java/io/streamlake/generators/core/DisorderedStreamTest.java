package io.streamlake.generators.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.generators.core.GeneratedRecord.Kind;
import io.streamlake.generators.ticketing.TicketingScenario;
import io.streamlake.schemas.AvroDecodeException;
import io.streamlake.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DisorderedStreamTest {
  private static final GeneratorConfig CONFIG = GeneratorConfig.builder()
      .seed(7).rate(5).events(20_000)
      .outOfOrder(0.10, Duration.ofSeconds(20)).late(0.02, Duration.ofMinutes(10))
      .duplicateFraction(0.03).poisonFraction(0.01)
      .build();

  private static List<GeneratedRecord> records(GeneratorConfig config) {
    List<GeneratedRecord> out = new ArrayList<>();
    DisorderedStream.of(new TicketingScenario(), config).forEachRemaining(out::add);
    return out;
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() {
    GeneratorConfig small = CONFIG.toBuilder().events(2000).build();
    assertEquals(records(small), records(small));
    assertNotEquals(records(small), records(small.toBuilder().seed(8).build()));
  }

  @Test
  void fractionsAreWithinTolerance() {
    List<GeneratedRecord> records = records(CONFIG);
    Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
    records.forEach(r -> kinds.merge(r.kind(), 1, Integer::sum));
    long originals = records.size() - kinds.getOrDefault(Kind.DUPLICATE, 0) - kinds.getOrDefault(Kind.POISON, 0);
    assertEquals(0.10, kinds.get(Kind.OUT_OF_ORDER) / (double) originals, 0.01);
    assertEquals(0.02, kinds.get(Kind.LATE) / (double) originals, 0.005);
    assertEquals(0.03, kinds.get(Kind.DUPLICATE) / (double) originals, 0.005);
    assertEquals(0.01, kinds.get(Kind.POISON) / (double) originals, 0.003);
  }

  @Test
  void lateRecordsTrailTheStreamByAtLeastLateByAndOutOfOrderOnesByAtMostTheBound() {
    List<GeneratedRecord> records = records(CONFIG);
    // the dense part of the stream ends with the last booking; only a thin tail of payments follows
    long lastEventTime = records.stream().filter(r -> r.topic().equals("bookings"))
        .mapToLong(r -> r.eventTime().toEpochMilli()).max().orElseThrow();
    long maxEventTimeSoFar = Long.MIN_VALUE;
    int lateSeen = 0;
    for (GeneratedRecord r : records) {
      long t = r.eventTime().toEpochMilli();
      // (a late record is released up to 1.5 x lateBy after its event time; one released after the stream ends comes out last)
      if (r.kind() == Kind.LATE && t + Duration.ofMinutes(15).toMillis() + 1000 < lastEventTime) {
        // everything sent before it that was in order is already past its event time by lateBy
        assertTrue(maxEventTimeSoFar - t >= Duration.ofMinutes(10).toMillis() - 1000,
            "late record only " + (maxEventTimeSoFar - t) + " ms behind");
        lateSeen++;
      }
      if (r.kind() == Kind.OUT_OF_ORDER) {
        assertTrue(maxEventTimeSoFar - t <= Duration.ofSeconds(20).toMillis() + 1000,
            "out-of-order record " + (maxEventTimeSoFar - t) + " ms behind");
      }
      maxEventTimeSoFar = Math.max(maxEventTimeSoFar, t);
    }
    assertTrue(lateSeen > 0);
  }

  @Test
  void duplicatesRepeatAnEarlierRecordByteForByte() {
    List<GeneratedRecord> records = records(CONFIG.toBuilder().events(3000).build());
    List<String> sent = new ArrayList<>();
    for (GeneratedRecord r : records) {
      String identity = r.topic() + java.util.Arrays.toString(r.value());
      if (r.kind() == Kind.DUPLICATE) {
        assertTrue(sent.contains(identity), "duplicate of a record not sent before");
      }
      sent.add(identity);
    }
  }

  @Test
  void poisonNeverDecodesAndEverythingElseDoes() {
    for (GeneratedRecord r : records(CONFIG.toBuilder().events(5000).build())) {
      var topic = Topics.byName(r.topic()).orElseThrow();
      if (r.kind() == Kind.POISON) {
        assertThrows(AvroDecodeException.class, () -> topic.codec().decode(r.value()));
      } else {
        assertFalse(topic.codec().decode(r.value()) == null);
      }
    }
  }

  @Test
  void withoutDisorderRecordsComeInEventTimeOrder() {
    GeneratorConfig clean = GeneratorConfig.builder().seed(1).rate(20).events(3000).build();
    long last = Long.MIN_VALUE;
    for (GeneratedRecord r : records(clean)) {
      assertEquals(Kind.IN_ORDER, r.kind());
      assertTrue(r.eventTime().toEpochMilli() >= last);
      last = r.eventTime().toEpochMilli();
    }
  }
}
