package io.streamlake.pipelines.batch;

import static io.streamlake.pipelines.batch.BatchFixtures.H1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlake.pipelines.common.Warehouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One hour on another runner gives the same warehouse as on the Direct runner, and the model's. */
final class RunnerCases {
  private RunnerCases() {}

  static void sameWarehouseAsDirect(String runner) {
    Map<String, List<List<Object>>> direct = runHour("DirectRunner");
    Map<String, List<List<Object>>> other = runHour(runner);
    assertEquals(direct, other, runner + " and Direct load the same rows");
    Map<String, List<List<Object>>> model = GoldModel.of(BatchFixtures.events(), H1, WarehouseCases.WINDOW);
    model.forEach((table, rows) -> assertEquals(rows, other.get(table), table + " on " + runner + " == model"));
  }

  /** Gold tables and topic statistics after one run of hour 1 on a fresh lake copy and warehouse. */
  static Map<String, List<List<Object>>> runHour(String runner) {
    Path lake = BatchFixtures.lake();
    String url = BatchFixtures.duckDb(lake, "warehouse");
    BatchFixtures.Run run = BatchFixtures.cli(BatchFixtures.args(runner, lake, url, "--hour=" + H1));
    assertEquals(HourlyBatch.OK, run.exit(), runner + ": " + run.out() + run.err());
    Warehouse warehouse = new Warehouse(url, null, "NO_PASSWORD");
    Map<String, List<List<Object>>> tables = WarehouseRows.gold(warehouse);
    tables.put(TopicStats.TABLE.name(), WarehouseRows.read(warehouse, TopicStats.TABLE));
    return tables;
  }
}
