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
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchedJdbcWriteTest {
  @TempDir
  Path dir;

  /**
   * Rows that reach the write one per bundle (as after a stateful step on the Direct runner; a
   * reshuffle by random key does the same) are still written in a few full JDBC batches, and all of
   * them land.
   */
  @Test
  void multiRowStatementRepeatsTheValuesGroupAndShiftsParameters() {
    var statement = BatchedJdbcWrite.MultiRowStatement.of(
        Warehouse.upsert("t", List.of("id", "v"), List.of("id")) + " WHERE t.v <= excluded.v");
    assertEquals("t", statement.table());
    assertEquals(2, statement.parameters());
    assertEquals("INSERT INTO t (id, v) VALUES (?, ?), (?, ?), (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v"
        + " WHERE t.v <= excluded.v", statement.forRows(3));
  }

  /** The last version of a row in a batch wins, as writing them one after the other would leave it. */
  @Test
  void versionsOfARowInOneBatchLeaveTheLast() throws Exception {
    Warehouse warehouse = new Warehouse("jdbc:duckdb:" + dir.resolve("v.duckdb"), null, null);
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id VARCHAR PRIMARY KEY, v BIGINT)");
    }
    var fn = new BatchedJdbcWrite.WriteBatchFn<KV<String, Long>>(warehouse,
        Warehouse.upsert("t", List.of("id", "v"), List.of("id")), (kv, s) -> {
          s.setString(1, kv.getKey());
          s.setLong(2, kv.getValue());
        }, KV::getKey, null);
    fn.setup();
    fn.process(KV.of(0, List.of(KV.of("a", 1L), KV.of("b", 1L), KV.of("a", 3L), KV.of("a", 2L))));
    fn.teardown();
    assertEquals(List.of("a=2", "b=1"), rows(warehouse));
  }

  /** Table t as {@code id=v}, by id. */
  private static List<String> rows(Warehouse warehouse) throws Exception {
    try (Connection c = warehouse.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id, v FROM t ORDER BY id")) {
      List<String> got = new ArrayList<>();
      while (r.next()) {
        got.add(r.getString(1) + "=" + r.getLong(2));
      }
      return got;
    }
  }

  /**
   * Rows emitted again as they grow keep their highest version, in a batch whatever its order (a batch
   * runner's grouping returns a shard's rows in any order) and across batches (a later batch may carry
   * an older version): the last one written does not win.
   */
  @Test
  void versionedRowsKeepTheirHighestVersionWhateverTheOrder() throws Exception {
    Warehouse warehouse = new Warehouse("jdbc:duckdb:" + dir.resolve("h.duckdb"), null, null);
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id VARCHAR PRIMARY KEY, v BIGINT)");
    }
    BatchedJdbcWrite.RowVersion<KV<String, Long>> version = KV::getValue;
    var fn = new BatchedJdbcWrite.WriteBatchFn<KV<String, Long>>(warehouse,
        Warehouse.monotoneUpsert("t", List.of("id", "v"), List.of("id"), "v"), (kv, s) -> {
          s.setString(1, kv.getKey());
          s.setLong(2, kv.getValue());
        }, KV::getKey, version);
    fn.setup();
    fn.process(KV.of(0, List.of(KV.of("a", 1L), KV.of("a", 3L), KV.of("b", 2L), KV.of("a", 2L))));
    fn.process(KV.of(0, List.of(KV.of("b", 1L), KV.of("c", 1L))));
    fn.teardown();
    assertEquals(List.of("a=3", "b=2", "c=1"), rows(warehouse));
  }

  /**
   * On every runner (bounded): the Spark runner of Beam 2.62 refused GroupIntoBatches, which the write
   * used in bounded runs too, so the join and the windows could not write the warehouse on Spark.
   */
  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "FlinkRunner", "SparkRunner"})
  void oneRowBundlesAreWrittenInFullBatches(String runner) throws Exception {
    Warehouse warehouse = new Warehouse("jdbc:duckdb:" + dir.resolve("w.duckdb"), null, null);
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id VARCHAR PRIMARY KEY, v BIGINT)");
    }
    int rows = 500;
    List<KV<String, Long>> input = new ArrayList<>();
    for (long i = 0; i < rows; i++) {
      input.add(KV.of("id-" + i, i));
    }
    List<String> args = new ArrayList<>(List.of("--runner=" + runner));
    if (runner.equals("FlinkRunner")) {
      args.addAll(List.of("--flinkMaster=[local]", "--parallelism=2"));
    } else if (runner.equals("SparkRunner")) {
      args.add("--sparkMaster=local[2]");
    }
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create());
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
    var counters = Preflight.counters(result);
    assertEquals(rows, counters.get("warehouse:t_rows"));
    long batches = counters.get("warehouse:t_batches");
    // 4 shards of about 125 rows in batches of <= 100: a handful of transactions, far from one per row
    assertTrue(batches <= 12, batches + " transactions for " + rows + " rows");
  }
}
