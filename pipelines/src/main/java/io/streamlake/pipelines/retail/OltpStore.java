package io.streamlake.pipelines.retail;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.schemas.InvoiceLineRules;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * The IO edge to the retail OLTP store (PostgreSQL, tables of {@code V301__retail_oltp.sql}): upserts
 * every valid line into {@code customers}, {@code invoices} and {@code invoice_lines} or {@code
 * returns}, keyed by customer, invoice and (invoice, line), so a replay never duplicates.
 *
 * <p>Why not four {@code JdbcIO.write}s: the tables reference each other (a line needs its invoice, an
 * invoice its customer), so each batch is written in one transaction, customers first. Concurrent
 * batches (Flink runs several writers) would deadlock if they locked shared customer rows in different
 * orders, so every batch locks in one global order: tables in the order above, keys sorted within a
 * table. A deadlock or serialization failure that happens anyway, or a dropped connection, is retried;
 * any other database error fails the bundle, which the runner retries (the writes are idempotent).
 *
 * <p>Rows of one batch are merged first: the last version of a line or invoice wins (lines of one
 * invoice share a Kafka partition, so their order is the order they were sent in); a customer keeps the
 * country of its earliest invoice, which makes the result independent of arrival order across partitions.
 */
public final class OltpStore extends PTransform<PCollection<InvoiceLine>, PDone> {
  private final Warehouse warehouse;
  private final int batchSize;

  private OltpStore(Warehouse warehouse, int batchSize) {
    this.warehouse = warehouse;
    this.batchSize = batchSize;
  }

  public static OltpStore of(Warehouse warehouse, int batchSize) {
    return new OltpStore(warehouse, batchSize);
  }

  /** The migrations of the tables this store writes. */
  static final String[] MIGRATIONS = {"V301__retail_oltp.sql"};

  static final String UPSERT_CUSTOMER = "INSERT INTO customers (customer_id, country, first_invoice_at, created_by, created_at)"
      + " VALUES (?, ?, ?, 'invoice-line', ?) ON CONFLICT (customer_id) DO UPDATE SET country = excluded.country,"
      + " first_invoice_at = excluded.first_invoice_at WHERE excluded.first_invoice_at < customers.first_invoice_at"
      + " OR (excluded.first_invoice_at = customers.first_invoice_at AND excluded.country < customers.country)";
  static final String UPSERT_INVOICE = changedOnly("invoices",
      List.of("invoice_no", "customer_id", "country", "invoice_date", "is_cancellation"), List.of("invoice_no"));
  static final String UPSERT_LINE = changedOnly("invoice_lines", List.of("invoice_no", "line_no", "event_id", "stock_code",
      "description", "quantity", "unit_price_minor", "amount_minor"), List.of("invoice_no", "line_no"));
  static final String UPSERT_RETURN = changedOnly("returns", List.of("invoice_no", "line_no", "event_id", "stock_code",
      "description", "returned_quantity", "unit_price_minor", "refund_minor"), List.of("invoice_no", "line_no"));

  /** {@link Warehouse#upsert} that leaves a row alone when nothing changed (a replay writes no new row versions). */
  static String changedOnly(String table, List<String> columns, List<String> keys) {
    List<String> values = columns.stream().filter(c -> !keys.contains(c)).toList();
    return Warehouse.upsert(table, columns, keys) + " WHERE ("
        + values.stream().map(c -> table + "." + c).collect(Collectors.joining(", ")) + ") IS DISTINCT FROM ("
        + values.stream().map(c -> "excluded." + c).collect(Collectors.joining(", ")) + ")";
  }

  @Override
  public PDone expand(PCollection<InvoiceLine> lines) {
    lines.apply("UpsertOltpRows", ParDo.of(new UpsertFn(warehouse, batchSize)));
    return PDone.in(lines.getPipeline());
  }

  /** Buffers the lines of a bundle and writes them in transactions of up to {@code batchSize} lines. */
  static final class UpsertFn extends DoFn<InvoiceLine, Void> {
    private static final int ATTEMPTS = 5;
    private final Warehouse warehouse;
    private final int batchSize;
    private final Counter linesWritten = Metrics.counter("retail", "invoice_lines_upserted");
    private final Counter returnsWritten = Metrics.counter("retail", "returns_upserted");
    private final Counter invoicesWritten = Metrics.counter("retail", "invoices_upserted");
    private final Counter customersWritten = Metrics.counter("retail", "customers_upserted");
    private final Counter guestLines = Metrics.counter("retail", "guest_lines");
    private final Counter batches = Metrics.counter("retail", "batches_committed");
    private final Counter retries = Metrics.counter("retail", "batches_retried");
    private transient Connection connection;
    private transient List<InvoiceLine> buffer;

    UpsertFn(Warehouse warehouse, int batchSize) {
      this.warehouse = warehouse;
      this.batchSize = batchSize;
    }

    @StartBundle
    public void startBundle() {
      buffer = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element InvoiceLine line) throws SQLException, InterruptedException {
      buffer.add(line);
      if (buffer.size() >= batchSize) {
        flush();
      }
    }

    @FinishBundle
    public void finishBundle() throws SQLException, InterruptedException {
      flush();
    }

    @Teardown
    public void teardown() {
      closeConnection();
    }

