package io.streamlake.pipelines.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.DeadLetter;
import io.streamlake.events.ticketing.BookingFact;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.pipelines.common.Collected;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RawRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.jupiter.api.Test;

/**
 * Generated ticketing data (with duplicates and poison records) through the join in bounded mode:
 * output == reference model, and every input record is accounted for exactly once.
 */
class BookingJoinModelTest {
  static final GeneratorConfig CONFIG = GeneratorConfig.builder().seed(21).rate(5).events(1500)
      .baseTime(Instant.parse("2026-02-01T08:00:00Z"))
      .duplicateFraction(0.02).poisonFraction(0.01).build();

  /** What one run produced. */
  record Outcome(Map<String, JoinModel.Fact> facts, TreeSet<String> orphans, long late, long deadLetters,
      Map<String, Long> counters, int factEmissions) {}

  static Outcome runBounded(BookingJoinPipeline.Options options, List<TimestampedValue<RawRecord>> records) {
    Pipeline p = Pipeline.create(options);
    PCollection<RawRecord> all = p.apply("Records", Create.timestamped(records).withCoder(RawRecord.Coder.of()));
    BookingJoinPipeline.Outputs out = BookingJoinPipeline.join(
        all.apply("OnlyBookings", Filter.by((RawRecord r) -> r.topic().equals("bookings"))),
        all.apply("OnlyPayments", Filter.by((RawRecord r) -> r.topic().equals("payments"))),
        options);
    Collected<BookingFact> facts = Collected.of(out.facts(), "facts");
    Collected<KV<Payment, String>> orphans = Collected.of(out.orphans(), "orphans");
    Collected<DeadLetter> late = Collected.of(out.late(), "late");
    Collected<DeadLetter> dead = Collected.of(out.deadLetters(), "dead");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    Map<String, JoinModel.Fact> finals = new TreeMap<>();
    facts.get().stream().collect(Collectors.toMap(BookingFact::getBookingId, Function.identity(), (a, b) -> b))
        .forEach((id, f) -> finals.put(id, new JoinModel.Fact(id, f.getStatus(), f.getAttempts(), f.getPaymentId(),
            f.getPaymentDelayMs())));
    TreeSet<String> orphanIds = orphans.get().stream().map(kv -> kv.getKey().getPaymentId())
        .collect(Collectors.toCollection(TreeSet::new));
    return new Outcome(finals, orphanIds, late.get().size(), dead.get().size(), Preflight.counters(result),
        facts.get().size());
  }

  @Test
  void boundedRunEqualsTheModelAndAccountsForEveryRecord() {
    List<TimestampedValue<RawRecord>> records = JoinRunners.records(CONFIG);
    JoinModel model = JoinModel.of(JoinRunners.bookings(records), JoinRunners.payments(records), Duration.ofMinutes(15));
    Outcome run = runBounded(JoinRunners.options("DirectRunner", false), records);

    assertEquals(new TreeMap<>(model.facts), run.facts());
    assertEquals(model.orphanPaymentIds, run.orphans());
    assertEquals(CONFIG.events(), run.facts().size());
    assertTrue(model.orphanPaymentIds.size() > 10, "the data has orphans");
    assertTrue(model.duplicates > 10, "the data has duplicates");

    long poison = records.size() - JoinRunners.bookings(records).size() - JoinRunners.payments(records).size();
    assertTrue(poison > 0);
    assertEquals(poison, run.deadLetters());
    // every input record ends in exactly one place
    long matched = run.facts().values().stream().mapToLong(JoinModel.Fact::attempts).sum();
    long duplicates = run.counters().getOrDefault("join:duplicate", 0L);
    assertEquals(model.duplicates, duplicates);
    assertEquals(records.size(),
        run.facts().size() + matched + run.orphans().size() + run.late() + duplicates + run.deadLetters(),
        "facts + matched payments + orphans + late + duplicates + dead letters == input records");
    assertEquals(run.counters().get("join_state:keys_opened"), run.counters().get("join_state:keys_released"),
        "every key's state was released by its timers");
    assertEquals(run.facts().size(), run.counters().get("join:paid") + run.counters().get("join:payment_failed")
        + run.counters().get("join:unpaid"));
  }
}
