package io.streamlake.pipelines.batch;

import static io.streamlake.pipelines.batch.BatchFixtures.H0;
import static io.streamlake.pipelines.batch.BatchFixtures.H1;
import static io.streamlake.pipelines.batch.BatchFixtures.H2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.lake.LakeFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** The warehouse cases, run against DuckDB and PostgreSQL by their test classes. */
final class WarehouseCases {
  static final Duration WINDOW = Duration.ofMinutes(15);

  private WarehouseCases() {}

  /** A backfill of three hours: in order, every gold table == the model, staging empty, runs recorded. */
  static void backfillEqualsTheModel(Path lake, String url) {
    Warehouse warehouse = new Warehouse(url, null, "NO_PASSWORD");
    BatchFixtures.Run backfill = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url,
        "--from=" + H0, "--to=" + H2));
    assertEquals(HourlyBatch.OK, backfill.exit(), backfill.out() + backfill.err());
    Map<String, List<List<Object>>> model = GoldModel.of(BatchFixtures.events(), List.of(H0, H1, H2), WINDOW);
    assertEquals(model, WarehouseRows.gold(warehouse));
    model.forEach((table, rows) -> assertTrue(rows.size() > 0, table + " has rows in the fixture"));
    String out = backfill.out();
    assertTrue(out.indexOf("hour " + H0 + " OK") >= 0 && out.indexOf("hour " + H0 + " OK") < out.indexOf("hour " + H1 + " OK")
        && out.indexOf("hour " + H1 + " OK") < out.indexOf("hour " + H2 + " OK"), "hours reported in order: " + out);
    assertEquals(3, WarehouseRows.count(warehouse, "SELECT count(*) FROM batch_runs WHERE status = 'OK'"));
    assertEquals(List.of(), BatchFixtures.filesUnder(lake.resolve(RunFiles.STAGING)), "no staging file is left after the runs");
    assertEquals(model.get("gold_retail_sales_hourly").stream().mapToLong(r -> (Long) r.get(8)).sum(),
        WarehouseRows.count(warehouse, "SELECT sum(control_total) FROM batch_topic_stats WHERE topic = 'retail-invoice-lines'"));
  }

  /** Rerunning an hour gives the same warehouse and keeps one run's silver files. */
  static void rerunChangesNothing(Path lake, String url) {
    Warehouse warehouse = new Warehouse(url, null, "NO_PASSWORD");
    Map<String, List<List<Object>>> before = WarehouseRows.gold(warehouse);
    BatchFixtures.Run rerun = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H1));
    assertEquals(HourlyBatch.OK, rerun.exit(), rerun.out() + rerun.err());
    assertEquals(before, WarehouseRows.gold(warehouse), "a rerun gives the same warehouse");
    for (String topic : BatchFixtures.GOLD_TOPICS) {
      List<String> silver = LakeFixtures.parquetFiles(lake.resolve("silver/" + topic + "/dt=2026-03-01/hour=10"));
      assertEquals(1, silver.size(), topic + ": one run's silver files per hour: " + silver);
    }
  }

  /** A late bronze file for an hour already loaded is picked up by a rerun of that hour; other hours stay. */
  static void lateFileIsPickedUpByARerun(Path lake, String url) {
    Warehouse warehouse = new Warehouse(url, null, "NO_PASSWORD");
    BatchEvents events = BatchFixtures.events();
    Booking template = events.bookings.get(0);
    Booking late = Booking.newBuilder(template).setEventId("late-booking").setBookingId("bk-late")
        .setBookedAt(H1.start().plusSeconds(600)).build();
    InvoiceLine lateLine = new InvoiceLine("late-line", "599999", 1, "SKU20003", "PRODUCT 3", 500,
        H1.start().plusSeconds(1200), 205L, "cust-1", "United Kingdom");
    BatchFixtures.writeBronzeFiles(lake, List.<SpecificRecord>of(late, lateLine), "late", 0);
    BatchFixtures.Run rerun = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H1));
    assertEquals(HourlyBatch.OK, rerun.exit(), rerun.out() + rerun.err());
    events.bookings.add(late);
    events.lines.add(lateLine);
    assertEquals(GoldModel.of(events, List.of(H0, H1, H2), WINDOW), WarehouseRows.gold(warehouse));
    assertEquals(1, WarehouseRows.count(warehouse, "SELECT count(*) FROM gold_retail_top_products_hourly WHERE"
        + " stock_code = 'SKU20003' AND rank = 1 AND hour = TIMESTAMP '2026-03-01 10:00:00'"), "500 units top the hour");
  }
}
