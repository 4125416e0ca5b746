package io.streamlake.pipelines.lake;

import static io.streamlake.pipelines.lake.LakeFixtures.booking;
import static io.streamlake.pipelines.lake.LakeFixtures.parquetFiles;
import static io.streamlake.pipelines.lake.LakeFixtures.payment;
import static io.streamlake.pipelines.lake.LakeFixtures.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.DeadLetter;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lake writer on the Direct runner: layout, dead letters, file closing and unique names. */
class LakeWriterTest {
  /** Event times years ago; the Kafka timestamps (and the processing time) are now. */
  static final Instant OLD = Instant.parse("2019-06-30T22:59:59.500Z");
  static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

  @TempDir
  Path lake;

  private void writeBounded(List<TimestampedValue<RawRecord>> records) {
    LakeWriterPipeline.Options options = LakeFixtures.options(lake);
    Pipeline p = Pipeline.create(options);
    LakeWriterPipeline.land(p.apply("Records", Create.timestamped(records).withCoder(RawRecord.Coder.of())),
        List.of(Topics.BOOKINGS, Topics.PAYMENTS), options);
    p.run().waitUntilFinish();
  }

  @Test
  void bronzeIsPartitionedByEventTimeNotProcessingTime() {
    writeBounded(List.of(
        raw(Topics.BOOKINGS, booking("b1", OLD), NOW),
        raw(Topics.BOOKINGS, booking("b2", OLD.plusMillis(400)), NOW),
        raw(Topics.PAYMENTS, payment("p1", "b1", OLD.plusSeconds(1)), NOW)));

    List<String> bookings = parquetFiles(lake.resolve("bronze/bookings"));
    List<String> payments = parquetFiles(lake.resolve("bronze/payments"));
    assertEquals(1, bookings.size(), bookings::toString);
    assertTrue(bookings.get(0).startsWith("dt=2019-06-30/hour=22/part-"), bookings::toString);
    assertTrue(payments.get(0).startsWith("dt=2019-06-30/hour=23/part-"), payments::toString);
    assertTrue(parquetFiles(lake.resolve("bronze")).stream().noneMatch(f -> f.contains("dt=2026")),
        "nothing lands in the partition of the Kafka timestamp or the wall clock");

    List<GenericRecord> rows = LakeFixtures.read(lake.resolve("bronze/bookings").resolve(bookings.get(0)),
        Topics.BOOKINGS.schema());
    assertEquals(Set.of("b1", "b2"), Set.of(rows.get(0).get("booking_id").toString(), rows.get(1).get("booking_id").toString()));
    assertEquals(OLD.toEpochMilli(), rows.stream().mapToLong(r -> (Long) r.get("booked_at")).min().getAsLong());
  }

  @Test
  void undecodableRecordsLandAsDeadLettersWithTheirBytes() {
    byte[] poison = {1, 2, 3, 4};
    writeBounded(List.of(
        raw(Topics.BOOKINGS, booking("b1", OLD), NOW),
        raw("bookings", "k", poison, OLD),
        raw("no-such-topic", "k", poison, OLD)));

    List<String> dead = parquetFiles(lake.resolve("bronze/_deadletter"));
    assertEquals(1, dead.size(), dead::toString);
    assertTrue(dead.get(0).startsWith("dt=2019-06-30/hour=22/"), "dead letters go by their Kafka timestamp");
    List<GenericRecord> rows = LakeFixtures.read(lake.resolve("bronze/_deadletter").resolve(dead.get(0)),
        DeadLetter.getClassSchema());
    assertEquals(2, rows.size());
    Set<String> steps = new HashSet<>();
    for (GenericRecord r : rows) {
      steps.add(r.get("failed_step").toString());
      assertEquals(4, ((java.nio.ByteBuffer) r.get("original_value")).remaining());
    }
    assertEquals(Set.of("DecodeBooking", "RouteByTopic"), steps);
    assertEquals(1, parquetFiles(lake.resolve("bronze/bookings")).size());
  }

