package io.streamlake.pipelines.common;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;

/**
 * Writes rows to a warehouse table with one JDBC statement (an upsert), in batches that do not depend
 * on the runner's bundles.
 *
 * <p>{@code JdbcIO.write} sends one JDBC batch and one commit per bundle. After a stateful step the
 * Direct runner hands on bundles of one element, so a bounded run of the join made one transaction per
 * fact (about 5 ms each on DuckDB: minutes for 100k facts). Here rows are first grouped into batches of
 * up to {@code batchSize} per shard ({@code GroupIntoBatches}; in streaming a batch is also flushed after
 * {@code maxDelay}), and each batch reaches {@code JdbcIO} whole: one executeBatch and one commit per
 * batch on every runner.
 *
 * <p>The shard of a row is a hash of its key (the table's upsert key), so the versions of one row stay in
 * the order they were emitted in.
 */
public final class BatchedJdbcWrite<T> extends PTransform<PCollection<T>, PDone> {
  /** Shards: enough for the workers of a small cluster to write in parallel, few enough for full batches. */
  static final int SHARDS = 4;

  /** The key of a row (its table's upsert key), for its shard. */
  public interface RowKey<T> extends SerializableFunction<T, Object> {}

  private final JdbcIO.DataSourceConfiguration dataSource;
  private final String statement;
  private final JdbcIO.PreparedStatementSetter<T> setter;
  private final RowKey<T> rowKey;
  private final int batchSize;
  private final Duration maxDelay;

  private BatchedJdbcWrite(JdbcIO.DataSourceConfiguration dataSource, String statement,
      JdbcIO.PreparedStatementSetter<T> setter, RowKey<T> rowKey, int batchSize, Duration maxDelay) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.dataSource = dataSource;
    this.statement = statement;
    this.setter = setter;
    this.rowKey = rowKey;
    this.batchSize = batchSize;
    this.maxDelay = maxDelay;
  }

  /**
   * @param streaming whether the input is unbounded: then a batch waits at most one second for more rows
   */
  public static <T> BatchedJdbcWrite<T> of(Warehouse warehouse, String statement,
      JdbcIO.PreparedStatementSetter<T> setter, RowKey<T> rowKey, int batchSize, boolean streaming) {
    return new BatchedJdbcWrite<>(warehouse.dataSource(), statement, setter, rowKey, batchSize,
        streaming ? Duration.standardSeconds(1) : null);
  }

  @Override
  public PDone expand(PCollection<T> rows) {
    Coder<T> coder = rows.getCoder();
    GroupIntoBatches<Integer, T> batches = GroupIntoBatches.ofSize(batchSize);
    if (maxDelay != null) {
      batches = batches.withMaxBufferingDuration(maxDelay);
    }
    return rows
        .apply("ShardByRowKey", ParDo.of(new ShardFn<>(rowKey)))
        .setCoder(KvCoder.of(VarIntCoder.of(), coder))
        .apply("GroupIntoBatches", batches)
        .apply("UnbatchRows", ParDo.of(new UnbatchFn<T>()))
        .setCoder(coder)
        .apply("WriteJdbc", JdbcIO.<T>write()
            .withDataSourceConfiguration(dataSource)
            .withBatchSize(batchSize)
            .withStatement(statement)
            .withPreparedStatementSetter(setter));
  }

  static int shardOf(Object key) {
    return Math.floorMod(key.hashCode(), SHARDS);
  }

  static final class ShardFn<T> extends DoFn<T, KV<Integer, T>> implements Serializable {
    private final RowKey<T> rowKey;

    ShardFn(RowKey<T> rowKey) {
      this.rowKey = rowKey;
    }

    @ProcessElement
    public void process(@Element T row, OutputReceiver<KV<Integer, T>> out) {
      out.output(KV.of(shardOf(rowKey.apply(row)), row));
    }
  }

  /** One batch in, its rows out: they stay together in one bundle on the way to JdbcIO. */
  static final class UnbatchFn<T> extends DoFn<KV<Integer, Iterable<T>>, T> {
    @ProcessElement
    public void process(@Element KV<Integer, Iterable<T>> batch, OutputReceiver<T> out) {
      for (T row : batch.getValue()) {
        out.output(row);
      }
    }
  }
}
