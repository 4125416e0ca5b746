package io.streamlake.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchedJdbcWriteTest {
  @TempDir
  Path dir;

  /**
   * Rows that reach the write one per bundle (as after a stateful step on the Direct runner; a
   * reshuffle by random key does the same) are still written in a few full JDBC batches, and all of
   * them land.
   */
  @Test
  void oneRowBundlesAreWrittenInFullBatches() throws Exception {
    Warehouse warehouse = new Warehouse("jdbc:duckdb:" + dir.resolve("w.duckdb"), null, null);
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id VARCHAR PRIMARY KEY, v BIGINT)");
    }
    int rows = 500;
    List<KV<String, Long>> input = new ArrayList<>();
    for (long i = 0; i < rows; i++) {
      input.add(KV.of("id-" + i, i));
    }
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(input).withCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())))
        .apply(Reshuffle.viaRandomKey())
        .apply("UpsertT", BatchedJdbcWrite.of(warehouse, Warehouse.upsert("t", List.of("id", "v"), List.of("id")),
            (KV<String, Long> kv, java.sql.PreparedStatement s) -> {
              s.setString(1, kv.getKey());
              s.setLong(2, kv.getValue());
            }, KV::getKey, 100, false));
    PipelineResult result = p.run();
    result.waitUntilFinish();

    try (Connection c = warehouse.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*), sum(v) FROM t")) {
      r.next();
      assertEquals(rows, r.getLong(1));
      assertEquals((long) rows * (rows - 1) / 2, r.getLong(2));
    }
    long batches = 0;
    for (MetricResult<DistributionResult> d : result.metrics().allMetrics().getDistributions()) {
      if (d.getName().getName().equals("records_per_jdbc_batch")) {
        batches += d.getAttempted().getCount();
      }
    }
    assertTrue(batches > 0, "JdbcIO reported its batches");
    // 4 shards of about 125 rows in batches of <= 100: a handful of batches, far from one per row
    assertTrue(batches <= 12, batches + " JDBC batches for " + rows + " rows");
  }
}
