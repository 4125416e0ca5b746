package io.streamlake.bench.nativeflink;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;

/**
 * Options of the native jobs, spelled as the Beam pipelines spell theirs ({@code --name=value}).
 *
 * @param topicPrefix prefix of the input topics, as {@code --topicPrefix} of the pipelines
 * @param outputPrefix prefix of the output topics (default: the input prefix plus {@code native-}, so
 *     the Beam and native outputs of one data set stay apart)
 * @param mode BATCH (default: bounded input, sorted by key, timers at the end of each key: the
 *     counterpart of the pipelines' REPLAY mode on Flink) or STREAMING (watermarks trailing the
 *     highest event time by {@code maxOutOfOrderMs})
 * @param holdWatermark STREAMING only: no watermark until the input ends, so every record is on time
 *     and every timer fires at the end, as with the pipelines' REPLAY read on the runner's streaming
 *     translation ({@code --streaming=true}); the results are then those of BATCH
 */
public record NativeOptions(String bootstrapServers, String topicPrefix, String outputPrefix, int parallelism,
    RuntimeExecutionMode mode, boolean objectReuse, long paymentWindowMinutes, long allowedLatenessMinutes,
    long maxOutOfOrderMs, long pageViewWindowMinutes, boolean holdWatermark) {

  public static NativeOptions parse(String... args) {
    Map<String, String> m = new HashMap<>();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException("expected --name=value, got " + a);
      }
      m.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    String prefix = m.getOrDefault("topicPrefix", "");
    NativeOptions o = new NativeOptions(
        m.getOrDefault("bootstrapServers", "127.0.0.1:9092"),
        prefix,
        m.getOrDefault("outputPrefix", prefix + "native-"),
        Integer.parseInt(m.getOrDefault("parallelism", "2")),
        RuntimeExecutionMode.valueOf(m.getOrDefault("mode", "BATCH").toUpperCase()),
        Boolean.parseBoolean(m.getOrDefault("objectReuse", "false")),
        Long.parseLong(m.getOrDefault("paymentWindowMinutes", "15")),
        Long.parseLong(m.getOrDefault("allowedLatenessMinutes", "5")),
        Long.parseLong(m.getOrDefault("maxOutOfOrderMs", "30000")),
        Long.parseLong(m.getOrDefault("pageViewWindowMinutes", "5")),
        Boolean.parseBoolean(m.getOrDefault("holdWatermark", "false")));
    m.keySet().removeAll(java.util.Set.of("bootstrapServers", "topicPrefix", "outputPrefix", "parallelism", "mode",
        "objectReuse", "paymentWindowMinutes", "allowedLatenessMinutes", "maxOutOfOrderMs", "pageViewWindowMinutes",
        "holdWatermark"));
    if (!m.isEmpty()) {
      throw new IllegalArgumentException("unknown options: " + m.keySet());
    }
    return o;
  }

  /** Watermarks follow the data (STREAMING without a held watermark). */
  public boolean watermarksFromData() {
    return mode == RuntimeExecutionMode.STREAMING && !holdWatermark;
  }
}
