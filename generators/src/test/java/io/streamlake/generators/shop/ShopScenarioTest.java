package io.streamlake.generators.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.shop.HttpMethod;
import io.streamlake.events.shop.Order;
import io.streamlake.events.shop.OrderItem;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.Product;
import io.streamlake.events.shop.StarRating;
import io.streamlake.events.shop.User;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.schemas.Topics;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class ShopScenarioTest {
  private static final ShopScenario SCENARIO = new ShopScenario();
  private static final GeneratorConfig CONFIG = GeneratorConfig.builder().seed(7).rate(20).events(10_000).build();
  /** The run under CONFIG, shared by the tests that only read it. */
  private static final List<Emission> EMISSIONS = emissions(CONFIG);

  private static List<Emission> emissions(GeneratorConfig config) {
    List<Emission> out = new ArrayList<>();
    SCENARIO.emissions(config).forEachRemaining(out::add);
    return out;
  }

  private static <T> List<T> values(Class<T> type) {
    return EMISSIONS.stream().map(Emission::value).filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void referenceDataFirstThenOnePageViewPerEventInEventTimeOrder() {
    for (int i = 0; i < 250; i++) {
      Emission e = EMISSIONS.get(i);
      assertEquals(i < 200 ? Topics.SHOP_USERS : Topics.SHOP_PRODUCTS, e.topic(), "reference data first, at " + i);
      assertEquals(CONFIG.baseTime(), e.eventTime());
    }
    assertEquals(CONFIG.events(), values(PageView.class).size());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < EMISSIONS.size(); i++) {
      if (i > 0) {
        assertFalse(EMISSIONS.get(i).eventTime().isBefore(EMISSIONS.get(i - 1).eventTime()), "out of order at " + i);
      }
      assertTrue(ids.add(((SpecificRecordBase) EMISSIONS.get(i).value()).get("event_id").toString()), "unique event ids");
    }
    List<PageView> views = values(PageView.class);
    for (int n = 0; n < views.size(); n++) {
      assertEquals(CONFIG.eventTime(n), views.get(n).getViewedAt());
    }
  }

  @Test
  void sameSeedSameEventsOtherSeedOtherEvents() {
    GeneratorConfig small = CONFIG.toBuilder().events(2_000).build();
    assertEquals(emissions(small), emissions(small));
    assertEquals(SCENARIO.event(CONFIG, 4321), SCENARIO.event(CONFIG, 4321));
    assertEquals(EMISSIONS.subList(0, 1000), emissions(small).subList(0, 1000), "a prefix does not depend on events");
    GeneratorConfig other = small.toBuilder().seed(8).build();
    assertNotEquals(emissions(small), emissions(other));
    assertNotEquals(SCENARIO.users(small), SCENARIO.users(other));
    assertNotEquals(SCENARIO.pageView(small, 10), SCENARIO.pageView(other, 10));
  }

  @Test
  void everyEventRefersToAnEmittedUserAndProduct() {
    Set<String> users = new HashSet<>();
    values(User.class).forEach(u -> users.add(u.getUserId()));
    Map<String, Long> prices = new HashMap<>();
    values(Product.class).forEach(p -> prices.put(p.getProductId(), p.getPriceMinor()));
    assertEquals(200, users.size());
    assertEquals(50, prices.size());
    values(PageView.class).forEach(v -> assertTrue(users.contains(v.getUserId()), v.toString()));
    List<StarRating> ratings = values(StarRating.class);
    List<Order> orders = values(Order.class);
    assertTrue(ratings.size() > 250 && orders.size() > 150, ratings.size() + " ratings, " + orders.size() + " orders");
    for (StarRating r : ratings) {
      assertTrue(users.contains(r.getUserId()) && prices.containsKey(r.getProductId()), r.toString());
      assertTrue(r.getStars() >= 1 && r.getStars() <= 5, r.toString());
    }
    for (Order o : orders) {
      assertTrue(users.contains(o.getUserId()), o.toString());
      assertFalse(o.getItems().isEmpty());
      long total = 0;
      Set<String> distinct = new HashSet<>();
      for (OrderItem item : o.getItems()) {
        assertEquals(prices.get(item.getProductId()), item.getUnitPriceMinor(), "catalogue price: " + o);
        assertTrue(item.getQuantity() > 0 && distinct.add(item.getProductId()), o.toString());
        total += item.getQuantity() * item.getUnitPriceMinor();
      }
      assertEquals(total, o.getTotalMinor(), o.toString());
      assertEquals("EUR", o.getCurrency());
    }
  }

  @Test
  void ordersAndRatingsComeFromSuccessfulRequestsOfTheSameUser() {
    for (long n = 0; n < CONFIG.events(); n++) {
      List<Emission> event = SCENARIO.event(CONFIG, n);
      PageView view = (PageView) event.get(0).value();
      assertEquals(SCENARIO.pageView(CONFIG, n), view);
      assertTrue(event.size() <= 2);
      if (event.size() == 2) {
        Emission made = event.get(1);
        assertEquals(2, view.getStatusCode() / 100, view.toString());
        assertEquals(view.getViewedAt().plusMillis(view.getLatencyMs()), made.eventTime(), "when the request completed");
        if (made.value() instanceof Order o) {
          assertEquals("/checkout", view.getUrl());
          assertEquals(view.getUserId(), o.getUserId());
          assertEquals(o.getOrderedAt(), made.eventTime());
        } else {
          StarRating r = (StarRating) made.value();
          assertEquals("/products/" + r.getProductId() + "/ratings", view.getUrl());
          assertEquals(view.getUserId(), r.getUserId());
          assertEquals(r.getRatedAt(), made.eventTime());
        }
      } else {
        assertTrue(!view.getUrl().equals("/checkout") || view.getStatusCode() / 100 != 2, "a successful checkout orders");
      }
    }
  }

  @Test
  void sessionsHaveOneUserAndSeveralRequests() {
    Map<String, String> userOfSession = new HashMap<>();
    Map<String, Integer> length = new HashMap<>();
    for (PageView v : values(PageView.class)) {
      String previous = userOfSession.putIfAbsent(v.getSessionId(), v.getUserId());
      assertTrue(previous == null || previous.equals(v.getUserId()), "one user per session");
      length.merge(v.getSessionId(), 1, Integer::sum);
    }
    double mean = CONFIG.events() / (double) length.size();
    assertTrue(mean > 5 && mean < 10, "mean session length " + mean);
    assertTrue(length.values().stream().allMatch(l -> l <= ShopScenario.MAX_SESSION_LENGTH));
  }

  @Test
  void methodsStatusesAndLatenciesArePlausible() {
    List<PageView> views = values(PageView.class);
    Map<HttpMethod, Integer> methods = new EnumMap<>(HttpMethod.class);
    Map<Integer, Integer> statuses = new HashMap<>();
    List<Integer> latencies = new ArrayList<>();
    for (PageView v : views) {
      methods.merge(v.getMethod(), 1, Integer::sum);
      statuses.merge(v.getStatusCode(), 1, Integer::sum);
      latencies.add(v.getLatencyMs());
    }
    double total = views.size();
    assertTrue(methods.get(HttpMethod.GET) / total > 0.7, "mostly GET: " + methods);
    assertTrue(methods.get(HttpMethod.POST) / total > 0.1, "some POST: " + methods);
    assertTrue(methods.get(HttpMethod.PUT) > 0 && methods.get(HttpMethod.DELETE) > 0, "a few PUT/DELETE: " + methods);
    assertTrue(methods.get(HttpMethod.PUT) + methods.get(HttpMethod.DELETE) < methods.get(HttpMethod.POST), methods.toString());
    assertTrue(statuses.get(200) / total > 0.75, "mostly 200: " + statuses);
    double notFound = statuses.get(404) / total;
    assertTrue(notFound > 0.005 && notFound < 0.05, "some 404: " + statuses);
    long serverErrors = statuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(Map.Entry::getValue).sum();
    assertTrue(serverErrors / total > 0.003 && serverErrors / total < 0.03, "a few 5xx: " + statuses);
    latencies.sort(null);
    int median = latencies.get(latencies.size() / 2);
    int p99 = latencies.get((int) (latencies.size() * 0.99));
    assertTrue(median > 30 && median < 200, "median " + median);
    assertTrue(p99 > 8 * median, "heavy tail: p99 " + p99 + " vs median " + median);
    assertTrue(latencies.stream().filter(l -> l >= 2000 && l < 30_000).count() > 20, "multi-second outliers");
  }

  @Test
  void ratingsAreSkewedWithLowStarsFollowedByMoreBrowsing() {
    List<StarRating> ratings = values(StarRating.class);
    int[] stars = new int[6];
    ratings.forEach(r -> stars[r.getStars()]++);
    double low = (stars[1] + stars[2]) / (double) ratings.size();
    assertTrue(stars[5] > stars[4] && stars[4] > stars[3], "skewed towards 5: " + java.util.Arrays.toString(stars));
    assertTrue(low > 0.15 && low < 0.35, "a fair share of 1-2 stars: " + low);
    // a low rating followed by a page view of the same user
    List<PageView> views = values(PageView.class);
    int followedUp = 0;
    int lowRatings = 0;
    for (StarRating r : ratings) {
      if (r.getStars() <= 2) {
        lowRatings++;
        boolean more = views.stream().anyMatch(v -> v.getUserId().equals(r.getUserId())
            && v.getViewedAt().isAfter(r.getRatedAt())
            && v.getViewedAt().isBefore(r.getRatedAt().plusSeconds(30)));
        followedUp += more ? 1 : 0;
      }
    }
    assertTrue(followedUp > lowRatings / 2, followedUp + " of " + lowRatings + " low ratings followed up within 30 s");
  }

  @Test
  void catalogueLooksLikeAShop() {
    List<User> users = SCENARIO.users(CONFIG);
    Map<String, Integer> segments = new HashMap<>();
    users.forEach(u -> segments.merge(u.getSegment(), 1, Integer::sum));
    assertEquals(Set.of("new", "regular", "premium"), segments.keySet());
    users.forEach(u -> assertTrue(u.getSignedUpAt().isBefore(CONFIG.baseTime()) && u.getEmail().contains("@")));
    List<String> vips = SCENARIO.vipUserIds(CONFIG);
    assertTrue(!vips.isEmpty() && vips.size() < segments.get("premium"), vips.size() + " VIPs");
    Map<String, User> byId = new HashMap<>();
    users.forEach(u -> byId.put(u.getUserId(), u));
    vips.forEach(id -> assertEquals("premium", byId.get(id).getSegment()));
    SCENARIO.products(CONFIG).forEach(p -> assertTrue(p.getPriceMinor() >= 99 && p.getPriceMinor() % 100 == 99, p.toString()));
  }
}