    private void flush() throws SQLException, InterruptedException {
      if (buffer.isEmpty()) {
        return;
      }
      Batch batch = Batch.of(buffer);
      for (int attempt = 1; ; attempt++) {
        try {
          write(batch);
          break;
        } catch (SQLException e) {
          rollbackQuietly();
          if (attempt >= ATTEMPTS || !transientFailure(e)) {
            throw new SQLException("cannot write " + buffer.size() + " invoice lines to " + warehouse.url() + " (attempt "
                + attempt + "): " + e.getMessage(), e);
          }
          retries.inc();
          if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            closeConnection();
          }
          Thread.sleep(50L << attempt); // back off before retrying a conflict with another writer
        }
      }
      batches.inc();
      customersWritten.inc(batch.customers.size());
      invoicesWritten.inc(batch.invoices.size());
      linesWritten.inc(batch.lines.size());
      returnsWritten.inc(batch.returns.size());
      guestLines.inc(buffer.stream().filter(l -> l.getCustomerId() == null).count());
      buffer.clear();
    }

    /** Deadlock, serialization failure, or a broken connection. */
    static boolean transientFailure(SQLException e) {
      String state = e.getSQLState();
      return state != null && (state.equals("40P01") || state.equals("40001") || state.startsWith("08"));
    }

    private void write(Batch batch) throws SQLException {
      Connection c = connection();
      Instant now = Instant.now();
      try (PreparedStatement s = c.prepareStatement(UPSERT_CUSTOMER)) {
        for (Customer customer : batch.customers.values()) {
          s.setString(1, customer.id());
          s.setString(2, customer.country());
          s.setObject(3, Warehouse.utc(customer.firstInvoiceAt()));
          s.setObject(4, Warehouse.utc(now));
          s.addBatch();
        }
        s.executeBatch();
      }
      try (PreparedStatement s = c.prepareStatement(UPSERT_INVOICE)) {
        for (InvoiceLine l : batch.invoices.values()) {
          s.setString(1, l.getInvoiceNo());
          s.setString(2, l.getCustomerId());
          s.setString(3, l.getCountry());
          s.setObject(4, Warehouse.utc(l.getInvoiceDate()));
          s.setBoolean(5, InvoiceLineRules.isCancellation(l.getInvoiceNo()));
          s.addBatch();
        }
        s.executeBatch();
      }
      writeLines(c, UPSERT_LINE, batch.lines.values(), 1);
      writeLines(c, UPSERT_RETURN, batch.returns.values(), -1);
      c.commit();
    }

    /** Lines as they are; returns with the quantity and amount made positive ({@code sign} -1). */
    private static void writeLines(Connection c, String sql, Iterable<InvoiceLine> lines, int sign) throws SQLException {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (InvoiceLine l : lines) {
          s.setString(1, l.getInvoiceNo());
          s.setInt(2, l.getLineNo());
          s.setString(3, l.getEventId());
          s.setString(4, l.getStockCode());
          if (l.getDescription() == null) {
            s.setNull(5, Types.VARCHAR);
          } else {
            s.setString(5, l.getDescription());
          }
          s.setInt(6, sign * l.getQuantity());
          s.setLong(7, l.getUnitPriceMinor());
          s.setLong(8, sign * (long) l.getQuantity() * l.getUnitPriceMinor());
          s.addBatch();
        }
        s.executeBatch();
      }
    }

    private Connection connection() throws SQLException {
      if (connection == null || connection.isClosed()) {
        connection = warehouse.connect();
        connection.setAutoCommit(false);
      }
      return connection;
    }

    private void rollbackQuietly() {
      try {
        if (connection != null && !connection.isClosed()) {
          connection.rollback();
        }
      } catch (SQLException e) {
        closeConnection(); // a connection that cannot roll back is not reused
      }
    }

    private void closeConnection() {
      try {
        if (connection != null) {
          connection.close();
        }
      } catch (SQLException e) {
        // closing a broken connection: nothing left to release
      } finally {
        connection = null;
      }
    }
  }

  /** A customer as one batch knows it: the country of its earliest invoice. */
  record Customer(String id, String country, Instant firstInvoiceAt) {
    static final Comparator<Customer> EARLIEST = Comparator.comparing(Customer::firstInvoiceAt).thenComparing(Customer::country);
  }

  /** The rows of one batch, merged by key and sorted by key (the lock order). */
  static final class Batch {
    final Map<String, Customer> customers = new TreeMap<>();
    final Map<String, InvoiceLine> invoices = new TreeMap<>();
    final Map<String, InvoiceLine> lines = new TreeMap<>();
    final Map<String, InvoiceLine> returns = new TreeMap<>();

    static Batch of(List<InvoiceLine> buffer) {
      Batch b = new Batch();
      Map<String, InvoiceLine> lastByKey = new LinkedHashMap<>();
      for (InvoiceLine l : buffer) {
        lastByKey.put(l.getInvoiceNo() + "\u0000" + String.format("%010d", l.getLineNo()), l);
        b.invoices.put(l.getInvoiceNo(), l);
        if (l.getCustomerId() != null) {
          Customer c = new Customer(l.getCustomerId(), l.getCountry(), l.getInvoiceDate());
          b.customers.merge(c.id(), c, (x, y) -> Customer.EARLIEST.compare(x, y) <= 0 ? x : y);
        }
      }
      lastByKey.forEach((key, l) -> (InvoiceLineRules.isCancellation(l.getInvoiceNo()) ? b.returns : b.lines).put(key, l));
      return b;
    }
  }
}
