package io.streamlake.pipelines.batch;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The hourly batch into a real DuckDB file: a backfill equals the model, a rerun changes nothing, a
 * late bronze file is picked up by a rerun of its hour.
 */
class HourlyBatchDuckDbTest {
  @Test
  void backfillThenRerunThenLateFile() {
    Path lake = BatchFixtures.lake();
    String url = BatchFixtures.duckDb(lake, "warehouse");
    WarehouseCases.backfillEqualsTheModel(lake, url);
    WarehouseCases.rerunChangesNothing(lake, url);
    WarehouseCases.lateFileIsPickedUpByARerun(lake, url);
  }
}
