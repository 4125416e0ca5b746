package io.streamlake.pipelines.batch;

import static io.streamlake.pipelines.batch.GoldTable.bigint;
import static io.streamlake.pipelines.batch.GoldTable.hourColumn;
import static io.streamlake.pipelines.batch.GoldTable.integer;
import static io.streamlake.pipelines.batch.GoldTable.text;
import static io.streamlake.pipelines.batch.GoldTable.timestamp;

import io.streamlake.events.retail.InvoiceLine;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Retail gold (Online Retail invoice lines; an invoice number starting with {@code C} is a
 * cancellation, its quantities negative; prices in pence): sales per hour, the top products by
 * revenue, a per-customer hourly summary (summed over all hours by the view {@code
 * gold_retail_customer_summary}), and cancellations per product.
 */
public final class RetailGold extends PTransform<PCollection<InvoiceLine>, PCollectionTuple> {
  public static final TupleTag<SalesHour> SALES = new TupleTag<>() {};
  public static final TupleTag<TopProduct> TOP_PRODUCTS = new TupleTag<>() {};
  public static final TupleTag<CustomerHour> CUSTOMERS = new TupleTag<>() {};
  public static final TupleTag<CancellationHour> CANCELLATIONS = new TupleTag<>() {};

  public static final GoldTable SALES_TABLE = new GoldTable("gold_retail_sales_hourly", List.of(hourColumn(),
      bigint("invoices"), bigint("lines"), bigint("units_sold"), bigint("sales_minor"), bigint("cancelled_invoices"),
      bigint("units_returned"), bigint("cancelled_minor"), bigint("net_sales_minor"), bigint("customers")),
      List.of("hour"));
  public static final GoldTable TOP_PRODUCTS_TABLE = new GoldTable("gold_retail_top_products_hourly", List.of(hourColumn(),
      integer("rank"), text("stock_code"), text("description"), bigint("units_sold"), bigint("revenue_minor")),
      List.of("hour", "rank"));
  public static final GoldTable CUSTOMERS_TABLE = new GoldTable("gold_retail_customer_hourly", List.of(hourColumn(),
      text("customer_id"), bigint("orders"), bigint("cancellations"), bigint("units"), bigint("spend_minor"),
      timestamp("first_purchase_at"), timestamp("last_purchase_at")), List.of("hour", "customer_id"));
  public static final GoldTable CANCELLATIONS_TABLE = new GoldTable("gold_retail_cancellations_hourly", List.of(hourColumn(),
      text("stock_code"), text("description"), bigint("cancelled_invoices"), bigint("cancelled_lines"),
      bigint("units_returned"), bigint("refunded_minor")), List.of("hour", "stock_code"));

  /** A row of {@link #SALES_TABLE}. */
  @DefaultCoder(SerializableCoder.class)
  public record SalesHour(Instant hour, long invoices, long lines, long unitsSold, long salesMinor,
      long cancelledInvoices, long unitsReturned, long cancelledMinor, long netSalesMinor, long customers)
      implements GoldRow {
    @Override
    public List<Object> values() {
      return Arrays.asList(hour, invoices, lines, unitsSold, salesMinor, cancelledInvoices, unitsReturned,
          cancelledMinor, netSalesMinor, customers);
    }
  }

  /** A row of {@link #TOP_PRODUCTS_TABLE}. */
  @DefaultCoder(SerializableCoder.class)
  public record TopProduct(Instant hour, int rank, String stockCode, String description, long unitsSold,
      long revenueMinor) implements GoldRow {
    @Override
    public List<Object> values() {
      return Arrays.asList(hour, rank, stockCode, description, unitsSold, revenueMinor);
    }
  }

  /** A row of {@link #CUSTOMERS_TABLE}; the purchase times are null when the customer only cancelled. */
  @DefaultCoder(SerializableCoder.class)
  public record CustomerHour(Instant hour, String customerId, long orders, long cancellations, long units,
      long spendMinor, Instant firstPurchaseAt, Instant lastPurchaseAt) implements GoldRow {
    @Override
    public List<Object> values() {
      return Arrays.asList(hour, customerId, orders, cancellations, units, spendMinor, firstPurchaseAt, lastPurchaseAt);
    }
  }

