package io.streamlake.generators.core;

import io.streamlake.schemas.Topic;
import java.util.Iterator;
import java.util.List;

/**
 * A deterministic event model: given a config, the same sequence of emissions every time. The
 * emissions come in event-time order (ties in a fixed order); the wall clock plays no part.
 * Disorder, duplicates and poison are added afterwards by {@link DisorderedStream}.
 */
public interface Scenario {
  /** The name used on the command line, e.g. {@code ticketing}. */
  String name();

  /** One line for {@code --help}. */
  String description();

  /** Every topic this scenario writes to. */
  List<Topic<?>> topics();

  /** The emissions of {@code config.events()} primary events, in event-time order. */
  Iterator<Emission> emissions(GeneratorConfig config);
}
