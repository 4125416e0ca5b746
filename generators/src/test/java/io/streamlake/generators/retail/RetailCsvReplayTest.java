package io.streamlake.generators.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.generators.core.Emission;
import io.streamlake.generators.core.GeneratorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetailCsvReplayTest {
  private static final Path SAMPLE = Path.of("src/test/resources/retail/online_retail_sample.csv");

  @Test
  void replaysEveryReadableLineInDateOrderFromTheBaseTime() {
    RetailCsvReplay replay = new RetailCsvReplay(SAMPLE);
    Instant base = Instant.parse("2026-06-01T09:00:00Z");
    List<Emission> out = new ArrayList<>();
    replay.emissions(GeneratorConfig.builder().baseTime(base).events(Long.MAX_VALUE).build()).forEachRemaining(out::add);
    assertEquals(OnlineRetailCsv.read(SAMPLE).lines().size(), out.size());
    assertEquals(base, out.get(0).eventTime());
    for (int i = 1; i < out.size(); i++) {
      assertFalse(out.get(i).eventTime().isBefore(out.get(i - 1).eventTime()));
      assertEquals(((InvoiceLine) out.get(i).value()).getInvoiceDate(), out.get(i).eventTime());
    }
  }

  @Test
  void unreadableLinesAreReportedNotSent() throws Exception {
    Path file = Files.createTempFile("retail", ".csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(SAMPLE));
    lines.add("536999,85123A,BROKEN LINE,notanumber,12/1/2010 8:26,2.55,17850,United Kingdom");
    Files.write(file, lines);
    RetailCsvReplay replay = new RetailCsvReplay(file);
    assertEquals(1, replay.errors().size());
    assertEquals(lines.size(), replay.errors().get(0).lineNumber());
  }
}
