package io.streamlake.pipelines.batch;

import static io.streamlake.pipelines.batch.GoldTable.bigint;
import static io.streamlake.pipelines.batch.GoldTable.hourColumn;
import static io.streamlake.pipelines.batch.GoldTable.text;

import io.streamlake.events.shop.Order;
import io.streamlake.events.shop.OrderItem;
import java.io.Serializable;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/** Web-shop gold: per product (and currency) and hour, the orders that contain it, units and revenue. */
public final class ShopGold extends PTransform<PCollection<Order>, PCollection<ShopGold.ProductHour>> {
  public static final GoldTable TABLE = new GoldTable("gold_shop_product_hourly", List.of(hourColumn(), text("product_id"),
      text("currency"), bigint("orders"), bigint("units"), bigint("revenue_minor")),
      List.of("hour", "product_id", "currency"));

  /** A row of {@link #TABLE}. */
  @DefaultCoder(SerializableCoder.class)
  public record ProductHour(Instant hour, String productId, String currency, long orders, long units,
      long revenueMinor) implements GoldRow {
    @Override
    public List<Object> values() {
      return Arrays.asList(hour, productId, currency, orders, units, revenueMinor);
    }
  }

  private final Instant hour;

  private ShopGold(Instant hour) {
    this.hour = hour;
  }

  public static ShopGold of(Hour hour) {
    return new ShopGold(hour.start());
  }

  @Override
  public PCollection<ProductHour> expand(PCollection<Order> orders) {
    return orders
        .apply("SplitItems", ParDo.of(new SplitFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(ItemSale.class)))
        .apply("GroupByProduct", GroupByKey.create())
        .apply("SumProductHour", ParDo.of(new SumFn(hour)));
  }

  /** One order line. */
  record ItemSale(String productId, String currency, String orderId, int quantity, long revenueMinor)
      implements Serializable {}

  static final class SplitFn extends DoFn<Order, KV<String, ItemSale>> {
    @ProcessElement
    public void process(@Element Order order, OutputReceiver<KV<String, ItemSale>> out) {
      for (OrderItem item : order.getItems()) {
        out.output(KV.of(item.getProductId() + "\u0001" + order.getCurrency(), new ItemSale(item.getProductId(),
            order.getCurrency(), order.getOrderId(), item.getQuantity(), item.getQuantity() * item.getUnitPriceMinor())));
      }
    }
  }

  static final class SumFn extends DoFn<KV<String, Iterable<ItemSale>>, ProductHour> {
    private final Instant hour;

    SumFn(Instant hour) {
      this.hour = hour;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<ItemSale>> product, OutputReceiver<ProductHour> out) {
      Set<String> orders = new HashSet<>();
      long units = 0;
      long revenue = 0;
      ItemSale any = null;
      for (ItemSale s : product.getValue()) {
        any = s;
        orders.add(s.orderId());
        units += s.quantity();
        revenue += s.revenueMinor();
      }
      out.output(new ProductHour(hour, any.productId(), any.currency(), orders.size(), units, revenue));
    }
  }
}
