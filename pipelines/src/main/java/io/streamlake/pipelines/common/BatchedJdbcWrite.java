package io.streamlake.pipelines.common;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;

/**
 * Writes rows to a warehouse table with one JDBC upsert statement, in batches that do not depend on
 * the runner's bundles, with multi-row statements.
 *
 * <p>{@code JdbcIO.write} sends one JDBC batch and one commit per bundle, and DuckDB's driver runs a JDBC
 * batch one row at a time. After a stateful step the Direct runner hands on bundles of one element, so a
 * bounded run of the join made one DuckDB transaction per fact, and even in batches of 1,000 an upsert
 * cost a few milliseconds per row: minutes for 100k facts. Here rows are grouped into batches of up to
 * {@code batchSize} per shard (bounded: a {@code GroupByKey} cut into batches; unbounded: {@code
 * GroupIntoBatches}, which also flushes a batch after one
 * second), and each batch is written in one transaction as multi-row upserts ({@code INSERT ... VALUES
 * (...), (...), ... ON CONFLICT ...}) of up to {@link #ROWS_PER_STATEMENT} rows, on DuckDB and PostgreSQL
 * alike.
 *
 * <p>The shard of a row is a hash of its key (the table's upsert key); within a batch only one version of
 * a row is written (one statement cannot update a row twice): the last one, or with {@link
 * #keepingHighest} the one of the highest version. Use that for rows that are emitted again as they
 * grow (a fact with more payment attempts, a window with more events), with a statement that keeps the
 * stored row when it is newer ({@link Warehouse#monotoneUpsert}): the order of a row's versions is
 * not kept everywhere (a batch runner's grouping returns a shard's rows in any order, and the Direct
 * runner's bundles after a stateful step finish in any order), and a later batch may carry an older one.
 *
 * <p>Counters, namespace {@code warehouse}: {@code <table>_rows} (rows written, after keeping the last
 * version of each) and {@code <table>_batches} (transactions).
 */
public final class BatchedJdbcWrite<T> extends PTransform<PCollection<T>, PDone> {
  /** Shards: enough for the workers of a small cluster to write in parallel, few enough for full batches. */
  static final int SHARDS = 4;

  /** Rows per multi-row statement (PostgreSQL takes at most 65,535 parameters per statement). */
  static final int ROWS_PER_STATEMENT = 200;

  /** The key of a row (its table's upsert key), for its shard. */
  public interface RowKey<T> extends SerializableFunction<T, Object> {}

  /** The version of a row: it only grows from one emission of the row to the next. */
  public interface RowVersion<T> extends SerializableFunction<T, Long> {}

  private final Warehouse warehouse;
  private final String statement;
  private final JdbcIO.PreparedStatementSetter<T> setter;
  private final RowKey<T> rowKey;
  private final int batchSize;
  private final Duration maxDelay;
  private final RowVersion<T> version;

