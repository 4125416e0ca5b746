package io.streamlake.pipelines.batch;

import static io.streamlake.pipelines.batch.BatchFixtures.H0;
import static io.streamlake.pipelines.batch.BatchFixtures.H1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.ticketing.Booking;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.lake.LakeFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Bad input does not stop an hour: an unreadable Parquet file (garbage, and a truncated copy of a real
 * file) is moved to the quarantine folder, an invalid record is listed with its path, both are counted,
 * the rest of the hour loads as the model says, and the exit code says something was quarantined.
 */
class QuarantineTest {
  private static final String HOUR_DIR = "dt=2026-03-01/hour=10";
  private static final String GARBAGE = "part-garbage-00000-00-of-01.parquet";

  /** Writes a file that is not Parquet into the hour's bronze bookings; returns its path. */
  private static Path garbageInBronzeBookings(Path lake) throws IOException {
    return Files.writeString(lake.resolve("bronze/bookings/" + HOUR_DIR).resolve(GARBAGE), "PAR1 this is not parquet PAR1");
  }

  /** Where the quarantine keeps that file. */
  private static Path quarantinedGarbage(Path lake) {
    return lake.resolve("quarantine/bronze/bookings/" + HOUR_DIR).resolve(GARBAGE);
  }

  @Test
  void corruptFilesAndInvalidRecordsAreQuarantinedAndTheRestLoads() throws IOException {
    Path lake = BatchFixtures.lake();
    String url = BatchFixtures.duckDb(lake, "warehouse");
    Warehouse warehouse = new Warehouse(url, null, "NO_PASSWORD");
    Path bookings = lake.resolve("bronze/bookings/" + HOUR_DIR);
    Path orders = lake.resolve("bronze/orders/" + HOUR_DIR);
    Path garbage = garbageInBronzeBookings(lake);
    byte[] real = Files.readAllBytes(orders.resolve(LakeFixtures.parquetFiles(orders).get(0)));
    Files.write(orders.resolve("part-truncated-00000-00-of-01.parquet"), java.util.Arrays.copyOf(real, real.length / 2));
    Booking invalid = Booking.newBuilder(BatchFixtures.events().bookings.get(0)).setEventId("bad-amount")
        .setBookingId("bk-bad").setBookedAt(H1.start().plusSeconds(5)).setAmountMinor(1).build();
    BatchFixtures.writeBronzeFiles(lake, List.<SpecificRecord>of(invalid), "invalid", 0);

    BatchFixtures.Run run = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H1));
    assertEquals(HourlyBatch.QUARANTINED, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("QUARANTINED") && run.out().contains("quarantined 2 files and 1 records"), run.out());
    assertTrue(run.out().contains(garbage + ": unreadable Parquet"), run.out());
    assertTrue(run.out().contains("record bad-amount of bookings in " + bookings), run.out());
    assertTrue(run.out().contains("amount_minor 1 is not seats * unit_price_minor"), run.out());

    assertFalse(Files.exists(garbage), "moved out of bronze");
    assertTrue(Files.exists(quarantinedGarbage(lake)));
    assertTrue(Files.exists(lake.resolve("quarantine/bronze/orders/dt=2026-03-01/hour=10/part-truncated-00000-00-of-01.parquet")));
    List<String> list;
    try (var files = Files.list(lake.resolve("quarantine/records/dt=2026-03-01/hour=10"))) {
      Path file = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).findFirst().orElseThrow();
      list = Files.readAllLines(file, StandardCharsets.UTF_8);
    }
    assertEquals(3, list.size(), list::toString);
    assertTrue(list.stream().map(QuarantineEntry::fromJson).anyMatch(e -> e.kind() == QuarantineEntry.Kind.RECORD
        && e.eventId().equals("bad-amount") && e.record().contains("bk-bad")), list::toString);

    assertEquals(3, WarehouseRows.count(warehouse, "SELECT count(*) FROM batch_quarantine"));
    assertEquals(1, WarehouseRows.count(warehouse, "SELECT quarantined_files FROM batch_topic_stats WHERE topic = 'orders'"));
    assertEquals(1, WarehouseRows.count(warehouse, "SELECT quarantined_rows FROM batch_topic_stats WHERE topic = 'bookings'"));
    assertEquals(1, WarehouseRows.count(warehouse, "SELECT count(*) FROM batch_runs WHERE status = 'QUARANTINED'"));
    Map<String, List<List<Object>>> model = GoldModel.of(BatchFixtures.events(), H1, WarehouseCases.WINDOW);
    assertEquals(model, WarehouseRows.gold(warehouse), "the rest of the hour loads");

    BatchFixtures.Run rerun = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H1));
    assertEquals(HourlyBatch.QUARANTINED, rerun.exit(), "the invalid record is still in bronze: " + rerun.out());
    assertTrue(rerun.out().contains("quarantined 0 files and 1 records"), rerun.out());
    assertEquals(model, WarehouseRows.gold(warehouse));

    BatchFixtures.Run clean = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H0));
    assertEquals(HourlyBatch.OK, clean.exit(), "an hour with nothing bad: " + clean.out() + clean.err());
  }

  @Test
  void aRunThatFailsBeforeItsCommitLeavesAnUnreadableFileInBronzeForTheRerunToReport() throws Exception {
    Path lake = BatchFixtures.lake();
    String url = BatchFixtures.duckDb(lake, "warehouse");
    Warehouse warehouse = new Warehouse(url, null, "NO_PASSWORD");
    Path garbage = garbageInBronzeBookings(lake);
    warehouse.migrate(HourlyBatch.MIGRATIONS);
    // the run's load fails: one of its tables is not there
    try (var c = warehouse.connect(); var s = c.createStatement()) {
      s.execute("DROP INDEX gold_shop_product_hourly_hour"); // DuckDB renames no table with an index
      s.execute("ALTER TABLE gold_shop_product_hourly RENAME TO gold_shop_product_hourly_away");
    }
    BatchFixtures.Run failed = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H1));
    assertEquals(HourlyBatch.FAILED, failed.exit(), failed.out() + failed.err());
    assertTrue(Files.exists(garbage), "nothing committed, so the file stays in bronze");
    assertFalse(Files.exists(quarantinedGarbage(lake)));
    assertEquals(0, WarehouseRows.count(warehouse, "SELECT count(*) FROM batch_quarantine"));

    try (var c = warehouse.connect(); var s = c.createStatement()) {
      s.execute("ALTER TABLE gold_shop_product_hourly_away RENAME TO gold_shop_product_hourly");
      s.execute("CREATE INDEX gold_shop_product_hourly_hour ON gold_shop_product_hourly (hour)");
    }
    // the rerun names the lake by its file: URI, which must mean the same folder
    List<String> asUri = new java.util.ArrayList<>(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H1));
    asUri.replaceAll(a -> a.startsWith("--lakeRoot=") ? "--lakeRoot=" + lake.toUri() : a);
    BatchFixtures.Run rerun = BatchFixtures.cli(asUri);
    assertEquals(HourlyBatch.QUARANTINED, rerun.exit(), rerun.out() + rerun.err());
    assertTrue(rerun.out().contains("quarantined 1 files and 0 records"), rerun.out());
    assertTrue(Files.isDirectory(lake.resolve("silver/bookings/dt=2026-03-01/hour=10")), "silver is in the lake");
    assertFalse(Files.exists(Path.of("file:")), "nothing under ./file:");
    assertFalse(Files.exists(garbage), "moved out of bronze once the hour committed");
    assertTrue(Files.exists(quarantinedGarbage(lake)));
    assertEquals(1, WarehouseRows.count(warehouse, "SELECT count(*) FROM batch_quarantine"));
    assertEquals(GoldModel.of(BatchFixtures.events(), H1, WarehouseCases.WINDOW), WarehouseRows.gold(warehouse));
  }
}
