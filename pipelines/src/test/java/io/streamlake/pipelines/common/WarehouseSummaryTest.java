package io.streamlake.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.devservices.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every headline the summary prints is a query both warehouses run (on the migrated, empty tables). */
class WarehouseSummaryTest {
  private static final String[] MIGRATIONS = {"V001__bookings_fact.sql", "V101__windows.sql",
      "V200__hourly_batch.sql", "V201__staging_in_the_lake.sql"};

  @TempDir
  Path dir;

  @Test
  void everyHeadlineRunsOnDuckDb() throws Exception {
    check(new Warehouse("jdbc:duckdb:" + dir.resolve("summary.duckdb"), null, null));
  }

  @Test
  void everyHeadlineRunsOnPostgres() throws Exception {
    check(new Warehouse(PostgresServer.shared().jdbcUrl("summary"), null, null));
  }

  private static void check(Warehouse warehouse) throws Exception {
    warehouse.migrate(MIGRATIONS);
    try (Connection c = warehouse.connect()) {
      Map<String, String> headlines = WarehouseSummary.headlines(c, WarehouseSummary.tables(c));
      assertEquals(WarehouseSummary.HEADLINES.length, headlines.size(), headlines.keySet().toString());
      List<String> failed = headlines.entrySet().stream().filter(e -> String.valueOf(e.getValue()).startsWith("(query failed"))
          .map(e -> e.getKey() + " " + e.getValue()).toList();
      assertTrue(failed.isEmpty(), failed.toString());
    }
  }
}
