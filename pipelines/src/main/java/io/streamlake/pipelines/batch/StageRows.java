package io.streamlake.pipelines.batch;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
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
 * batch_topic_stats}) once, as one staging file per table in the run's staging folder of the lake
 * ({@link RunFiles#stagingDir}; CSV for PostgreSQL, a {@link RowFile} for DuckDB), for {@link
 * HourLoader#swap} to load straight into the warehouse with the database's bulk path ({@link
 * BulkLoad}: COPY, DuckDB's appender) in the transaction that replaces the hour. An hour's rows are
 * few (one per group of an hourly aggregate), so they are gathered into one element (a GroupByKey)
 * and written by one {@link WriteStagingFilesFn}. The files
 * go through Beam's filesystems, so they land wherever the lake is, and the swap, on the driver, reads
 * them whichever runner wrote them.
 *
 * <p>Input: {@link Row}s (see {@link #rowsOf}). Metrics (namespace this class): counter {@code
 * staged_rows}, distribution {@code staging_micros} (grouped rows to the last file renamed).
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

  private final String runDir;
  private final BulkLoad.Dialect dialect;
  private final Map<String, GoldTable> tables;

  private StageRows(String runDir, BulkLoad.Dialect dialect, List<GoldTable> tables) {
    this.runDir = runDir;
    this.dialect = dialect;
    this.tables = new LinkedHashMap<>();
    tables.forEach(t -> this.tables.put(t.name(), t));
  }

  /**
   * Stages rows of these tables into {@code runDir} ({@link RunFiles#stagingDir}), as the staging
   * files of the warehouse of this dialect ({@link BulkLoad#writeStaged}).
   */
  public static StageRows into(String runDir, BulkLoad.Dialect dialect, List<GoldTable> tables) {
    return new StageRows(runDir, dialect, tables);
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
        .apply("KeyAsOneRun", WithKeys.<String, Row>of("run").withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), RowCoder.of()))
        .apply("GroupTheRun", GroupByKey.create())
        .apply("DropRunKey", Values.create())
        .apply("WriteStagingFiles", ParDo.of(new WriteStagingFilesFn(runDir, dialect, tables)));
  }

  /**
   * Writes one run's rows: one staging file per table, {@code RUN_DIR/TABLE.csv} or {@code .rows}
   * ({@link RunFiles#stagingFileName}), a file without rows for a table without rows (so the swap can
   * tell "no rows" from "not staged"). Each file is written under a temporary name and renamed when
   * complete; a retried attempt rewrites the same files.
   */
  static final class WriteStagingFilesFn extends DoFn<Iterable<Row>, Void> {
    private static final long serialVersionUID = 1L;
    private final Counter staged = Metrics.counter(StageRows.class, "staged_rows");
    private final Distribution micros = Metrics.distribution(StageRows.class, "staging_micros");
    private final String runDir;
    private final BulkLoad.Dialect dialect;
    private final Map<String, GoldTable> tables;

    WriteStagingFilesFn(String runDir, BulkLoad.Dialect dialect, Map<String, GoldTable> tables) {
      this.runDir = runDir;
      this.dialect = dialect;
      this.tables = new LinkedHashMap<>(tables);
    }

    @ProcessElement
    public void process(@Element Iterable<Row> rows) throws IOException {
      long start = System.nanoTime();
      Map<String, List<List<Object>>> byTable = new LinkedHashMap<>();
      tables.keySet().forEach(name -> byTable.put(name, new ArrayList<>()));
      for (Row r : rows) {
        List<List<Object>> list = byTable.get(r.table());
        if (list == null) {
          throw new IllegalArgumentException("no staging file for table " + r.table() + " (staged: " + tables.keySet() + ")");
        }
        list.add(r.values());
      }
      long n = 0;
      for (Map.Entry<String, List<List<Object>>> e : byTable.entrySet()) {
        n += write(runDir, tables.get(e.getKey()), e.getValue(), dialect);
      }
      staged.inc(n);
      micros.update((System.nanoTime() - start) / 1000);
    }
  }

  /** Writes (or rewrites) one table's staging file in {@code runDir}; returns the rows written. */
  public static long write(String runDir, GoldTable table, List<List<Object>> rows, BulkLoad.Dialect dialect)
      throws IOException {
    long[] n = {0};
    WriteHourFiles.writeAtomically(runDir, RunFiles.stagingFileName(table, dialect),
        channel -> n[0] = BulkLoad.writeStaged(Channels.newOutputStream(channel), table, rows, dialect));
    return n[0];
  }
}
