package io.streamlake.pipelines.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.boxoffice.BoxOfficeEventKind;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.events.shop.Order;
import io.streamlake.events.shop.OrderItem;
import io.streamlake.events.ticketing.Booking;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.schemas.Topics;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** Rules, percentiles, options and the migration's columns, without a pipeline. */
class BatchUnitsTest {
  static final Instant T = Instant.parse("2026-03-01T10:15:00Z");

  static InvoiceLine line(String invoice, int quantity) {
    return new InvoiceLine("e", invoice, 1, "SKU1", null, quantity, T, 100L, null, "UK");
  }

  @Test
  void invalidRecordsSayWhy() {
    Booking ok = new Booking("e1", "b1", "u", "s", "Show", "Venue", "City", 2, 500L, 1000L, "EUR", T, "web");
    assertNull(TopicRules.violation("bookings", ok));
    assertEquals("seats must be positive, got 0",
        TopicRules.violation("bookings", Booking.newBuilder(ok).setSeats(0).setAmountMinor(0).build()));
    assertNull(TopicRules.violation("retail-invoice-lines", line("536001", 3)));
    assertNull(TopicRules.violation("retail-invoice-lines", line("C536001", -3)));
    assertEquals("cancellation C536001 has a positive quantity 3", TopicRules.violation("retail-invoice-lines", line("C536001", 3)));
    assertTrue(TopicRules.violation("retail-invoice-lines", line("536001", -3)).contains("is not a cancellation"));
    assertEquals("quantity is 0", TopicRules.violation("retail-invoice-lines", line("536001", 0)));
    Order order = new Order("e", "o", "u", List.of(new OrderItem("p", 2, 250L)), 501L, "EUR", T);
    assertEquals("total_minor 501 is not the sum of its items 500", TopicRules.violation("orders", order));
    BoxOfficeEvent unknown = new BoxOfficeEvent("e", "m", "t", "movie", BoxOfficeEventKind.UNKNOWN, 0, 0.0, 0, T);
    assertEquals("kind is UNKNOWN", TopicRules.violation("boxoffice", unknown));
    assertEquals(-300, TopicRules.controlTotal("retail-invoice-lines", line("C536001", -3)));
  }

  @Test
  void p90IsTheNearestRank() {
    double[] ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertEquals(9.0, BoxOfficeGold.nearestRank(ten, 0.9));
    assertEquals(5.0, BoxOfficeGold.nearestRank(new double[] {5}, 0.9));
    assertEquals(10.0, BoxOfficeGold.nearestRank(new double[] {1, 10}, 0.9));
  }

  @Test
  void batchTopicsAreThoseWithAnEventId() {
    List<String> names = TopicRules.batchTopics().stream().map(t -> t.name()).toList();
    assertTrue(names.containsAll(List.of("bookings", "payments", "boxoffice", "retail-invoice-lines", "orders")));
    assertTrue(!names.contains(Topics.BOOKINGS_FACT.name()), "bookings_fact has no event id");
  }

  @Test
  void optionsLoad() {
    PipelineOptionsFactory.register(HourlyBatch.Options.class);
    HourlyBatch.Options o = PipelineOptionsFactory.fromArgs("--hour=2026-03-01T10", "--lakeRoot=/data/lake")
        .withValidation().as(HourlyBatch.Options.class);
    assertEquals(20, o.getSettleMinutes());
    assertEquals(15L, o.getPaymentWindowMinutes());
    assertEquals(".local/hourly-batch.lock", o.getLockFile());
  }

  @Test
  void theMigrationsHaveEveryColumnOfEveryTableAndNoStagingTables() throws SQLException {
    Warehouse w = new Warehouse(BatchFixtures.duckDb(Path.of(BatchFixtures.tempDir("cols").toString()), "w"), null, "X");
    w.migrate(HourlyBatch.MIGRATIONS);
    List<GoldTable> tables = new ArrayList<>(GoldTables.ALL.stream().map(GoldTables.Spec::table).toList());
    tables.add(TopicStats.TABLE);
    try (Connection c = w.connect()) {
      for (GoldTable t : tables) {
        assertEquals(t.columnNames(), columns(c, t.name()), t.name());
        assertEquals(List.of(), columns(c, "stg_" + t.name()), "V201 drops stg_" + t.name() + " (staging is in the lake)");
      }
    }
  }

  private static List<String> columns(Connection c, String table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getColumns(null, null, table, null)) {
      while (rs.next()) {
        out.add(rs.getInt("ORDINAL_POSITION") - 1, rs.getString("COLUMN_NAME"));
      }
    }
    return out;
  }
}