  /** A row of {@link #CANCELLATIONS_TABLE}; units and money as positive numbers. */
  @DefaultCoder(SerializableCoder.class)
  public record CancellationHour(Instant hour, String stockCode, String description, long cancelledInvoices,
      long cancelledLines, long unitsReturned, long refundedMinor) implements GoldRow {
    @Override
    public List<Object> values() {
      return Arrays.asList(hour, stockCode, description, cancelledInvoices, cancelledLines, unitsReturned, refundedMinor);
    }
  }

  private final Instant hour;
  private final int topN;

  private RetailGold(Instant hour, int topN) {
    this.hour = hour;
    this.topN = topN;
  }

  /** How many products the top-products table ranks per hour. */
  public static final int TOP_N = 10;

  public static RetailGold of(Hour hour) {
    return new RetailGold(hour.start(), TOP_N);
  }

  public static boolean isCancellation(InvoiceLine line) {
    return line.getInvoiceNo().startsWith("C");
  }

  @Override
  public PCollectionTuple expand(PCollection<InvoiceLine> lines) {
    PCollection<SalesHour> sales = lines
        .apply("KeyAllByHour", WithKeys.of((InvoiceLine l) -> "hour").withKeyType(TypeDescriptors.strings()))
        .apply("GroupTheHour", GroupByKey.create())
        .apply("SumSales", ParDo.of(new SalesFn(hour)));

    PCollection<InvoiceLine> purchases = lines.apply("OnlyPurchases", Filter.by((InvoiceLine l) -> !isCancellation(l)));
    PCollection<TopProduct> top = purchases
        .apply("KeyByProduct", WithKeys.of((InvoiceLine l) -> l.getStockCode()).withKeyType(TypeDescriptors.strings()))
        .apply("GroupByProduct", GroupByKey.create())
        .apply("SumProducts", ParDo.of(new ProductFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(ProductTotal.class)))
        .apply("GroupAllProducts", GroupByKey.create())
        .apply("RankProducts", ParDo.of(new RankFn(hour, topN)));

    PCollection<CustomerHour> customers = lines
        .apply("OnlyKnownCustomers", Filter.by((InvoiceLine l) -> l.getCustomerId() != null))
        .apply("KeyByCustomer", WithKeys.of((InvoiceLine l) -> l.getCustomerId()).withKeyType(TypeDescriptors.strings()))
        .apply("GroupByCustomer", GroupByKey.create())
        .apply("SumCustomers", ParDo.of(new CustomerFn(hour)));

    PCollection<CancellationHour> cancellations = lines
        .apply("OnlyCancellations", Filter.by(RetailGold::isCancellation))
        .apply("KeyCancelledProduct", WithKeys.of((InvoiceLine l) -> l.getStockCode()).withKeyType(TypeDescriptors.strings()))
        .apply("GroupCancelledProduct", GroupByKey.create())
        .apply("SumCancellations", ParDo.of(new CancellationFn(hour)));

    return PCollectionTuple.of(SALES, sales).and(TOP_PRODUCTS, top).and(CUSTOMERS, customers)
        .and(CANCELLATIONS, cancellations);
  }

  /** The smaller of two descriptions, nulls last: the same one on every runner. */
  static String smaller(String a, CharSequence b) {
    if (b == null) {
      return a;
    }
    return a == null || b.toString().compareTo(a) < 0 ? b.toString() : a;
  }

  static final class SalesFn extends DoFn<KV<String, Iterable<InvoiceLine>>, SalesHour> {
    private final Instant hour;

