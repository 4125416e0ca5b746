package io.streamlake.generators.cli;

import io.streamlake.generators.core.GeneratedRecord;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/** What a generator run sent: per topic and per kind of record. Not thread-safe. */
public final class RunStats {
  private final Map<String, Long> perTopic = new TreeMap<>();
  private final Map<GeneratedRecord.Kind, Long> perKind = new EnumMap<>(GeneratedRecord.Kind.class);
  private long sent;

  void count(GeneratedRecord record) {
    sent++;
    perTopic.merge(record.topic(), 1L, Long::sum);
    perKind.merge(record.kind(), 1L, Long::sum);
  }

  public long sent() {
    return sent;
  }

  public Map<String, Long> perTopic() {
    return perTopic;
  }

  public long count(GeneratedRecord.Kind kind) {
    return perKind.getOrDefault(kind, 0L);
  }

  public Map<GeneratedRecord.Kind, Long> perKind() {
    return perKind;
  }
}
