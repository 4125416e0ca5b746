package io.streamlake.pipelines.batch;

import java.util.Collection;
import java.util.List;

/** Every table the hourly batch replaces per hour, with the topics it is computed from. */
public final class GoldTables {
  private GoldTables() {}

  /** A gold table and its input topics: it is rebuilt only by a run that reads all of them. */
  public record Spec(GoldTable table, List<String> topics) {
    public boolean computableFrom(Collection<String> runTopics) {
      return runTopics.containsAll(topics);
    }
  }

  public static final List<Spec> ALL = List.of(
      new Spec(TicketingGold.TABLE, List.of("bookings", "payments")),
      new Spec(BoxOfficeGold.TABLE, List.of("boxoffice")),
      new Spec(RetailGold.SALES_TABLE, List.of("retail-invoice-lines")),
      new Spec(RetailGold.TOP_PRODUCTS_TABLE, List.of("retail-invoice-lines")),
      new Spec(RetailGold.CUSTOMERS_TABLE, List.of("retail-invoice-lines")),
      new Spec(RetailGold.CANCELLATIONS_TABLE, List.of("retail-invoice-lines")),
      new Spec(ShopGold.TABLE, List.of("orders")));

  /** The gold tables a run over these topics rebuilds. */
  public static List<GoldTable> computableFrom(Collection<String> runTopics) {
    return ALL.stream().filter(s -> s.computableFrom(runTopics)).map(Spec::table).toList();
  }
}