  @Test
  void anEventStampedFarAheadOfTheWallClockIsADeadLetterInTodaysPartition() {
    // a producer whose clock is a year fast: no bronze partition a year ahead (no hourly run would read it)
    Instant ahead = Instant.now().plus(java.time.Duration.ofDays(365)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Instant before = Instant.now();
    writeBounded(List.of(
        raw(Topics.BOOKINGS, booking("b1", OLD), NOW),
        raw(Topics.BOOKINGS, booking("b-ahead", ahead), ahead)));
    Instant after = Instant.now();

    assertEquals(1, LakeFixtures.read(lake.resolve("bronze/bookings").resolve(parquetFiles(lake.resolve("bronze/bookings"))
        .get(0)), Topics.BOOKINGS.schema()).size());
    List<String> dead = parquetFiles(lake.resolve("bronze/_deadletter"));
    assertEquals(1, dead.size(), dead::toString);
    Set<String> decodingHours = new HashSet<>(List.of(LakeLayout.partition(before), LakeLayout.partition(after)));
    assertTrue(decodingHours.stream().anyMatch(dead.get(0)::startsWith),
        "placed at its decoding " + decodingHours + ", not a year ahead: " + dead);
    GenericRecord row = LakeFixtures.read(lake.resolve("bronze/_deadletter").resolve(dead.get(0)),
        DeadLetter.getClassSchema()).get(0);
    assertTrue(row.get("error").toString().contains("ahead of the wall clock"), row.get("error").toString());
  }

  @Test
  void aSecondRunNeverOverwritesTheFirst() {
    List<TimestampedValue<RawRecord>> records = List.of(raw(Topics.BOOKINGS, booking("b1", OLD), NOW));
    writeBounded(records);
    writeBounded(records);
    List<String> files = parquetFiles(lake.resolve("bronze/bookings"));
    assertEquals(2, files.size(), "two launches, two files: " + files);
  }

  @Test
  void unboundedInputClosesFilesOnProcessingTimeAndKeepsOldEvents() {
    LakeWriterPipeline.Options options = LakeFixtures.options(lake);
    options.setCloseFilesEverySeconds(120);
    options.as(org.apache.beam.sdk.options.StreamingOptions.class).setStreaming(true);
    Pipeline p = Pipeline.create(options);
    TestStream<RawRecord> stream = TestStream.create(RawRecord.Coder.of())
        .addElements(raw(Topics.BOOKINGS, booking("b1", OLD), NOW), raw(Topics.BOOKINGS, booking("b2", OLD), NOW))
        .advanceWatermarkTo(org.joda.time.Instant.ofEpochMilli(NOW.toEpochMilli()))
        .advanceProcessingTime(Duration.standardMinutes(3))
        // far behind the watermark: late for any event-time window, but the lake keeps it
        .addElements(raw(Topics.BOOKINGS, booking("b3", OLD.plusMillis(100)), NOW))
        .advanceProcessingTime(Duration.standardMinutes(3))
        .advanceWatermarkToInfinity();
    LakeWriterPipeline.land(p.apply("Records", stream), List.of(Topics.BOOKINGS), options);
    p.run().waitUntilFinish();

    List<String> files = parquetFiles(lake.resolve("bronze/bookings"));
    assertEquals(2, files.size(), "one file per closing: " + files);
    assertTrue(files.stream().allMatch(f -> f.startsWith("dt=2019-06-30/hour=22/")), files::toString);
    long rows = files.stream().mapToLong(f -> LakeFixtures.read(lake.resolve("bronze/bookings").resolve(f),
        Topics.BOOKINGS.schema()).size()).sum();
    assertEquals(3, rows, "the late record is in the lake");
  }

  @Test
  void eventTimeFieldOfEveryTopic() {
    assertEquals("booked_at", LakeLayout.eventTimeField(Topics.BOOKINGS.schema()));
    assertEquals("paid_at", LakeLayout.eventTimeField(Topics.PAYMENTS.schema()));
    assertEquals("event_time", LakeLayout.eventTimeField(Topics.BOX_OFFICE.schema()));
    assertEquals("last_contact", LakeLayout.eventTimeField(Topics.FLIGHTS.schema()));
    assertEquals("invoice_date", LakeLayout.eventTimeField(Topics.RETAIL_INVOICE_LINES.schema()));
    assertEquals("ordered_at", LakeLayout.eventTimeField(Topics.ORDERS.schema()));
    assertEquals("failed_at", LakeLayout.eventTimeField(Topics.DEAD_LETTERS.schema()));
    Topics.all().forEach(t -> LakeLayout.eventTimeField(t.schema()));
  }

  @Test
  void optionsLoad() {
    PipelineOptionsFactory.register(LakeWriterPipeline.Options.class);
    LakeWriterPipeline.Options o = PipelineOptionsFactory.fromArgs("--lakeRoot=gs://bucket/lake", "--shards=2")
        .as(LakeWriterPipeline.Options.class);
    assertEquals(120, o.getCloseFilesEverySeconds());
    assertEquals("gs://bucket/lake", LakeLayout.root(o.getLakeRoot()));
    assertTrue(LakeLayout.root("rel/lake/").startsWith("/"));
    assertEquals("/tmp/lake", LakeLayout.root("file:///tmp/lake/"));
    assertEquals("/tmp/lake", LakeLayout.root("file:/tmp/lake"));
    assertTrue(Files.exists(Path.of("/")));
  }

  @Test
  void aRestartedWriterNeverNamesAFileAsTheFirstAttemptDid() {
    // a failover restarts the job with the same run id and its panes count from 0 again: every instance
    // of the writing step (a deserialized copy) names its files with its own attempt id
    WriteLake.NamingFn naming = new WriteLake.NamingFn("run1");
    WriteLake.NamingFn first = org.apache.beam.sdk.util.SerializableUtils.clone(naming);
    WriteLake.NamingFn restarted = org.apache.beam.sdk.util.SerializableUtils.clone(naming);
    org.apache.beam.sdk.transforms.windowing.PaneInfo pane = org.apache.beam.sdk.transforms.windowing.PaneInfo.NO_FIRING;
    String a = first.apply("bookings/dt=2026-01-01/hour=10").getFilename(
        org.apache.beam.sdk.transforms.windowing.GlobalWindow.INSTANCE, pane, 1, 0, org.apache.beam.sdk.io.Compression.UNCOMPRESSED);
    String again = first.apply("bookings/dt=2026-01-01/hour=10").getFilename(
        org.apache.beam.sdk.transforms.windowing.GlobalWindow.INSTANCE, pane, 1, 0, org.apache.beam.sdk.io.Compression.UNCOMPRESSED);
    String b = restarted.apply("bookings/dt=2026-01-01/hour=10").getFilename(
        org.apache.beam.sdk.transforms.windowing.GlobalWindow.INSTANCE, pane, 1, 0, org.apache.beam.sdk.io.Compression.UNCOMPRESSED);
    assertEquals(a, again, "one instance names a file once");
    assertTrue(a.matches("bookings/dt=2026-01-01/hour=10/part-run1-[0-9a-f]{8}-00000-00-of-01\\.parquet"), a);
    assertTrue(!a.equals(b), "the restarted attempt's name differs: " + a + " / " + b);
  }
}
