package io.streamlake.pipelines.lake;

import io.streamlake.events.DeadLetter;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Where things are in the lake, the one place that spells a lake path:
 *
 * <pre>
 * LAKE/bronze/TOPIC/dt=YYYY-MM-DD/hour=HH/part-*.parquet      raw events, partitioned by event time (UTC)
 * LAKE/bronze/_deadletter/dt=YYYY-MM-DD/hour=HH/part-*.parquet records the lake writer could not decode
 * LAKE/silver/TOPIC/dt=YYYY-MM-DD/hour=HH/part-*.parquet      typed, validated, deduplicated by event id
 * LAKE/quarantine/bronze/...                                 unreadable bronze files, moved here
 * LAKE/quarantine/records/dt=YYYY-MM-DD/hour=HH/*.jsonl       what a batch run quarantined, with paths
 * </pre>
 */
public final class LakeLayout {
  private LakeLayout() {}

  public static final String BRONZE = "bronze";
  public static final String SILVER = "silver";
  public static final String QUARANTINE = "quarantine";
  /** Folder (under bronze/) of records that did not decode. */
  public static final String DEAD_LETTER_DIR = "_deadletter";

  private static final DateTimeFormatter DT = DateTimeFormatter.ofPattern("yyyy-MM-dd");
  private static final DateTimeFormatter HH = DateTimeFormatter.ofPattern("HH");

  /**
   * The lake root as a Beam resource spec: URIs as given, local paths made absolute, no trailing slash.
   * A {@code file:} URI becomes its local path, the form Beam's local filesystem gives back when it
   * lists files (kept as a URI, paths built on it left the lake: {@code ./file:/...}).
   */
  public static String root(String lakeRoot) {
    String root;
    if (lakeRoot.regionMatches(true, 0, "file:", 0, 5)) {
      try {
        root = Path.of(URI.create(lakeRoot)).toAbsolutePath().normalize().toString();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--lakeRoot " + lakeRoot + " is not a local file URI (file:///path/to/lake): "
            + e.getMessage(), e);
      }
    } else {
      root = lakeRoot.contains("://") ? lakeRoot : Path.of(lakeRoot).toAbsolutePath().normalize().toString();
    }
    while (root.endsWith("/") && root.length() > 1) {
      root = root.substring(0, root.length() - 1);
    }
    return root;
  }

  /** {@code dt=YYYY-MM-DD/hour=HH} of the hour holding this instant, in UTC. */
  public static String partition(Instant eventTime) {
    LocalDateTime t = LocalDateTime.ofInstant(eventTime, ZoneOffset.UTC);
    return "dt=" + DT.format(t) + "/hour=" + HH.format(t);
  }

  /** The start of the hour holding this instant. */
  public static Instant hourOf(Instant instant) {
    return instant.truncatedTo(ChronoUnit.HOURS);
  }

  /** {@code LAKE/LAYER/DIR/dt=.../hour=...} for a layer (bronze, silver) and a topic or {@link #DEAD_LETTER_DIR}. */
  public static String hourDir(String root, String layer, String dir, Instant hour) {
    return root + "/" + layer + "/" + dir + "/" + partition(hour);
  }

  /** The Avro schema of the records in a bronze or silver folder (a topic name, or the dead-letter folder). */
  public static Schema schemaOf(String dir) {
    if (dir.equals(DEAD_LETTER_DIR)) {
      return DeadLetter.getClassSchema();
    }
    return topic(dir).schema();
  }

  /** The topic whose registry name is this folder name. */
  public static Topic<?> topic(String dir) {
    return Topics.byName(dir).orElseThrow(() -> new IllegalArgumentException("no topic named " + dir));
  }

  /**
   * The event-time field of a schema: the first field that is a non-null {@code timestamp-millis}
   * (booked_at, paid_at, event_time, invoice_date, ordered_at, last_contact ...).
   */
  public static String eventTimeField(Schema schema) {
    for (Schema.Field f : schema.getFields()) {
      if (f.schema().getType() == Schema.Type.LONG && f.schema().getLogicalType() instanceof LogicalTypes.TimestampMillis) {
        return f.name();
      }
    }
    throw new IllegalArgumentException(schema.getFullName() + " has no non-null timestamp-millis field");
  }
}
