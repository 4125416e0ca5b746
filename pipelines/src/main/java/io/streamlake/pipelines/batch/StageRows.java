package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.common.Warehouse;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The staging step of an hourly run: writes every row the run loads (gold tables and {@code
 * batch_topic_stats}) into the staging tables {@code stg_*}, tagged with the run id, for {@link
 * HourLoader#swap} to move in. An hour's rows are few (one per group of an hourly aggregate), so they
 * are gathered into one element (a GroupByKey on the run id) and written by one {@link WriteStagingFn}:
 * one connection, the database's bulk path per table ({@link BulkLoad}: COPY or the DuckDB Appender),
 * one transaction. Row by row over JdbcIO, the rows reached the database one per bundle behind the
 * aggregations, i.e. one transaction per row.
 *
 * <p>Input: {@link Row}s (see {@link #rowsOf}). Metrics (namespace this class): counter {@code
 * staged_rows}, distribution {@code staging_micros} (connect to commit, per write).
 */
public final class StageRows extends PTransform<PCollection<StageRows.Row>, PCollection<Void>> {
  private static final long serialVersionUID = 1L;

  /** A row for a table: the table's name and the row's values in column order ({@link GoldRow#values}). */
  public record Row(String table, List<Object> values) implements Serializable {
    public Row {
      values = new ArrayList<>(values);
    }
  }

  /**
   * A compact coder for {@link Row}: the table name, then per value a tag and the value (the types a
   * {@link GoldRow} holds). Java serialization, which it replaces, made decoding the grouped rows cost
   * more than the COPY itself on a busy hour.
   */
  public static final class RowCoder extends CustomCoder<Row> {
    private static final long serialVersionUID = 1L;
    private static final int NULL = 0;
    private static final int TEXT = 1;
    private static final int LONG = 2;
    private static final int INT = 3;
    private static final int DOUBLE = 4;
    private static final int BOOLEAN = 5;
    private static final int INSTANT = 6;

    public static RowCoder of() {
      return new RowCoder();
    }

    @Override
    public void encode(Row row, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      writeText(data, row.table());
      VarInt.encode(row.values().size(), data);
      for (Object v : row.values()) {
        if (v == null) {
          data.writeByte(NULL);
        } else if (v instanceof String t) {
          data.writeByte(TEXT);
          writeText(data, t);
        } else if (v instanceof Long l) {
          data.writeByte(LONG);
          data.writeLong(l);
        } else if (v instanceof Integer i) {
          data.writeByte(INT);
          data.writeInt(i);
        } else if (v instanceof Double d) {
          data.writeByte(DOUBLE);
          data.writeDouble(d);
        } else if (v instanceof Boolean b) {
          data.writeByte(BOOLEAN);
          data.writeBoolean(b);
        } else if (v instanceof Instant t) {
          data.writeByte(INSTANT);
          data.writeLong(t.getEpochSecond());
          data.writeInt(t.getNano());
        } else {
          throw new CoderException("a gold row holds no " + v.getClass().getName() + " (table " + row.table() + ")");
        }
      }
      data.flush();
    }

    @Override
    public Row decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      String table = readText(data);
      int n = VarInt.decodeInt(data);
      List<Object> values = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int tag = data.readByte();
        values.add(switch (tag) {
          case NULL -> null;
          case TEXT -> readText(data);
          case LONG -> data.readLong();
          case INT -> data.readInt();
          case DOUBLE -> data.readDouble();
          case BOOLEAN -> data.readBoolean();
          case INSTANT -> Instant.ofEpochSecond(data.readLong(), data.readInt());
          default -> throw new CoderException("unknown value tag " + tag);
        });
      }
      return new Row(table, values);
    }

    private static void writeText(DataOutputStream data, String s) throws IOException {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      VarInt.encode(bytes.length, data);
      data.write(bytes);
    }

    private static String readText(DataInputStream data) throws IOException {
      byte[] bytes = new byte[VarInt.decodeInt(data)];
      data.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof RowCoder;
    }

    @Override
    public int hashCode() {
      return RowCoder.class.hashCode();
    }
  }

  private final Warehouse warehouse;
  private final String runId;
  private final Map<String, GoldTable> tables;

  private StageRows(Warehouse warehouse, String runId, List<GoldTable> tables) {
    this.warehouse = warehouse;
    this.runId = runId;
    this.tables = new LinkedHashMap<>();
    tables.forEach(t -> this.tables.put(t.name(), t));
  }

  /** Stages rows of these tables for run {@code runId}. */
  public static StageRows into(Warehouse warehouse, String runId, List<GoldTable> tables) {
    return new StageRows(warehouse, runId, tables);
  }

  /** A table's gold rows as {@link Row}s, step {@code "Rows" + name}. */
  public static <R extends GoldRow> PCollection<Row> rowsOf(PCollection<R> rows, GoldTable table, String stepSuffix) {
    String name = table.name();
    return rows.apply("Rows" + stepSuffix, MapElements.into(TypeDescriptor.of(Row.class))
            .via((R r) -> new Row(name, r.values())))
        .setCoder(RowCoder.of());
  }

  @Override
  public PCollection<Void> expand(PCollection<Row> rows) {
    return rows
        .apply("KeyByRun", WithKeys.<String, Row>of(runId).withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), RowCoder.of()))
        .apply("GroupByRun", GroupByKey.create())
        .apply("DropRunKey", Values.create())
        .apply("WriteStagingTables", ParDo.of(new WriteStagingFn(warehouse, runId, tables)));
  }

  /**
   * Writes one run's rows into the staging tables: per table, first the rows a retried attempt of
   * this very run may have committed are removed, then the rows are appended with the bulk path; one
   * transaction for all tables.
   */
  static final class WriteStagingFn extends DoFn<Iterable<Row>, Void> {
    private static final long serialVersionUID = 1L;
    private final Counter staged = Metrics.counter(StageRows.class, "staged_rows");
    private final Distribution micros = Metrics.distribution(StageRows.class, "staging_micros");
    private final Warehouse warehouse;
    private final String runId;
    private final Map<String, GoldTable> tables;

    WriteStagingFn(Warehouse warehouse, String runId, Map<String, GoldTable> tables) {
      this.warehouse = warehouse;
      this.runId = runId;
      this.tables = new LinkedHashMap<>(tables);
    }

    @ProcessElement
    public void process(@Element Iterable<Row> rows) throws SQLException {
      long start = System.nanoTime();
      Map<GoldTable, List<List<Object>>> byTable = new LinkedHashMap<>();
      for (Row r : rows) {
        GoldTable table = tables.get(r.table());
        if (table == null) {
          throw new IllegalArgumentException("no staging table for " + r.table());
        }
        List<Object> values = new ArrayList<>(r.values().size() + 1);
        values.add(runId);
        values.addAll(r.values());
        byTable.computeIfAbsent(table, t -> new ArrayList<>()).add(values);
      }
      long n = 0;
      try (Connection c = warehouse.connect()) {
        c.setAutoCommit(false);
        try {
          for (Map.Entry<GoldTable, List<List<Object>>> e : byTable.entrySet()) {
            n += write(c, e.getKey(), runId, e.getValue());
          }
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      }
      staged.inc(n);
      micros.update((System.nanoTime() - start) / 1000);
    }
  }

  /**
   * Replaces run {@code runId}'s staged rows of one table with {@code rows} (each: the run id, then
   * the table's values), on the caller's transaction. Returns the rows written.
   */
  static long write(Connection c, GoldTable table, String runId, List<List<Object>> rows) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table.staging() + " WHERE run_id = ?")) {
      s.setString(1, runId);
      s.executeUpdate();
    }
    return BulkLoad.append(c, table.staging(), stagingColumns(table), rows);
  }

  /** The physical columns of {@code stg_NAME}: run_id, then the table's (V2xx__*.sql keeps this order). */
  static List<GoldTable.Column> stagingColumns(GoldTable table) {
    List<GoldTable.Column> out = new ArrayList<>();
    out.add(GoldTable.text("run_id"));
    out.addAll(table.columns());
    return out;
  }
}
