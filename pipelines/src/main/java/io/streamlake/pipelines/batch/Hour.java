package io.streamlake.pipelines.batch;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** One UTC hour, written {@code YYYY-MM-DDTHH} (e.g. {@code 2026-03-01T09}): the unit of the hourly batch. */
public record Hour(Instant start) implements Comparable<Hour>, Serializable {
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH");
  /** Strict: a day or hour that does not exist (February 30, hour 24) is refused, not moved to a nearby one. */
  private static final DateTimeFormatter PARSE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm").withResolverStyle(ResolverStyle.STRICT);

  public Hour {
    if (!start.truncatedTo(ChronoUnit.HOURS).equals(start)) {
      throw new IllegalArgumentException(start + " is not the start of an hour");
    }
  }

  /** Parses {@code YYYY-MM-DDTHH} (UTC). */
  public static Hour parse(String text) {
    try {
      return new Hour(LocalDateTime.parse(text.strip() + ":00", PARSE).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not an hour; write YYYY-MM-DDTHH, e.g. 2026-03-01T09");
    }
  }

  /** The hour holding an instant. */
  public static Hour of(Instant instant) {
    return new Hour(instant.truncatedTo(ChronoUnit.HOURS));
  }

  /**
   * The last complete hour at {@code now}: the latest hour whose end is at least {@code settle} ago,
   * so that late files and the payments that belong to its bookings have reached the lake.
   */
  public static Hour lastComplete(Instant now, Duration settle) {
    return of(now.minus(settle)).previous();
  }

  /** Every hour from {@code from} to {@code to}, both included, in order. */
  public static List<Hour> range(Hour from, Hour to) {
    if (from.compareTo(to) > 0) {
      throw new IllegalArgumentException("--from " + from + " is after --to " + to);
    }
    List<Hour> out = new ArrayList<>();
    for (Hour h = from; h.compareTo(to) <= 0; h = h.next()) {
      out.add(h);
    }
    return out;
  }

  public Instant end() {
    return start.plus(Duration.ofHours(1));
  }

  public Hour next() {
    return new Hour(end());
  }

  public Hour previous() {
    return new Hour(start.minus(Duration.ofHours(1)));
  }

  public boolean contains(Instant t) {
    return !t.isBefore(start) && t.isBefore(end());
  }

  @Override
  public int compareTo(Hour o) {
    return start.compareTo(o.start);
  }

  @Override
  public String toString() {
    return FORMAT.format(LocalDateTime.ofInstant(start, ZoneOffset.UTC));
  }
}
