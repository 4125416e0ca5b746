package io.streamlake.generators.shop;

import io.streamlake.events.shop.HttpMethod;
import io.streamlake.events.shop.Order;
import io.streamlake.events.shop.OrderItem;
import io.streamlake.events.shop.PageView;
import io.streamlake.events.shop.Product;
import io.streamlake.events.shop.StarRating;
import io.streamlake.events.shop.User;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.core.Rng;
import io.streamlake.generators.core.Scenario;
import io.streamlake.generators.core.TimeOrderedEmissions;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A web shop: its users and products (reference data), the HTTP requests its users make, the star
 * ratings they give and the orders they place.
 *
 * <p><b>Reference data.</b> A fixed catalogue of {@code users} users and {@code products}
 * products, each a pure function of (seed, index), is emitted first, all at {@code
 * config.baseTime()}: every user on {@link Topics#SHOP_USERS}, then every product on {@link
 * Topics#SHOP_PRODUCTS}. A user's {@code signed_up_at} lies before the base time (up to three
 * years; "new" users within the last 30 days); a product's {@code updated_at} is the base time.
 * {@link ReferenceDataFiles} writes the same catalogue as the lake's JSON-lines files.
 *
 * <p><b>Page views.</b> Primary event {@code n} is one {@link PageView} at {@code
 * config.eventTime(n)}, so {@code config.rate()} is page views per second of event time and {@code
 * config.events()} the number of page views. Requests belong to browsing sessions: the event
 * numbers are dealt round-robin to {@link #lanes lanes} (about {@link #THINK_TIME} of event time
 * between two requests of a session), and within a lane each request starts a new session with
 * probability 1/{@value #MEAN_SESSION_LENGTH} (and at the latest after {@value #MAX_SESSION_LENGTH}
 * requests). A session has one user, one session id and a product it is mostly about; whether
 * request {@code n} starts a session is a pure function of (seed, n), so finding its session takes
 * a short walk back through its lane and event {@code n} stays a pure function of (seed, n).
 *
 * <p>Requests are mostly {@code GET} (home, category, search, product pages, cart); {@code POST}
 * to add to the cart, to check out or to post a rating; a few {@code PUT}/{@code DELETE} on cart
 * items. Status is mostly 200 (201 for created, 204 for deleted), a few 404 (about 3% of product
 * pages point at products that do not exist), 400 on some writes and about 1% 5xx (3% on
 * checkout); a 504 takes the gateway's 30 s. Latency is log-normal around a per-page median, with
 * about 1.5% outliers 8-48 times slower, so p99 is many times the median.
 *
 * <p><b>Orders and ratings.</b> A successful {@code POST /checkout} places an {@link Order} (the
 * session's product and up to three others, total = sum of quantity x unit price, EUR); a
 * successful {@code POST /products/{id}/ratings} gives a {@link StarRating} of that product
 * (J-shaped: about 45% five stars and 23% one or two). Either is stamped with the time the request
 * completed, {@code viewed_at + latency_ms}. Sessions usually go on after a rating, so a low
 * rating is often followed by more page views of the same user and session.
 */
public final class ShopScenario implements Scenario {
  /** Event time between two requests of one session, when the rate allows it. */
  public static final Duration THINK_TIME = Duration.ofSeconds(10);
  /** Mean number of requests in a session. */
  public static final int MEAN_SESSION_LENGTH = 8;
  /** Longest session, in requests. */
  public static final int MAX_SESSION_LENGTH = 40;
  /** Currency of every price. */
  public static final String CURRENCY = "EUR";

  /** What a request does. */
  public enum Page {
    HOME(HttpMethod.GET, 40), CATEGORY(HttpMethod.GET, 80), SEARCH(HttpMethod.GET, 120),
    PRODUCT(HttpMethod.GET, 60), CART(HttpMethod.GET, 50), ADD_TO_CART(HttpMethod.POST, 90),
    UPDATE_CART_ITEM(HttpMethod.PUT, 70), REMOVE_CART_ITEM(HttpMethod.DELETE, 70),
    CHECKOUT(HttpMethod.POST, 300), RATE(HttpMethod.POST, 110);

    final HttpMethod method;
    final int medianLatencyMs;

    Page(HttpMethod method, int medianLatencyMs) {
      this.method = method;
      this.medianLatencyMs = medianLatencyMs;
    }
  }

  // cumulative weights of the pages after the first of a session, in Page order
  private static final double[] PAGE_WEIGHTS = {0.06, 0.10, 0.07, 0.50, 0.05, 0.08, 0.02, 0.015, 0.035, 0.07};
  private static final double[] STAR_WEIGHTS = {0.14, 0.09, 0.10, 0.22, 0.45}; // 1..5 stars

  private static final String[] FIRST_NAMES = {
    "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Karin", "Lukas",
    "Maria", "Noah", "Olga", "Paul", "Quentin", "Rosa", "Sven", "Tara", "Ugo", "Vera", "Wim", "Yara", "Zoe"
  };
  private static final String[] LAST_NAMES = {
    "Schmidt", "Martin", "Rossi", "Garcia", "Jansen", "Nowak", "Dubois", "Muller", "Bianchi", "Lopez",
    "de Vries", "Kowalski", "Bernard", "Fischer", "Ricci", "Fernandez", "Peeters", "Novak", "Larsen", "Weber"
  };
  private static final String[][] LOCATIONS = {
    // country (ISO 3166 alpha-2), city; repeated entries weigh more
    {"DE", "Berlin"}, {"DE", "Berlin"}, {"DE", "Munich"}, {"DE", "Hamburg"}, {"FR", "Paris"}, {"FR", "Paris"},
    {"FR", "Lyon"}, {"NL", "Amsterdam"}, {"NL", "Rotterdam"}, {"ES", "Madrid"}, {"ES", "Barcelona"},
    {"IT", "Milan"}, {"IT", "Rome"}, {"AT", "Vienna"}, {"BE", "Brussels"}, {"PL", "Warsaw"},
    {"SE", "Stockholm"}, {"GB", "London"}, {"GB", "Manchester"}, {"DK", "Copenhagen"}
  };
  private static final String[][] CATEGORIES = {
    // category, median price (cents), nouns
    {"electronics", "4999", "Headphones", "Speaker", "Charger", "Keyboard", "Mouse", "Webcam", "Smartwatch"},
    {"books", "1499", "Cookbook", "Novel", "Travel Guide", "Atlas", "Notebook"},
    {"home", "2499", "Lamp", "Kettle", "Cushion", "Vase", "Blanket", "Mug Set"},
    {"fashion", "3999", "T-Shirt", "Sneakers", "Jacket", "Scarf", "Backpack"},
    {"sports", "2999", "Yoga Mat", "Water Bottle", "Running Shoes", "Dumbbell Set"},
    {"toys", "1999", "Puzzle", "Building Blocks", "Board Game", "Plush Bear"},
    {"beauty", "1299", "Face Cream", "Shampoo", "Perfume", "Lip Balm"},
    {"garden", "1799", "Watering Can", "Plant Pot", "Garden Gloves", "Hose"},
  };
  private static final String[] ADJECTIVES = {
    "Classic", "Compact", "Deluxe", "Eco", "Premium", "Smart", "Vintage", "Essential", "Pro", "Mini", "Urban", "Nordic"
  };

  private final int users;
  private final int products;

  /** 200 users and 50 products. */
  public ShopScenario() {
    this(200, 50);
  }

  /**
   * @param users size of the user catalogue (at least 1)
   * @param products size of the product catalogue (at least 1)
   */
  public ShopScenario(int users, int products) {
    if (users < 1 || products < 1) {
      throw new IllegalArgumentException("need at least one user and one product, got " + users + " and " + products);
    }
    this.users = users;
    this.products = products;
  }

  @Override
  public String name() {
    return "shop";
  }

  @Override
  public String description() {
    return "web shop: users and products, then page views with sessions, star ratings and orders";
  }

  @Override
  public List<Topic<?>> topics() {
    return List.of(Topics.SHOP_USERS, Topics.SHOP_PRODUCTS, Topics.PAGE_VIEWS, Topics.STAR_RATINGS, Topics.ORDERS);
  }

  @Override
  public Iterator<Emission> emissions(GeneratorConfig config) {
    List<Emission> reference = new ArrayList<>(users + products);
    for (User u : users(config)) {
      reference.add(Emission.of(Topics.SHOP_USERS, u, config.baseTime()));
    }
    for (Product p : products(config)) {
      reference.add(Emission.of(Topics.SHOP_PRODUCTS, p, config.baseTime()));
    }
    return new ThenIterator(reference.iterator(), new TimeOrderedEmissions(config, n -> event(config, n)));
  }

  // ---------------------------------------------------------------- reference data

  /** Every user, in id order. */
  public List<User> users(GeneratorConfig config) {
    List<User> out = new ArrayList<>(users);
    for (int i = 0; i < users; i++) {
      out.add(user(config, i));
    }
    return out;
  }

  /** User {@code i} (0-based) under a seed. */
  public User user(GeneratorConfig config, int i) {
    SplittableRandom rnd = Rng.of(config.seed(), "shop-user", i);
    String first = FIRST_NAMES[rnd.nextInt(FIRST_NAMES.length)];
    String last = LAST_NAMES[rnd.nextInt(LAST_NAMES.length)];
    String[] location = LOCATIONS[rnd.nextInt(LOCATIONS.length)];
    double s = rnd.nextDouble();
    String segment = s < 0.2 ? "new" : s < 0.85 ? "regular" : "premium";
    long maxAgeSeconds = segment.equals("new") ? Duration.ofDays(30).toSeconds() : Duration.ofDays(3 * 365).toSeconds();
    long minAgeSeconds = segment.equals("new") ? 60 : Duration.ofDays(30).toSeconds();
    Instant signedUp = config.baseTime().minusSeconds(minAgeSeconds + rnd.nextLong(maxAgeSeconds - minAgeSeconds));
    String email = (first + "." + last).toLowerCase(Locale.ROOT).replace(' ', '-') + i + "@example.com";
    return new User(Rng.eventId(config.seed(), "shop-user", i), userId(i), first + " " + last, email,
        location[0], location[1], segment, signedUp);
  }

  /**
   * The VIP list of the lake: about half of the premium users, chosen by the seed, in id order.
   * Being VIP is not visible on the user record itself; only this list says so.
   */
  public List<String> vipUserIds(GeneratorConfig config) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      if (user(config, i).getSegment().equals("premium") && Rng.of(config.seed(), "shop-vip", i).nextBoolean()) {
        out.add(userId(i));
      }
    }
    return out;
  }

  /** Every product, in id order. */
  public List<Product> products(GeneratorConfig config) {
    List<Product> out = new ArrayList<>(products);
    for (int i = 0; i < products; i++) {
      out.add(product(config, i));
    }
    return out;
  }

  /** Product {@code i} (0-based) under a seed. */
  public Product product(GeneratorConfig config, int i) {
    SplittableRandom rnd = Rng.of(config.seed(), "shop-product", i);
    String[] category = CATEGORIES[rnd.nextInt(CATEGORIES.length)];
    String noun = category[2 + rnd.nextInt(category.length - 2)];
    String name = ADJECTIVES[rnd.nextInt(ADJECTIVES.length)] + " " + noun;
    long median = Long.parseLong(category[1]);
    long price = Math.max(99, Math.round(median * Math.exp(0.5 * gaussian(rnd)) / 100.0) * 100 - 1);
    return new Product(Rng.eventId(config.seed(), "shop-product", i), productId(i), name, category[0], price,
        CURRENCY, config.baseTime());
  }

  public static String userId(int i) {
    return "u-" + zeroPad(i, 5);
  }

  public static String productId(int i) {
    return "p-" + zeroPad(i, 4);
  }

  public static String orderId(long n) {
    return "o-" + zeroPad(n, 9);
  }

  // ---------------------------------------------------------------- sessions and page views

  /**
   * Number of lanes (concurrent sessions) under a config: {@link #THINK_TIME} worth of requests,
   * at least 1 and at most the number of users.
   */
  public int lanes(GeneratorConfig config) {
    long lanes = Math.round(config.rate() * THINK_TIME.toMillis() / 1000.0);
    return (int) Math.max(1, Math.min(users, lanes));
  }

  /** The session request {@code n} belongs to. */
  public record Session(long firstEvent, String sessionId, int user, int product) {}

  private boolean startsSession(GeneratorConfig config, long n, int lanes) {
    long positionInLane = n / lanes;
    return positionInLane % MAX_SESSION_LENGTH == 0
        || Rng.of(config.seed(), "shop-session-start", n).nextInt(MEAN_SESSION_LENGTH) == 0;
  }

  /** The session of request {@code n}: found by walking back through its lane to the session's start. */
  public Session session(GeneratorConfig config, long n) {
    int lanes = lanes(config);
    long first = n;
    while (!startsSession(config, first, lanes)) {
      first -= lanes;
    }
    SplittableRandom rnd = Rng.of(config.seed(), "shop-session", first);
    return new Session(first, Rng.eventId(config.seed(), "shop-session", first), skewed(rnd, users, 1.5),
        skewed(rnd, products, 2.0));
  }

  /** Page view {@code n} under a seed. */
  public PageView pageView(GeneratorConfig config, long n) {
    return request(config, n).view();
  }

  private record Request(PageView view, Page page, int product, Session session) {}

  private Request request(GeneratorConfig config, long n) {
    Session session = session(config, n);
    SplittableRandom rnd = Rng.of(config.seed(), "shop-request", n);
    Page page = n == session.firstEvent() ? landingPage(rnd) : Page.values()[pick(rnd, PAGE_WEIGHTS)];
    int product = rnd.nextDouble() < 0.5 ? session.product() : skewed(rnd, products, 2.0);
    String category = product(config, product).getCategory();
    boolean missingProduct = page == Page.PRODUCT && rnd.nextDouble() < 0.03;
    String url = switch (page) {
      case HOME -> "/";
      case CATEGORY -> "/category/" + category;
      case SEARCH -> "/search?q=" + category;
      case PRODUCT -> "/products/" + (missingProduct ? productId(products + rnd.nextInt(1000)) : productId(product));
      case CART -> "/cart";
      case ADD_TO_CART -> "/cart/items";
      case UPDATE_CART_ITEM, REMOVE_CART_ITEM -> "/cart/items/" + productId(product);
      case CHECKOUT -> "/checkout";
      case RATE -> "/products/" + productId(product) + "/ratings";
    };
    int status = status(rnd, page, missingProduct);
    int latency = latency(rnd, page, status);
    PageView view = new PageView(Rng.eventId(config.seed(), "shop-request", n), userId(session.user()),
        session.sessionId(), url, page.method, status, latency, config.eventTime(n));
    return new Request(view, page, product, session);
  }

  private static Page landingPage(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    return u < 0.40 ? Page.HOME : u < 0.75 ? Page.PRODUCT : u < 0.90 ? Page.SEARCH : Page.CATEGORY;
  }

  private static int status(SplittableRandom rnd, Page page, boolean missingProduct) {
    if (missingProduct) {
      return 404;
    }
    double u = rnd.nextDouble();
    double serverErrors = page == Page.CHECKOUT ? 0.03 : 0.01;
    if (u < serverErrors) {
      double which = rnd.nextDouble();
      return which < 0.45 ? 500 : which < 0.65 ? 502 : which < 0.85 ? 503 : 504;
    }
    if (page.method == HttpMethod.GET) {
      return u < serverErrors + 0.005 ? 404 : 200;
    }
    if (u < serverErrors + 0.01) {
      return 400;
    }
    return switch (page) {
      case ADD_TO_CART, RATE -> 201;
      case REMOVE_CART_ITEM -> 204;
      default -> 200;
    };
  }

  private static int latency(SplittableRandom rnd, Page page, int status) {
    if (status == 504) {
      return 30_000 + rnd.nextInt(100);
    }
    if (status >= 500) {
      return 2 + rnd.nextInt(30); // fails fast
    }
    double ms = page.medianLatencyMs * Math.exp(0.55 * gaussian(rnd));
    if (rnd.nextDouble() < 0.015) {
      ms *= 8 + 40 * rnd.nextDouble(); // GC pause, cold cache, slow downstream
    }
    return (int) Math.max(1, Math.round(ms));
  }

  // ---------------------------------------------------------------- primary events

  /** Every emission of primary event {@code n}: the page view, and an order or a rating if it made one. */
  public List<Emission> event(GeneratorConfig config, long n) {
    Request request = request(config, n);
    PageView view = request.view();
    List<Emission> out = new ArrayList<>(2);
    out.add(Emission.of(Topics.PAGE_VIEWS, view, view.getViewedAt()));
    boolean ok = view.getStatusCode() >= 200 && view.getStatusCode() < 300;
    Instant done = view.getViewedAt().plusMillis(view.getLatencyMs());
    if (ok && request.page() == Page.CHECKOUT) {
      Order order = order(config, n, view.getUserId(), request.session().product(), done);
      out.add(Emission.of(Topics.ORDERS, order, done));
    } else if (ok && request.page() == Page.RATE) {
      SplittableRandom rnd = Rng.of(config.seed(), "shop-rating", n);
      StarRating rating = new StarRating(Rng.eventId(config.seed(), "shop-rating", n), view.getUserId(),
          productId(request.product()), 1 + pick(rnd, STAR_WEIGHTS), done);
      out.add(Emission.of(Topics.STAR_RATINGS, rating, done));
    }
    return out;
  }

  private Order order(GeneratorConfig config, long n, String userId, int sessionProduct, Instant at) {
    SplittableRandom rnd = Rng.of(config.seed(), "shop-order", n);
    Set<Integer> chosen = new LinkedHashSet<>();
    chosen.add(sessionProduct);
    int extra = rnd.nextDouble() < 0.55 ? 0 : 1 + rnd.nextInt(3);
    for (int i = 0; i < extra; i++) {
      chosen.add(skewed(rnd, products, 2.0));
    }
    List<OrderItem> items = new ArrayList<>(chosen.size());
    long total = 0;
    for (int p : chosen) {
      double q = rnd.nextDouble();
      int quantity = q < 0.75 ? 1 : q < 0.93 ? 2 : 3 + rnd.nextInt(3);
      long price = product(config, p).getPriceMinor();
      items.add(new OrderItem(productId(p), quantity, price));
      total += quantity * price;
    }
    return new Order(Rng.eventId(config.seed(), "shop-order", n), orderId(n), userId, items, total, CURRENCY, at);
  }

  // ---------------------------------------------------------------- helpers

  /** An index in {@code [0, size)}, low indexes more likely (the popular users and products). */
  private static int skewed(SplittableRandom rnd, int size, double skew) {
    return Math.min(size - 1, (int) (size * Math.pow(rnd.nextDouble(), skew)));
  }

  /** An index drawn with the given weights (summing to 1; any remainder goes to the last). */
  private static int pick(SplittableRandom rnd, double[] weights) {
    double u = rnd.nextDouble();
    for (int i = 0; i < weights.length - 1; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** A standard normal variate (Box-Muller), from the seeded generator only. */
  private static double gaussian(SplittableRandom rnd) {
    double u1 = 1.0 - rnd.nextDouble(); // (0, 1]
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static String zeroPad(long value, int width) {
    String digits = Long.toString(value);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  /** One iterator, then another. */
  private static final class ThenIterator implements Iterator<Emission> {
    private final Iterator<Emission> first;
    private final Iterator<Emission> second;

    ThenIterator(Iterator<Emission> first, Iterator<Emission> second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public boolean hasNext() {
      return first.hasNext() || second.hasNext();
    }

    @Override
    public Emission next() {
      if (first.hasNext()) {
        return first.next();
      }
      if (second.hasNext()) {
        return second.next();
      }
      throw new NoSuchElementException();
    }
  }
}
