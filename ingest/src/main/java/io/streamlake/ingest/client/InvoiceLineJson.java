package io.streamlake.ingest.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlake.events.retail.InvoiceLine;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An invoice line in the ingest API's request shape: the Online Retail field names, {@code UnitPrice}
 * in pounds, {@code InvoiceDate} as an ISO-8601 instant, and {@code LineNo} always given, so an invoice
 * may be split over several requests and a resent line keeps its event id.
 */
public final class InvoiceLineJson {
  private InvoiceLineJson() {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public static String object(InvoiceLine l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("InvoiceNo", l.getInvoiceNo());
    m.put("LineNo", l.getLineNo());
    m.put("StockCode", l.getStockCode());
    m.put("Description", l.getDescription());
    m.put("Quantity", l.getQuantity());
    m.put("InvoiceDate", l.getInvoiceDate().toString());
    m.put("UnitPrice", BigDecimal.valueOf(l.getUnitPriceMinor(), 2));
    m.put("CustomerID", l.getCustomerId());
    m.put("Country", l.getCountry());
    try {
      return MAPPER.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write line " + l.getInvoiceNo() + "#" + l.getLineNo() + " as JSON", e);
    }
  }

  /** A JSON array of the lines, for one request. */
  public static String array(List<InvoiceLine> lines) {
    return lines.stream().map(InvoiceLineJson::object).collect(Collectors.joining(",", "[", "]"));
  }
}
