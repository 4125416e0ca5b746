package io.streamlake.pipelines.batch;

import static io.streamlake.pipelines.batch.BatchFixtures.H1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.lake.LakeFixtures;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * End to end: the lake writer lands Kafka-shaped records (some sent twice, one poison) in bronze, the
 * hourly batch turns the hour into silver and gold, and the warehouse equals the model.
 */
class LakeToWarehouseTest {
  @Test
  void lakeWriterThenHourlyBatchGivesTheModel() {
    Path lake = BatchFixtures.tempDir("e2e");
    BatchEvents events = BatchFixtures.events();
    List<SpecificRecord> hourAndNext = events.all().stream().filter(e -> {
      java.time.Instant at = (java.time.Instant) ((org.apache.avro.specific.SpecificRecordBase) e)
          .get(io.streamlake.pipelines.lake.LakeLayout.eventTimeField(e.getSchema()));
      return H1.contains(at) || H1.next().contains(at);
    }).toList();
    BatchFixtures.writeBronze(lake, hourAndNext, true);
    assertEquals(1, LakeFixtures.parquetFiles(lake.resolve("bronze/_deadletter")).size(), "the poison record");

    String url = BatchFixtures.duckDb(lake, "warehouse");
    BatchFixtures.Run run = BatchFixtures.cli(BatchFixtures.args("DirectRunner", lake, url, "--hour=" + H1));
    assertEquals(HourlyBatch.OK, run.exit(), run.out() + run.err());
    Warehouse warehouse = new Warehouse(url, null, "NO_PASSWORD");
    assertEquals(GoldModel.of(events, H1, WarehouseCases.WINDOW), WarehouseRows.gold(warehouse));
    assertTrue(WarehouseRows.count(warehouse, "SELECT sum(duplicates) FROM batch_topic_stats") > 0, "duplicates dropped");
    assertEquals(WarehouseRows.count(warehouse, "SELECT sum(silver_rows) FROM batch_topic_stats"),
        hourAndNext.stream().filter(e -> H1.contains((java.time.Instant) ((org.apache.avro.specific.SpecificRecordBase) e)
            .get(io.streamlake.pipelines.lake.LakeLayout.eventTimeField(e.getSchema())))).count(),
        "silver holds every event of the hour once");
  }
}
