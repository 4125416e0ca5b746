package io.streamlake.generators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The warning for runs whose event times get ahead of the wall clock, which streaming pipelines dead-letter. */
class GenerateTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  private static Optional<String> run(Duration baseFromNow, Duration span, double speedup) {
    Instant base = NOW.plus(baseFromNow);
    return Generate.aheadOfTheClock(base, base.plus(span), speedup, NOW);
  }

  @Test
  void warnsWhenTheLastEventsAreSentMoreThanAnHourAheadOfTheClock() {
    Optional<String> asFastAsPossible = run(Duration.ZERO, Duration.ofHours(2), 0);
    assertTrue(asFastAsPossible.isPresent());
    assertTrue(asFastAsPossible.get().contains("120 minutes ahead") && asFastAsPossible.get().contains("--maxFutureSkewMinutes"),
        asFastAsPossible.get());
    assertTrue(run(Duration.ZERO, Duration.ofHours(2), 60).get().contains("118 minutes ahead"), "an hour a minute");
  }

  @Test
  void noWarningWhenTheEventsStayNearTheClock() {
    assertEquals(Optional.empty(), run(Duration.ZERO, Duration.ofHours(5), 1), "real time");
    assertEquals(Optional.empty(), run(Duration.ZERO, Duration.ofSeconds(50), 0), "5000 events at 100/s");
    assertEquals(Optional.empty(), run(Duration.ofHours(-3), Duration.ofHours(2), 0), "a past base time");
    assertEquals(Optional.empty(), run(Duration.ZERO, Duration.ofMinutes(60), 0), "exactly the default skew");
  }
}
