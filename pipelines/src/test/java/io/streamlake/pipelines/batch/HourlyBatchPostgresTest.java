package io.streamlake.pipelines.batch;

import io.streamlake.devservices.PostgresServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The hourly batch into a real PostgreSQL server (started by the test): a backfill equals the model,
 * a rerun changes nothing, a late bronze file is picked up by a rerun of its hour.
 */
class HourlyBatchPostgresTest {
  @Test
  void backfillThenRerunThenLateFile() {
    Path lake = BatchFixtures.lake();
    String url = PostgresServer.shared().jdbcUrl("hourly_batch");
    WarehouseCases.backfillEqualsTheModel(lake, url);
    WarehouseCases.rerunChangesNothing(lake, url);
    WarehouseCases.lateFileIsPickedUpByARerun(lake, url);
  }
}
