package io.streamlake.generators;

import io.streamlake.generators.core.Scenario;
import io.streamlake.generators.boxoffice.BoxOfficeScenario;
import io.streamlake.generators.flights.FlightsScenario;
import io.streamlake.generators.flights.OpenSkyReplay;
import io.streamlake.generators.retail.RetailCsvReplay;
import io.streamlake.generators.retail.RetailScenario;
import io.streamlake.generators.shop.ShopScenario;
import io.streamlake.generators.ticketing.TicketingScenario;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The scenarios the command line knows, by name. */
public final class Scenarios {
  private Scenarios() {}

  /** Scenario-specific inputs from the command line; absent ones are null. */
  public record Inputs(Path replayFile, Path csvFile) {}

  private static final Map<String, Function<Inputs, Scenario>> BY_NAME = new LinkedHashMap<>();

  static {
    BY_NAME.put("ticketing", in -> new TicketingScenario());
    BY_NAME.put("boxoffice", in -> new BoxOfficeScenario());
    BY_NAME.put("flights", in -> new FlightsScenario());
    BY_NAME.put("flights-replay", in -> new OpenSkyReplay(in.replayFile()));
    BY_NAME.put("shop", in -> new ShopScenario());
    BY_NAME.put("retail", in -> new RetailScenario());
    BY_NAME.put("retail-csv", in -> new RetailCsvReplay(in.csvFile()));
  }

  /** Names of the scenarios that need no input file (what {@code all} runs). */
  public static List<String> generated() {
    return List.copyOf(BY_NAME.keySet()).stream().filter(n -> !n.endsWith("-replay") && !n.endsWith("-csv")).toList();
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** The named scenario, or an exception listing the known names. */
  public static Scenario create(String name, Inputs inputs) {
    Function<Inputs, Scenario> factory = BY_NAME.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("unknown scenario '" + name + "'; known: " + String.join(", ", names()) + ", all");
    }
    return factory.apply(inputs);
  }
}