  private BatchedJdbcWrite(Warehouse warehouse, String statement, JdbcIO.PreparedStatementSetter<T> setter,
      RowKey<T> rowKey, int batchSize, Duration maxDelay, RowVersion<T> version) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    MultiRowStatement.of(statement); // fails early on a statement it cannot repeat
    this.warehouse = warehouse;
    this.statement = statement;
    this.setter = setter;
    this.rowKey = rowKey;
    this.batchSize = batchSize;
    this.maxDelay = maxDelay;
    this.version = version;
  }

  /**
   * @param statement a single-row {@code INSERT INTO t (...) VALUES (?, ...) ...} statement, e.g. from
   *     {@link Warehouse#upsert}
   * @param streaming whether the input is unbounded: then a batch waits at most one second for more rows
   */
  public static <T> BatchedJdbcWrite<T> of(Warehouse warehouse, String statement,
      JdbcIO.PreparedStatementSetter<T> setter, RowKey<T> rowKey, int batchSize, boolean streaming) {
    return new BatchedJdbcWrite<>(warehouse, statement, setter, rowKey, batchSize,
        streaming ? Duration.standardSeconds(1) : null, null);
  }

  /** Of the versions of a row in one batch, writes the highest (the last of equal ones). */
  public BatchedJdbcWrite<T> keepingHighest(RowVersion<T> version) {
    return new BatchedJdbcWrite<>(warehouse, statement, setter, rowKey, batchSize, maxDelay, version);
  }

  @Override
  public PDone expand(PCollection<T> rows) {
    Coder<T> coder = rows.getCoder();
    PCollection<KV<Integer, T>> sharded = rows.apply("ShardByRowKey", ParDo.of(new ShardFn<>(rowKey)))
        .setCoder(KvCoder.of(VarIntCoder.of(), coder));
    PCollection<KV<Integer, Iterable<T>>> batches;
    if (maxDelay != null) {
      // unbounded: a batch goes when it is full or a second old
      batches = sharded.apply("GroupIntoBatches",
          GroupIntoBatches.<Integer, T>ofSize(batchSize).withMaxBufferingDuration(maxDelay));
    } else {
      // bounded: a shard's rows all at once, cut into batches here. GroupIntoBatches flushes its last batch in an
      // @OnWindowExpiration method, which the Spark runner of Beam 2.62 refuses: every bounded run on Spark that
      // wrote the warehouse (the join, the windows) failed before it started
      batches = sharded.apply("GroupByShard", GroupByKey.create())
          .apply("CutIntoBatches", ParDo.of(new CutFn<T>(batchSize)))
          .setCoder(KvCoder.of(VarIntCoder.of(), IterableCoder.of(coder)));
    }
    batches.apply("WriteBatches", ParDo.of(new WriteBatchFn<>(warehouse, statement, setter, rowKey, version)));
    return PDone.in(rows.getPipeline());
  }

  /** A shard's rows in batches of at most {@code batchSize}, in the order they come. */
  static final class CutFn<T> extends DoFn<KV<Integer, Iterable<T>>, KV<Integer, Iterable<T>>> {
    private final int batchSize;

    CutFn(int batchSize) {
      this.batchSize = batchSize;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<T>> shard, OutputReceiver<KV<Integer, Iterable<T>>> out) {
      List<T> batch = new ArrayList<>(Math.min(batchSize, 1024));
      for (T row : shard.getValue()) {
        batch.add(row);
        if (batch.size() == batchSize) {
          out.output(KV.of(shard.getKey(), batch));
          batch = new ArrayList<>(Math.min(batchSize, 1024));
        }
      }
      if (!batch.isEmpty()) {
        out.output(KV.of(shard.getKey(), batch));
      }
    }
  }

  static int shardOf(Object key) {
    return Math.floorMod(key.hashCode(), SHARDS);
  }

  static final class ShardFn<T> extends DoFn<T, KV<Integer, T>> {
    private final RowKey<T> rowKey;

    ShardFn(RowKey<T> rowKey) {
      this.rowKey = rowKey;
    }

    @ProcessElement
    public void process(@Element T row, OutputReceiver<KV<Integer, T>> out) {
      out.output(KV.of(shardOf(rowKey.apply(row)), row));
    }
  }

  /** One batch, one transaction: one version of each row (the last, or the highest), in multi-row upserts. */
  static final class WriteBatchFn<T> extends DoFn<KV<Integer, Iterable<T>>, Void> {
    private final Warehouse warehouse;
    private final String statement;
    private final JdbcIO.PreparedStatementSetter<T> setter;
    private final RowKey<T> rowKey;
    private final RowVersion<T> version;
    private final Counter rowsWritten;
    private final Counter batchesWritten;
    private transient MultiRowStatement multiRow;
    private transient Connection connection;

    WriteBatchFn(Warehouse warehouse, String statement, JdbcIO.PreparedStatementSetter<T> setter, RowKey<T> rowKey,
        RowVersion<T> version) {
      this.warehouse = warehouse;
      this.statement = statement;
      this.setter = setter;
      this.rowKey = rowKey;
      this.version = version;
      String table = MultiRowStatement.of(statement).table();
      this.rowsWritten = Metrics.counter("warehouse", table + "_rows");
      this.batchesWritten = Metrics.counter("warehouse", table + "_batches");
    }

    @Setup
    public void setup() {
      multiRow = MultiRowStatement.of(statement);
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<T>> batch) throws Exception {
      Map<Object, T> latest = new LinkedHashMap<>();
      for (T row : batch.getValue()) {
        Object key = rowKey.apply(row);
        T kept = latest.remove(key);
        latest.put(key, kept != null && version != null && version.apply(kept) > version.apply(row) ? kept : row);
      }
      List<T> rows = new ArrayList<>(latest.values());
      Connection c = connection();
      try {
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
          List<T> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT));
          try (PreparedStatement ps = c.prepareStatement(multiRow.forRows(chunk.size()))) {
            for (int i = 0; i < chunk.size(); i++) {
              setter.setParameters(chunk.get(i), MultiRowStatement.offset(ps, i * multiRow.parameters()));
            }
            ps.executeUpdate();
          }
        }
        c.commit();
      } catch (Exception e) {
        closeQuietly();
        throw new SQLException("writing " + rows.size() + " rows with " + multiRow.table() + "'s upsert failed: "
            + e.getMessage(), e);
      }
      rowsWritten.inc(rows.size());
      batchesWritten.inc();
    }

    private Connection connection() throws SQLException {
      if (connection == null || connection.isClosed()) {
        connection = warehouse.connect();
        connection.setAutoCommit(false);
      }
      return connection;
    }

    private void closeQuietly() {
      if (connection != null) {
        try {
          connection.rollback();
          connection.close();
        } catch (SQLException ignored) {
          // the connection is dropped either way; the next batch opens a new one
        }
        connection = null;
      }
    }

    @Teardown
    public void teardown() throws SQLException {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    }
  }

  /** A single-row {@code INSERT ... VALUES (?, ...) ...} statement repeated for several rows. */
  record MultiRowStatement(String table, String head, String group, String tail, int parameters) {
    private static final Pattern INSERT = Pattern.compile("(?is)^\\s*INSERT\\s+INTO\\s+(\\w+)\\b.*?\\bVALUES\\s*");

    static MultiRowStatement of(String statement) {
      Matcher m = INSERT.matcher(statement);
      if (!m.find() || m.end() >= statement.length() || statement.charAt(m.end()) != '(') {
        throw new IllegalArgumentException("not an INSERT ... VALUES (...) statement: " + statement);
      }
      int open = m.end();
      int close = statement.indexOf(')', open);
      if (close < 0) {
        throw new IllegalArgumentException("unbalanced VALUES group in " + statement);
      }
      String group = statement.substring(open, close + 1);
      int parameters = (int) group.chars().filter(ch -> ch == '?').count();
      return new MultiRowStatement(m.group(1), statement.substring(0, open), group, statement.substring(close + 1),
          parameters);
    }

    String forRows(int rows) {
      StringBuilder sql = new StringBuilder(head.length() + rows * (group.length() + 2) + tail.length());
      sql.append(head);
      for (int i = 0; i < rows; i++) {
        sql.append(i == 0 ? "" : ", ").append(group);
      }
      return sql.append(tail).toString();
    }

    /** The statement seen by a row's setter: its parameter 1 is the statement's parameter {@code shift + 1}. */
    static PreparedStatement offset(PreparedStatement statement, int shift) {
      if (shift == 0) {
        return statement;
      }
      return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
          new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
            if (method.getName().startsWith("set") && args != null && args.length >= 2
                && method.getParameterTypes()[0] == int.class) {
              args[0] = (Integer) args[0] + shift;
            }
            try {
              return method.invoke(statement, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }
}
