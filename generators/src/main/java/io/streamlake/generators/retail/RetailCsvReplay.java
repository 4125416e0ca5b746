package io.streamlake.generators.retail;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.core.Scenario;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Replays a CSV file in the Online Retail format (scenario {@code retail-csv}): every line that reads,
 * in invoice-date order (file order within a date), shifted so that the earliest date falls on the
 * base time. Lines that do not read are reported on standard error with their line number and
 * reason, and counted; they are never skipped silently. {@code --events} caps how many lines are sent.
 */
public final class RetailCsvReplay implements Scenario {
  private final Path file;
  private final List<InvoiceLine> lines;
  private final List<OnlineRetailCsv.LineError> errors;

  public RetailCsvReplay(Path file) {
    if (file == null) {
      throw new IllegalArgumentException("the retail-csv scenario needs a file (--csv-file)");
    }
    this.file = file;
    OnlineRetailCsv.Result result = OnlineRetailCsv.read(file);
    List<InvoiceLine> sorted = new ArrayList<>(result.lines());
    sorted.sort(Comparator.comparing(InvoiceLine::getInvoiceDate)); // stable: file order within a date
    this.lines = sorted;
    this.errors = result.errors();
    for (OnlineRetailCsv.LineError e : errors) {
      System.err.println(file + ": " + e);
    }
    if (!errors.isEmpty()) {
      System.err.println(file + ": " + errors.size() + " line(s) could not be read and are not sent");
    }
  }

  /** Lines of the file that could not be read. */
  public List<OnlineRetailCsv.LineError> errors() {
    return errors;
  }

  @Override
  public String name() {
    return "retail-csv";
  }

  @Override
  public String description() {
    return "replay of a CSV file in the Online Retail format (" + file + ")";
  }

  @Override
  public List<Topic<?>> topics() {
    return List.of(Topics.RETAIL_INVOICE_LINES);
  }

  @Override
  public Iterator<Emission> emissions(GeneratorConfig config) {
    if (lines.isEmpty()) {
      return List.<Emission>of().iterator();
    }
    Duration shift = Duration.between(lines.get(0).getInvoiceDate(), config.baseTime());
    long count = Math.min(config.events(), lines.size());
    List<Emission> out = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      InvoiceLine line = lines.get(i);
      Instant at = line.getInvoiceDate().plus(shift);
      InvoiceLine shifted = InvoiceLine.newBuilder(line).setInvoiceDate(at).build();
      out.add(Emission.of(Topics.RETAIL_INVOICE_LINES, Objects.requireNonNull(shifted), at));
    }
    return out.iterator();
  }
}
