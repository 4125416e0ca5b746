package io.streamlake.pipelines.batch;

import static io.streamlake.pipelines.batch.BatchFixtures.H0;
import static io.streamlake.pipelines.batch.BatchFixtures.H1;
import static io.streamlake.pipelines.batch.BatchFixtures.H2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.pipelines.common.Warehouse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** The command line: the lock, hour selection, backfill order and stopping, exit codes. */
class BatchCommandLineTest {

  @Test
  void lockHeldInThisJvmRefusesAnOverlappingRun() throws Exception {
    Path lake = BatchFixtures.tempDir("lock");
    try (RunLock held = RunLock.tryAcquire(lake.resolve("batch.lock"))) {
      assertNotNull(held);
      BatchFixtures.Run run = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, BatchFixtures.duckDb(lake, "w"),
          "--hour=" + H1));
      assertEquals(HourlyBatch.LOCKED, run.exit());
      assertTrue(run.err().contains("another run holds the lock " + lake.resolve("batch.lock")), run.err());
      assertTrue(run.err().contains("pid " + ProcessHandle.current().pid()), run.err());
      assertTrue(run.err().contains("not starting"), run.err());
      assertTrue(RunLock.holder(lake.resolve("batch.lock")).startsWith("pid " + ProcessHandle.current().pid()),
          "the refused run left the holder's note alone");
      // and the lock itself: another process is still refused (closing a file drops the process's locks on it)
      Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), lake.resolve("batch.lock").toString())
          .redirectErrorStream(true).start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("busy", out.readLine(), "the refused run in this JVM released the lock");
      } finally {
        other.destroy();
        other.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void lockHeldByAnotherProcessRefusesARunUntilThatProcessEnds() throws Exception {
    Path lake = BatchFixtures.tempDir("lock2");
    Path lockFile = lake.resolve("batch.lock");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), lockFile.toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());
      BatchFixtures.Run refused = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake,
          BatchFixtures.duckDb(lake, "w"), "--hour=" + H1));
      assertEquals(HourlyBatch.LOCKED, refused.exit(), refused.out() + refused.err());
      assertTrue(refused.err().contains("pid " + holder.pid()), refused.err());
    } finally {
      holder.destroy();
      holder.waitFor(30, TimeUnit.SECONDS);
    }
    try (RunLock mine = RunLock.tryAcquire(lockFile)) {
      assertNotNull(mine, "an OS lock dies with its process: no stale lock");
    }
  }

  @Test
  void backfillStopsAtTheFirstFailedHourAndSaysWhatWasNotRun() throws Exception {
    Path lake = BatchFixtures.lake();
    String url = BatchFixtures.duckDb(lake, "warehouse");
    // hour 1's staging folder cannot be created: a file sits where the folder should be
    Path blocked = lake.resolve("staging/dt=2026-03-01/hour=10");
    Files.createDirectories(blocked.getParent());
    Files.writeString(blocked, "in the way");
    BatchFixtures.Run run = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--from=" + H0, "--to=" + H2));
    assertEquals(HourlyBatch.FAILED, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("hour " + H0 + " OK"), run.out());
    assertTrue(run.err().contains("hour " + H1 + " FAILED"), run.err());
    assertTrue(run.err().contains("not run: " + H2), run.err());
    Warehouse warehouse = new Warehouse(url, null, "NO_PASSWORD");
    assertEquals(1, WarehouseRows.count(warehouse, "SELECT count(*) FROM batch_runs WHERE status = 'OK'"
        + " AND hour = TIMESTAMP '2026-03-01 09:00:00'"));
    assertEquals(1, WarehouseRows.count(warehouse, "SELECT count(*) FROM batch_runs WHERE status = 'FAILED'"
        + " AND hour = TIMESTAMP '2026-03-01 10:00:00'"));
    assertEquals(0, WarehouseRows.count(warehouse, "SELECT count(*) FROM gold_ticketing_show_hourly"
        + " WHERE hour > TIMESTAMP '2026-03-01 09:00:00'"), "nothing of the failed or later hours was loaded");
    assertEquals(List.of(blocked), BatchFixtures.filesUnder(lake.resolve(RunFiles.STAGING)),
        "the loaded hour's staging files are gone (only the test's blocking file is left)");
    assertTrue(BatchFixtures.filesUnder(lake.resolve("silver")).stream().noneMatch(f -> f.toString().contains("hour=10")),
        "the failed hour published no silver");
  }

  @Test
  void aRunThatDiesBeforeItsCommitLeavesTheHoursSilverAsItWas() throws Exception {
    Path lake = BatchFixtures.lake();
    String url = BatchFixtures.duckDb(lake, "warehouse");
    assertEquals(HourlyBatch.OK, BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H1)).exit());
    Path silver = lake.resolve("silver");
    List<Path> loaded = BatchFixtures.filesUnder(silver);
    assertTrue(loaded.size() >= BatchFixtures.GOLD_TOPICS.size(), loaded::toString);
    // a second run of the hour that dies after its pipeline, before the swap: as a kill -9 would leave it
    HourlyBatch.Options options = org.apache.beam.sdk.options.PipelineOptionsFactory
        .fromArgs(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H1).toArray(String[]::new))
        .as(HourlyBatch.Options.class);
    org.apache.beam.sdk.Pipeline pipeline = org.apache.beam.sdk.Pipeline.create(options);
    HourlyBatch.build(pipeline, options, H1, "crashedrun01");
    pipeline.run().waitUntilFinish();
    assertEquals(loaded, BatchFixtures.filesUnder(silver), "silver holds the loaded run's files only, once");
    assertTrue(BatchFixtures.filesUnder(lake.resolve(RunFiles.STAGING)).stream()
        .anyMatch(f -> f.getFileName().toString().startsWith("silver.")), "the dead run's silver waits in staging");

    BatchFixtures.Run rerun = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H1));
    assertEquals(HourlyBatch.OK, rerun.exit(), rerun.out() + rerun.err());
    List<Path> after = BatchFixtures.filesUnder(silver);
    assertEquals(loaded.size(), after.size(), "one run's files again: " + after);
    assertTrue(after.stream().noneMatch(loaded::contains), "the rerun's files replaced the first run's");
    assertEquals(List.of(), BatchFixtures.filesUnder(lake.resolve(RunFiles.STAGING)), "and the dead run's staging is gone");
  }

  @Test
  void theDefaultHourIsTheLastCompleteOne() {
    Duration settle = Duration.ofMinutes(20);
    assertEquals(Hour.parse("2026-03-01T10"), Hour.lastComplete(Instant.parse("2026-03-01T12:19:59Z"), settle));
    assertEquals(Hour.parse("2026-03-01T11"), Hour.lastComplete(Instant.parse("2026-03-01T12:20:00Z"), settle));
    HourlyBatch.Options o = PipelineOptionsFactory.fromArgs().as(HourlyBatch.Options.class);
    assertEquals(List.of(Hour.parse("2026-03-01T11")), HourlyBatch.hours(o, Instant.parse("2026-03-01T12:25:00Z")));
    o.setFrom("2026-03-01T09");
    assertEquals(List.of(H0, H1, Hour.parse("2026-03-01T11")), HourlyBatch.hours(o, Instant.parse("2026-03-01T12:25:00Z")),
        "--from without --to runs up to the last complete hour, in order");
  }

  @Test
  void hoursParseAndRangesRunInOrder() {
    assertEquals(Instant.parse("2026-03-01T09:00:00Z"), Hour.parse("2026-03-01T09").start());
    assertEquals("2026-12-31T23", Hour.parse("2026-12-31T23").toString());
    assertEquals(Hour.parse("2027-01-01T00"), Hour.parse("2026-12-31T23").next());
    assertEquals(List.of(Hour.parse("2026-12-31T23"), Hour.parse("2027-01-01T00"), Hour.parse("2027-01-01T01")),
        Hour.range(Hour.parse("2026-12-31T23"), Hour.parse("2027-01-01T01")));
    assertThrows(IllegalArgumentException.class, () -> Hour.parse("2026-03-01 09:00"));
    // hours that do not exist are refused, not moved to a nearby hour that the run would then replace
    for (String impossible : List.of("2026-02-30T09", "2025-02-29T00", "2026-03-01T24", "2026-13-01T00")) {
      assertThrows(IllegalArgumentException.class, () -> Hour.parse(impossible), impossible);
    }
    assertEquals("2028-02-29T00", Hour.parse("2028-02-29T00").toString());
    assertThrows(IllegalArgumentException.class, () -> Hour.range(H2, H0));
  }

  @Test
  void badOptionsExitWithUsageAndASentence() {
    Path lake = BatchFixtures.tempDir("usage");
    String url = BatchFixtures.duckDb(lake, "w");
    BatchFixtures.Run badHour = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=yesterday"));
    assertEquals(HourlyBatch.USAGE, badHour.exit());
    assertTrue(badHour.err().contains("'yesterday' is not an hour; write YYYY-MM-DDTHH"), badHour.err());
    BatchFixtures.Run backwards = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--from=" + H2, "--to=" + H0));
    assertEquals(HourlyBatch.USAGE, backwards.exit());
    assertTrue(backwards.err().contains("is after --to"), backwards.err());
    BatchFixtures.Run both = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H0, "--from=" + H0));
    assertEquals(HourlyBatch.USAGE, both.exit());
    BatchFixtures.Run topic = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--topics=bookings_fact"));
    assertEquals(HourlyBatch.USAGE, topic.exit());
    assertTrue(topic.err().contains("has no event_id"), topic.err());
    // a password in the URL would be printed in the log: refused, and not repeated
    BatchFixtures.Run secret = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake,
        "jdbc:postgresql://127.0.0.1:5432/w?user=loader&Password=s3cret-value", "--hour=" + H0));
    assertEquals(HourlyBatch.USAGE, secret.exit());
    assertTrue(secret.err().contains("carries a password") && secret.err().contains("STREAMLAKE_JDBC_PASSWORD"),
        secret.err());
    assertFalse((secret.out() + secret.err()).contains("s3cret-value"), secret.out() + secret.err());
  }

  @Test
  void anUnreachableWarehouseFailsTheRunWithASentence() {
    Path lake = BatchFixtures.tempDir("unreachable");
    BatchFixtures.Run run = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake,
        "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "--hour=" + H0));
    assertEquals(HourlyBatch.FAILED, run.exit());
    assertTrue(run.err().contains("unreachable"), run.err());
  }

  @Test
  void aRunNarrowedToBookingsLoadsItsStatisticsAndLeavesTheTicketingTableAlone() {
    Path lake = BatchFixtures.lake();
    String url = BatchFixtures.duckDb(lake, "warehouse");
    BatchFixtures.Run run = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H1,
        "--topics=bookings"));
    assertEquals(HourlyBatch.OK, run.exit(), "the ticketing checks do not apply to a table the run did not rebuild: "
        + run.out() + run.err());
    Warehouse warehouse = new Warehouse(url, null, "NO_PASSWORD");
    assertTrue(WarehouseRows.count(warehouse, "SELECT silver_rows FROM batch_topic_stats WHERE topic = 'bookings'") > 0);
    assertEquals(0, WarehouseRows.count(warehouse, "SELECT count(*) FROM gold_ticketing_show_hourly"));
    // the default hour with a payment window longer than the settle time would count late payments as missing
    BatchFixtures.Run tooShort = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url,
        "--paymentWindowMinutes=30"));
    assertEquals(HourlyBatch.USAGE, tooShort.exit());
    assertTrue(tooShort.err().contains("raise --settleMinutes"), tooShort.err());
  }

  @Test
  void anHourWithNoDataLoadsNothingAndSucceeds() {
    Path lake = BatchFixtures.tempDir("empty");
    String url = BatchFixtures.duckDb(lake, "w");
    BatchFixtures.Run run = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H0));
    assertEquals(HourlyBatch.OK, run.exit(), run.out() + run.err());
    Warehouse warehouse = new Warehouse(url, null, "NO_PASSWORD");
    assertEquals(0, WarehouseRows.gold(warehouse).values().stream().mapToInt(List::size).sum());
    assertEquals(5, WarehouseRows.count(warehouse, "SELECT count(*) FROM batch_topic_stats WHERE silver_rows = 0"
        + " AND topic IN ('bookings', 'payments', 'boxoffice', 'orders', 'retail-invoice-lines')"),
        "every topic is recorded, with zero rows");
  }
}