    SalesFn(Instant hour) {
      this.hour = hour;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<InvoiceLine>> all, OutputReceiver<SalesHour> out) {
      Set<String> invoices = new HashSet<>();
      Set<String> cancelled = new HashSet<>();
      Set<String> customers = new HashSet<>();
      long lines = 0;
      long units = 0;
      long sales = 0;
      long returned = 0;
      long refunded = 0;
      for (InvoiceLine l : all.getValue()) {
        lines++;
        long value = l.getQuantity() * l.getUnitPriceMinor();
        if (isCancellation(l)) {
          cancelled.add(l.getInvoiceNo());
          returned -= l.getQuantity();
          refunded -= value;
        } else {
          invoices.add(l.getInvoiceNo());
          units += l.getQuantity();
          sales += value;
          if (l.getCustomerId() != null) {
            customers.add(l.getCustomerId());
          }
        }
      }
      out.output(new SalesHour(hour, invoices.size(), lines, units, sales, cancelled.size(), returned, refunded,
          sales - refunded, customers.size()));
    }
  }

  /** Units and revenue of one product in the hour. */
  record ProductTotal(String stockCode, String description, long units, long revenueMinor) implements Serializable {}

  static final class ProductFn extends DoFn<KV<String, Iterable<InvoiceLine>>, KV<String, ProductTotal>> {
    @ProcessElement
    public void process(@Element KV<String, Iterable<InvoiceLine>> product, OutputReceiver<KV<String, ProductTotal>> out) {
      long units = 0;
      long revenue = 0;
      String description = null;
      for (InvoiceLine l : product.getValue()) {
        units += l.getQuantity();
        revenue += l.getQuantity() * l.getUnitPriceMinor();
        description = smaller(description, l.getDescription());
      }
      out.output(KV.of("all", new ProductTotal(product.getKey(), description, units, revenue)));
    }
  }

  static final class RankFn extends DoFn<KV<String, Iterable<ProductTotal>>, TopProduct> {
    private final Instant hour;
    private final int topN;

    RankFn(Instant hour, int topN) {
      this.hour = hour;
      this.topN = topN;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<ProductTotal>> all, OutputReceiver<TopProduct> out) {
      List<ProductTotal> products = new ArrayList<>();
      all.getValue().forEach(products::add);
      products.sort(Comparator.comparingLong(ProductTotal::revenueMinor).reversed().thenComparing(ProductTotal::stockCode));
      for (int i = 0; i < Math.min(topN, products.size()); i++) {
        ProductTotal p = products.get(i);
        out.output(new TopProduct(hour, i + 1, p.stockCode(), p.description(), p.units(), p.revenueMinor()));
      }
    }
  }

  static final class CustomerFn extends DoFn<KV<String, Iterable<InvoiceLine>>, CustomerHour> {
    private final Instant hour;

    CustomerFn(Instant hour) {
      this.hour = hour;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<InvoiceLine>> customer, OutputReceiver<CustomerHour> out) {
      Set<String> orders = new HashSet<>();
      Set<String> cancellations = new HashSet<>();
      long units = 0;
      long spend = 0;
      Instant first = null;
      Instant last = null;
      for (InvoiceLine l : customer.getValue()) {
        units += l.getQuantity();
        spend += l.getQuantity() * l.getUnitPriceMinor();
        if (isCancellation(l)) {
          cancellations.add(l.getInvoiceNo());
        } else {
          orders.add(l.getInvoiceNo());
          Instant at = l.getInvoiceDate();
          first = first == null || at.isBefore(first) ? at : first;
          last = last == null || at.isAfter(last) ? at : last;
        }
      }
      out.output(new CustomerHour(hour, customer.getKey(), orders.size(), cancellations.size(), units, spend, first, last));
    }
  }

  static final class CancellationFn extends DoFn<KV<String, Iterable<InvoiceLine>>, CancellationHour> {
    private final Instant hour;

    CancellationFn(Instant hour) {
      this.hour = hour;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<InvoiceLine>> product, OutputReceiver<CancellationHour> out) {
      Set<String> invoices = new HashSet<>();
      long lines = 0;
      long units = 0;
      long refunded = 0;
      String description = null;
      for (InvoiceLine l : product.getValue()) {
        invoices.add(l.getInvoiceNo());
        lines++;
        units -= l.getQuantity();
        refunded -= l.getQuantity() * l.getUnitPriceMinor();
        description = smaller(description, l.getDescription());
      }
      out.output(new CancellationHour(hour, product.getKey(), description, invoices.size(), lines, units, refunded));
    }
  }
}
