package io.streamlake.generators.retail;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.core.Rng;
import io.streamlake.generators.core.Scenario;
import io.streamlake.generators.core.TimeOrderedEmissions;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Invoice lines of an online gift retailer, in the shape of the public UCI "Online Retail"
 * dataset (a UK wholesaler, 2010-2011), on {@link Topics#RETAIL_INVOICE_LINES}.
 *
 * <p>Primary event {@code n} is one invoice at {@code config.eventTime(n)}, so {@code
 * config.rate()} is invoices per second of event time and {@code config.events()} the number of
 * invoices; all its lines carry that time as {@code invoice_date} and are emitted together, in line
 * order. The dataset has about one invoice every 20 minutes; a rate of 1/60 gives whole-minute
 * dates, which is what {@link OnlineRetailCsv} can write without loss.
 *
 * <ul>
 *   <li>Invoice number {@code 536365 + n} (six digits, like the dataset's first invoice).
 *   <li>A catalogue of {@code products} products, a pure function of the seed: stock codes of five
 *       digits with an optional letter ({@code 85123A}), upper-case descriptions ({@code "RED
 *       RETROSPOT JUMBO BAG"}, some with a comma or an apostrophe), unit prices in pence; popular
 *       products are picked more often. Large quantities (24+) get a lower unit price.
 *   <li>Mostly 5-40 lines per invoice, a fifth with 1-3 lines; quantities mostly small (1, 2, 6,
 *       12 ...), sometimes wholesale (48, 96, 144 ...).
 *   <li>{@code customers} customers with ids from 12346 and a fixed country each, about 89% United
 *       Kingdom; about 15% of invoices have no customer id (null), mostly UK. Invoices of foreign
 *       customers often start with a {@code POST} / {@code POSTAGE} line.
 *   <li>About 0.5% of invoices are a stock adjustment: one line with no description (null), price
 *       0 and no customer.
 *   <li>A {@code cancellationFraction} of invoices (never the first) are cancellations: invoice
 *       number {@code "C" + (536365 + n)}, 1-3 lines copied from an earlier invoice (its stock
 *       code, description, unit price, customer and country) with a negative quantity of at most
 *       the original's; the original is one of the 200 invoices before, preferably one with a
 *       customer id. Only cancellations have negative quantities.
 * </ul>
 *
 * A line's {@code event_id} is {@link #eventId}{@code (invoice_no, line_no)}, a name-based UUID of
 * the line's natural key, so reading the same line back from CSV gives the same id. Invoice numbers
 * do not depend on the seed, so neither do event ids: runs with different seeds reuse them.
 */
public final class RetailScenario implements Scenario {
  /** Number of the first invoice (the dataset's first invoice number). */
  public static final long FIRST_INVOICE = 536365;
  /** Smallest customer id (the dataset's smallest). */
  public static final int FIRST_CUSTOMER = 12346;
  /** How far back a cancellation looks for the invoice it cancels. */
  public static final int CANCEL_LOOKBACK = 200;

  private static final String UK = "United Kingdom";
  private static final String[] COUNTRIES = {
    UK, "Germany", "France", "EIRE", "Spain", "Netherlands", "Belgium", "Switzerland", "Portugal",
    "Australia", "Norway", "Italy", "Channel Islands", "Finland", "Cyprus", "Sweden", "Denmark", "Japan"
  };
  private static final double[] COUNTRY_WEIGHTS = {
    0.897, 0.022, 0.02, 0.018, 0.006, 0.006, 0.005, 0.005, 0.004, 0.003, 0.003, 0.002, 0.002, 0.002,
    0.001, 0.0015, 0.0015, 0.001
  };
  private static final int[] QUANTITIES = {1, 2, 3, 4, 6, 8, 10, 12, 24, 25, 36, 48, 72, 96, 100, 144, 288};
  private static final double[] QUANTITY_WEIGHTS = {
    0.185, 0.14, 0.06, 0.07, 0.13, 0.04, 0.06, 0.17, 0.08, 0.01, 0.01, 0.02, 0.005, 0.008, 0.005, 0.005, 0.002
  };
  private static final String[] COLOURS = {
    "WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "BLACK", "CREAM", "PURPLE", "SILVER", "GOLD", "NATURAL"
  };
  private static final String[] THEMES = {
    "HANGING HEART", "RETROSPOT", "VINTAGE UNION JACK", "REGENCY", "SPACEBOY", "DOLLY GIRL", "PAISLEY PARK",
    "SKULL", "WOODLAND", "50'S CHRISTMAS", "POPPY'S PLAYHOUSE", "LOVE BIRD", "STRAWBERRY", "BAROQUE",
    "VINTAGE PAISLEY", "POLKADOT", "ENGLISH ROSE", "ALPHABET", "JUNGLE", "SWIRLY"
  };
  private static final String[] ITEMS = {
    "T-LIGHT HOLDER", "LANTERN", "COAT HANGER", "HOT WATER BOTTLE", "JUMBO BAG", "LUNCH BAG", "CAKE TIN",
    "TEA TOWEL", "MUG", "CHILDRENS APRON", "DOORMAT", "NIGHT LIGHT", "BUNTING", "PAPER NAPKINS",
    "WATER BOTTLE", "ALARM CLOCK", "CAKESTAND", "PHOTO FRAME", "CUSHION COVER", "SHOPPER BAG", "CAKE CASES",
    "GIFT WRAP", "PLASTERS IN TIN", "CANDLE", "TEACUP AND SAUCER", "CHARLOTTE BAG", "PENCIL CASE", "BIRD ORNAMENT"
  };

  private final int products;
  private final int customers;
  private final double cancellationFraction;

  /** 500 products, 4000 customers, 10% cancellations. */
  public RetailScenario() {
    this(500, 4000, 0.10);
  }

  /**
   * @param products size of the product catalogue (1 to 90000)
   * @param customers number of customers (at least 1)
   * @param cancellationFraction share of invoices that are cancellations, in [0, 1)
   */
  public RetailScenario(int products, int customers, double cancellationFraction) {
    if (products < 1 || products > 90_000 || customers < 1) {
      throw new IllegalArgumentException("need 1-90000 products and at least one customer, got "
          + products + " and " + customers);
    }
    if (!(cancellationFraction >= 0 && cancellationFraction < 1)) {
      throw new IllegalArgumentException("cancellation fraction must be within [0, 1), got " + cancellationFraction);
    }
    this.products = products;
    this.customers = customers;
    this.cancellationFraction = cancellationFraction;
  }

  @Override
  public String name() {
    return "retail";
  }

  @Override
  public String description() {
    return "invoice lines in the shape of the UCI Online Retail dataset, with cancellations";
  }

  @Override
  public List<Topic<?>> topics() {
    return List.of(Topics.RETAIL_INVOICE_LINES);
  }

  @Override
  public Iterator<Emission> emissions(GeneratorConfig config) {
    return new TimeOrderedEmissions(config, n -> event(config, n));
  }

  /** The lines of invoice {@code n} as emissions, at the invoice's time. */
  public List<Emission> event(GeneratorConfig config, long n) {
    List<InvoiceLine> lines = invoice(config, n);
    List<Emission> out = new ArrayList<>(lines.size());
    for (InvoiceLine line : lines) {
      out.add(Emission.of(Topics.RETAIL_INVOICE_LINES, line, line.getInvoiceDate()));
    }
    return out;
  }

  /** The event id of a line: a name-based UUID of its invoice number and line number. */
  public static String eventId(String invoiceNo, int lineNo) {
    return UUID.nameUUIDFromBytes(("retail-invoice-line/" + invoiceNo + "/" + lineNo).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** Invoice number of primary event {@code n}, with the {@code C} of a cancellation. */
  public String invoiceNo(GeneratorConfig config, long n) {
    return (isCancellation(config, n) ? "C" : "") + (FIRST_INVOICE + n);
  }

  /** Whether invoice {@code n} is a cancellation (invoice 0 never is). */
  public boolean isCancellation(GeneratorConfig config, long n) {
    return n > 0 && Rng.of(config.seed(), "retail-cancel", n).nextDouble() < cancellationFraction;
  }

  /** The lines of invoice {@code n}, line numbers from 1. */
  public List<InvoiceLine> invoice(GeneratorConfig config, long n) {
    return isCancellation(config, n) ? cancellation(config, n) : sale(config, n);
  }

  // ---------------------------------------------------------------- catalogue

  /** A product of the catalogue. */
  public record Item(String stockCode, String description, long unitPriceMinor) {}

  /** Product {@code k} of the catalogue (0-based) under a seed. */
  public Item product(GeneratorConfig config, int k) {
    SplittableRandom rnd = Rng.of(config.seed(), "retail-product", k);
    // an injective map of k onto five digits (7919 is prime to 90000), shifted by the seed
    long offset = Math.floorMod(config.seed(), 90_000L);
    long digits = 10_000 + Math.floorMod(k * 7919L + offset, 90_000L);
    String suffix = rnd.nextDouble() < 0.25 ? String.valueOf((char) ('A' + rnd.nextInt(7))) : "";
    String colour = COLOURS[rnd.nextInt(COLOURS.length)];
    String theme = THEMES[rnd.nextInt(THEMES.length)];
    String item = ITEMS[rnd.nextInt(ITEMS.length)];
    double form = rnd.nextDouble();
    String description;
    if (form < 0.45) {
      description = colour + " " + theme + " " + item;
    } else if (form < 0.65) {
      description = item + " " + theme;
    } else if (form < 0.80) {
      int[] sizes = {2, 3, 4, 6, 12};
      description = "SET OF " + sizes[rnd.nextInt(sizes.length)] + " " + theme + " " + plural(item);
    } else if (form < 0.92) {
      description = theme + " " + item;
    } else {
      description = item + ", " + colour + " " + theme; // a comma: quoted in CSV
    }
    double pence = 210 * Math.exp(0.7 * gaussian(rnd));
    long price = rnd.nextDouble() < 0.7
        ? Math.max(5, Math.round(pence / 5) * 5) // 2.55, 4.95, 0.85 ...
        : Math.max(9, Math.round((pence - 9) / 10) * 10 + 9); // 1.69, 3.39 ...
    return new Item(digits + suffix, description, price);
  }

  private static String plural(String item) {
    return item.endsWith("S") ? item : item + "S";
  }

  /** Country of customer {@code c} (0-based) under a seed. */
  public String customerCountry(GeneratorConfig config, int c) {
    return COUNTRIES[pick(Rng.of(config.seed(), "retail-customer", c), COUNTRY_WEIGHTS)];
  }

  // ---------------------------------------------------------------- invoices

  /** Who an invoice is for: a customer index (or -1 for none) and a country. */
  private record Buyer(int customer, String country, boolean adjustment) {
    String customerId() {
      return customer < 0 ? null : Integer.toString(FIRST_CUSTOMER + customer);
    }
  }

  private Buyer buyer(GeneratorConfig config, long n) {
    SplittableRandom rnd = Rng.of(config.seed(), "retail-buyer", n);
    if (rnd.nextDouble() < 0.005) {
      return new Buyer(-1, UK, true);
    }
    if (rnd.nextDouble() < 0.15) {
      return new Buyer(-1, rnd.nextDouble() < 0.9 ? UK : COUNTRIES[pick(rnd, COUNTRY_WEIGHTS)], false);
    }
    int customer = Math.min(customers - 1, (int) (customers * Math.pow(rnd.nextDouble(), 1.8)));
    return new Buyer(customer, customerCountry(config, customer), false);
  }

  private List<InvoiceLine> sale(GeneratorConfig config, long n) {
    String invoiceNo = invoiceNo(config, n);
    Instant at = config.eventTime(n);
    Buyer buyer = buyer(config, n);
    SplittableRandom rnd = Rng.of(config.seed(), "retail-invoice", n);
    List<InvoiceLine> lines = new ArrayList<>();
    if (buyer.adjustment()) {
      Item item = product(config, popular(rnd));
      lines.add(line(invoiceNo, 1, item.stockCode(), null, 1 + rnd.nextInt(20), at, 0, null, buyer.country()));
      return lines;
    }
    if (!buyer.country().equals(UK) && buyer.customer() >= 0 && rnd.nextDouble() < 0.5) {
      lines.add(line(invoiceNo, 1, "POST", "POSTAGE", 1 + rnd.nextInt(3), at, 1800, buyer.customerId(), buyer.country()));
    }
    int count = rnd.nextDouble() < 0.2
        ? 1 + rnd.nextInt(3)
        : (int) Math.max(1, Math.min(80, Math.round(14 * Math.exp(0.6 * gaussian(rnd)))));
    Set<Integer> chosen = new LinkedHashSet<>();
    for (int attempt = 0; chosen.size() < count && attempt < 3 * count; attempt++) {
      chosen.add(popular(rnd));
    }
    for (int k : chosen) {
      Item item = product(config, k);
      int quantity = QUANTITIES[pick(rnd, QUANTITY_WEIGHTS)];
      // the wholesale tier: about 15% off, to 5p
      long price = quantity >= 24 ? Math.max(5, Math.round(item.unitPriceMinor() * 0.85 / 5) * 5) : item.unitPriceMinor();
      lines.add(line(invoiceNo, lines.size() + 1, item.stockCode(), item.description(), quantity, at, price,
          buyer.customerId(), buyer.country()));
    }
    return lines;
  }

  private List<InvoiceLine> cancellation(GeneratorConfig config, long n) {
    String invoiceNo = invoiceNo(config, n);
    Instant at = config.eventTime(n);
    SplittableRandom rnd = Rng.of(config.seed(), "retail-cancellation", n);
    long original = originalOf(config, n, rnd);
    List<InvoiceLine> sold = sale(config, original);
    int count = rnd.nextDouble() < 0.7 ? 1 : Math.min(sold.size(), 2 + rnd.nextInt(2));
    // a random subset of the original's lines, kept in their order
    Set<Integer> picked = new TreeSet<>();
    while (picked.size() < count) {
      picked.add(rnd.nextInt(sold.size()));
    }
    List<InvoiceLine> lines = new ArrayList<>(count);
    for (int i : picked) {
      InvoiceLine s = sold.get(i);
      int quantity = rnd.nextDouble() < 0.8 ? s.getQuantity() : 1 + rnd.nextInt(s.getQuantity());
      lines.add(line(invoiceNo, lines.size() + 1, s.getStockCode(), s.getDescription(), -quantity, at,
          s.getUnitPriceMinor(), s.getCustomerId(), s.getCountry()));
    }
    return lines;
  }

  /** The earlier sale a cancellation refers to: one with a customer if one is near. */
  private long originalOf(GeneratorConfig config, long n, SplittableRandom rnd) {
    long start = n - 1 - rnd.nextInt((int) Math.min(n, CANCEL_LOOKBACK));
    long fallback = -1;
    for (long m = start; m >= 0 && m > start - 50; m--) {
      if (!isCancellation(config, m)) {
        Buyer buyer = buyer(config, m);
        if (buyer.customer() >= 0) {
          return m;
        }
        if (fallback < 0 && !buyer.adjustment()) {
          fallback = m;
        }
      }
    }
    if (fallback >= 0) {
      return fallback;
    }
    for (long m = start; ; m--) { // reaches invoice 0 at the latest, never a cancellation
      if (!isCancellation(config, m)) {
        return m;
      }
    }
  }

  private static InvoiceLine line(String invoiceNo, int lineNo, String stockCode, String description, int quantity,
      Instant at, long unitPrice, String customerId, String country) {
    return new InvoiceLine(eventId(invoiceNo, lineNo), invoiceNo, lineNo, stockCode, description, quantity, at,
        unitPrice, customerId, country);
  }

  private int popular(SplittableRandom rnd) {
    return Math.min(products - 1, (int) (products * Math.pow(rnd.nextDouble(), 2.0)));
  }

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

  private static double gaussian(SplittableRandom rnd) {
    double u1 = 1.0 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
