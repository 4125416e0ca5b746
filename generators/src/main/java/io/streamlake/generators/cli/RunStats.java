package io.streamlake.generators.cli;

import io.streamlake.generators.core.GeneratedRecord;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** What a generator run sent: per topic and per kind of record. Not thread-safe. */
public final class RunStats {
  private static final GeneratedRecord.Kind[] KINDS = GeneratedRecord.Kind.values();
  /** Counters per topic and per kind, plain longs: counting runs once per record sent. */
  private final Map<String, long[]> topicCounts = new HashMap<>();
  private final long[] kindCounts = new long[KINDS.length];
  private long sent;

  void count(GeneratedRecord record) {
    sent++;
    long[] topic = topicCounts.get(record.topic());
    if (topic == null) {
      topic = new long[1];
      topicCounts.put(record.topic(), topic);
    }
    topic[0]++;
    kindCounts[record.kind().ordinal()]++;
  }

  public long sent() {
    return sent;
  }

  /** Records sent per topic, by topic name. */
  public Map<String, Long> perTopic() {
    Map<String, Long> out = new TreeMap<>();
    topicCounts.forEach((topic, n) -> out.put(topic, n[0]));
    return out;
  }

  public long count(GeneratedRecord.Kind kind) {
    return kindCounts[kind.ordinal()];
  }

  /** Records sent per kind; kinds never sent are absent. */
  public Map<GeneratedRecord.Kind, Long> perKind() {
    Map<GeneratedRecord.Kind, Long> out = new EnumMap<>(GeneratedRecord.Kind.class);
    for (GeneratedRecord.Kind kind : KINDS) {
      if (kindCounts[kind.ordinal()] > 0) {
        out.put(kind, kindCounts[kind.ordinal()]);
      }
    }
    return out;
  }
}
