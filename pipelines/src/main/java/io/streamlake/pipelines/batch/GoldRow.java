package io.streamlake.pipelines.batch;

import java.io.Serializable;
import java.util.List;

/** A row of a {@link GoldTable}: its values in column order (Instant, String, Long, Integer, Double or null). */
public interface GoldRow extends Serializable {
  List<Object> values();
}
