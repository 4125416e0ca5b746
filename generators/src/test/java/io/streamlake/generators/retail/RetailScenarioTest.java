package io.streamlake.generators.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.schemas.Topics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RetailScenarioTest {
  private static final RetailScenario SCENARIO = new RetailScenario();
  private static final GeneratorConfig CONFIG = GeneratorConfig.builder().seed(9).rate(5).events(1_500).build();
  /** The run under CONFIG, shared by the tests that only read it. */
  private static final List<Emission> EMISSIONS = emissions(CONFIG);
  private static final List<InvoiceLine> LINES =
      EMISSIONS.stream().map(e -> (InvoiceLine) e.value()).toList();

  private static List<Emission> emissions(GeneratorConfig config) {
    List<Emission> out = new ArrayList<>();
    SCENARIO.emissions(config).forEachRemaining(out::add);
    return out;
  }

  @Test
  void oneInvoicePerEventWithNumberedLinesInEventTimeOrder() {
    Map<String, List<InvoiceLine>> invoices = new LinkedHashMap<>();
    LINES.forEach(l -> invoices.computeIfAbsent(l.getInvoiceNo(), k -> new ArrayList<>()).add(l));
    assertEquals(CONFIG.events(), invoices.size());
    long n = 0;
    for (Map.Entry<String, List<InvoiceLine>> invoice : invoices.entrySet()) {
      assertEquals(Long.toString(RetailScenario.FIRST_INVOICE + n), invoice.getKey().replace("C", ""));
      List<InvoiceLine> lines = invoice.getValue();
      for (int i = 0; i < lines.size(); i++) {
        assertEquals(i + 1, lines.get(i).getLineNo());
        assertEquals(CONFIG.eventTime(n), lines.get(i).getInvoiceDate());
        assertEquals(RetailScenario.eventId(invoice.getKey(), i + 1), lines.get(i).getEventId());
      }
      n++;
    }
    for (int i = 0; i < EMISSIONS.size(); i++) {
      assertEquals(Topics.RETAIL_INVOICE_LINES, EMISSIONS.get(i).topic());
      assertEquals(LINES.get(i).getInvoiceDate(), EMISSIONS.get(i).eventTime());
      if (i > 0) {
        assertFalse(EMISSIONS.get(i).eventTime().isBefore(EMISSIONS.get(i - 1).eventTime()), "out of order at " + i);
      }
    }
    Set<String> ids = new HashSet<>();
    LINES.forEach(l -> assertTrue(ids.add(l.getEventId()), "unique event ids"));
  }

  @Test
  void sameSeedSameInvoicesOtherSeedOtherInvoices() {
    GeneratorConfig small = CONFIG.toBuilder().events(300).build();
    assertEquals(emissions(small), emissions(small));
    assertEquals(EMISSIONS.subList(0, 500), emissions(small).subList(0, 500), "a prefix does not depend on events");
    assertEquals(SCENARIO.invoice(CONFIG, 777), SCENARIO.invoice(CONFIG, 777));
    GeneratorConfig other = small.toBuilder().seed(10).build();
    assertNotEquals(emissions(small), emissions(other));
    assertNotEquals(SCENARIO.invoice(small, 5), SCENARIO.invoice(other, 5));
  }

  @Test
  void cancellationsHaveACAndNegativeQuantitiesOfAnEarlierSale() {
    Map<String, List<InvoiceLine>> soldByKey = new LinkedHashMap<>();
    Set<String> cancellations = new HashSet<>();
    for (InvoiceLine l : LINES) {
      boolean cancelled = l.getInvoiceNo().startsWith("C");
      assertEquals(cancelled, l.getQuantity() < 0, "C prefix <=> negative quantity: " + l);
      assertTrue(l.getQuantity() != 0);
      String key = l.getStockCode() + "|" + l.getCustomerId() + "|" + l.getCountry() + "|" + l.getUnitPriceMinor();
      if (!cancelled) {
        soldByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(l);
        continue;
      }
      cancellations.add(l.getInvoiceNo());
      List<InvoiceLine> sold = soldByKey.getOrDefault(key, List.of());
      assertTrue(sold.stream().anyMatch(s -> s.getQuantity() >= -l.getQuantity()
              && Objects.equals(s.getDescription(), l.getDescription())
              && l.getInvoiceDate().toEpochMilli() - s.getInvoiceDate().toEpochMilli()
                  <= RetailScenario.CANCEL_LOOKBACK * 1000 / CONFIG.rate() * 1.3),
          "a cancellation refers to an earlier, recent sale of that product to that customer: " + l);
    }
    double share = cancellations.size() / (double) CONFIG.events();
    assertEquals(0.10, share, 0.02, "cancelled invoices");
    long withCustomer = LINES.stream().filter(l -> l.getQuantity() < 0 && l.getCustomerId() != null).count();
    long cancelLines = LINES.stream().filter(l -> l.getQuantity() < 0).count();
    assertTrue(withCustomer > 0.95 * cancelLines, "cancellations are mostly of known customers");
  }

  @Test
  void looksLikeTheOnlineRetailDataset() {
    Pattern stockCode = Pattern.compile("\\d{5}[A-Z]?|POST");
    Pattern invoiceNo = Pattern.compile("C?\\d{6}");
    long uk = 0;
    long noCustomer = 0;
    long small = 0;
    long noDescription = 0;
    long withComma = 0;
    Set<String> countries = new HashSet<>();
    for (InvoiceLine l : LINES) {
      assertTrue(stockCode.matcher(l.getStockCode()).matches(), l.getStockCode());
      assertTrue(invoiceNo.matcher(l.getInvoiceNo()).matches(), l.getInvoiceNo());
      if (l.getDescription() == null) {
        noDescription++;
        assertEquals(0, l.getUnitPriceMinor(), "lines without description are price-0 adjustments");
        assertNull(l.getCustomerId());
      } else {
        assertEquals(l.getDescription().toUpperCase(java.util.Locale.ROOT), l.getDescription());
        assertTrue(l.getUnitPriceMinor() > 0, l.toString());
        withComma += l.getDescription().contains(",") ? 1 : 0;
      }
      uk += l.getCountry().equals("United Kingdom") ? 1 : 0;
      noCustomer += l.getCustomerId() == null ? 1 : 0;
      small += Math.abs(l.getQuantity()) <= 12 ? 1 : 0;
      countries.add(l.getCountry());
      if (l.getCustomerId() != null) {
        int id = Integer.parseInt(l.getCustomerId());
        assertTrue(id >= RetailScenario.FIRST_CUSTOMER && id < RetailScenario.FIRST_CUSTOMER + 4000);
      }
    }
    double lines = LINES.size();
    assertTrue(lines / CONFIG.events() > 5 && lines / CONFIG.events() < 30, "lines per invoice " + lines / CONFIG.events());
    assertTrue(uk / lines > 0.8 && countries.size() > 8, "UK-dominated: " + uk / lines + " of " + countries);
    assertTrue(noCustomer / lines > 0.05 && noCustomer / lines < 0.3, "some lines without customer: " + noCustomer / lines);
    assertTrue(small / lines > 0.75, "quantities mostly small: " + small / lines);
    assertTrue(noDescription > 0 && withComma > 0, noDescription + " without description, " + withComma + " with a comma");
    assertNotNull(SCENARIO.product(CONFIG, 0).description());
  }

  @Test
  void stockCodesAreUniqueInTheCatalogue() {
    Set<String> codes = new HashSet<>();
    for (int k = 0; k < 500; k++) {
      assertTrue(codes.add(SCENARIO.product(CONFIG, k).stockCode()));
    }
  }
}
