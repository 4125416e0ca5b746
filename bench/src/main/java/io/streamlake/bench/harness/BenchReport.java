package io.streamlake.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the {@code RESULT} lines of a benchmark's runs (one JSON object a line) into the table
 * {@code scripts/bench.sh} prints and the JSON it keeps: per job and side the events per second
 * (records read / time from the first record read to the last result written) and events per CPU
 * second (CPU of the process over the same span), each as the median over the runs with min and max;
 * the Beam/native ratio of each A-B pair, median, min and max; and whether both sides wrote the same
 * results (per output topic: distinct results and their checksum).
 *
 * <pre>java ... io.streamlake.bench.harness.BenchReport RUNS.jsonl OUT.json [label]</pre>
 */
public final class BenchReport {
  /** Beam/native throughput the issue asks for, per job. */
  static final Map<String, Double> TARGETS = Map.of("join", 0.50, "windows", 0.40);

  private BenchReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: BenchReport RUNS.jsonl OUT.json [label]");
      System.exit(2);
    }
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    List<JsonNode> runs = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (!line.isBlank()) {
        runs.add(json.readTree(line));
      }
    }
    Map<String, Object> report = report(runs, args.length > 2 ? args[2] : "");
    print(report, System.out);
    Files.createDirectories(Path.of(args[1]).toAbsolutePath().getParent());
    json.writeValue(Path.of(args[1]).toFile(), report);
    System.out.println("written: " + args[1]);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> jobs = (Map<String, Map<String, Object>>) report.get("jobs");
    boolean allAgree = jobs.values().stream().allMatch(j -> Boolean.TRUE.equals(j.get("outputsAgree")));
    System.exit(allAgree ? 0 : 1);
  }

  static Map<String, Object> report(List<JsonNode> runs, String label) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("label", label);
    out.put("definition", "events/s = records read / (last result written - first record read); events/CPU-s ="
        + " records / process CPU seconds from the first read to the job's end (/proc/self/stat); ratio = beam / native"
        + " of each A-B pair");
    Map<String, Object> jobs = new LinkedHashMap<>();
    Set<String> names = new LinkedHashSet<>();
    runs.forEach(r -> names.add(r.get("job").asText()));
    double loadMin = Double.MAX_VALUE;
    double loadMax = 0;
    for (JsonNode r : runs) {
      loadMin = Math.min(loadMin, r.get("loadAvg1m").asDouble());
      loadMax = Math.max(loadMax, r.get("loadAvg1m").asDouble());
    }
    for (String job : names) {
      List<JsonNode> beam = new ArrayList<>();
      List<JsonNode> nat = new ArrayList<>();
      for (JsonNode r : runs) {
        if (r.get("job").asText().equals(job)) {
          (r.get("side").asText().equals("beam") ? beam : nat).add(r);
        }
      }
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("records", beam.isEmpty() ? nat.get(0).get("records").asLong() : beam.get(0).get("records").asLong());
      j.put("pairs", Math.min(beam.size(), nat.size()));
      j.put("beam", side(beam));
      j.put("native", side(nat));
      List<Double> eps = new ArrayList<>();
      List<Double> epc = new ArrayList<>();
      List<Double> net = new ArrayList<>();
      for (int i = 0; i < Math.min(beam.size(), nat.size()); i++) {
        eps.add(eps(beam.get(i)) / eps(nat.get(i)));
        epc.add(epc(beam.get(i)) / epc(nat.get(i)));
        net.add(nat.get(i).get("netRuntimeMs").asDouble() / beam.get(i).get("netRuntimeMs").asDouble());
      }
      j.put("ratioEventsPerSec", stats(eps));
      j.put("ratioEventsPerCpuSec", stats(epc));
      j.put("ratioByNetRuntime", stats(net));
      j.put("target", TARGETS.getOrDefault(job, 0.0));
      j.put("targetMet", !eps.isEmpty() && median(eps) >= TARGETS.getOrDefault(job, 0.0));
      Map<String, Object> outputs = new LinkedHashMap<>();
      boolean agree = true;
      Iterator<String> topics = runs.stream().filter(r -> r.get("job").asText().equals(job)).findFirst().orElseThrow()
          .get("outputs").fieldNames();
      while (topics.hasNext()) {
        String topic = topics.next();
        Set<String> beamSeen = digests(beam, topic);
        Set<String> nativeSeen = digests(nat, topic);
        boolean same = beamSeen.size() == 1 && beamSeen.equals(nativeSeen);
        agree &= same;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("beam", beamSeen);
        o.put("native", nativeSeen);
        o.put("beamRecordsWritten", recordsWritten(beam, topic));
        o.put("nativeRecordsWritten", recordsWritten(nat, topic));
        o.put("agree", same);
        outputs.put(topic, o);
      }
      j.put("outputs", outputs);
      j.put("outputsAgree", agree);
      jobs.put(job, j);
    }
    out.put("loadAvg1m", Map.of("min", loadMin, "max", loadMax));
    out.put("jobs", jobs);
    out.put("runs", runs);
    return out;
  }

  static double eps(JsonNode r) {
    return r.get("records").asDouble() / (r.get("firstReadToLastWriteMs").asDouble() / 1000.0);
  }

  static double epc(JsonNode r) {
    return r.get("records").asDouble() / r.get("cpuFromFirstReadSec").asDouble();
  }

  static Map<String, Object> side(List<JsonNode> runs) {
    List<Double> eps = new ArrayList<>();
    List<Double> epc = new ArrayList<>();
    List<Double> ms = new ArrayList<>();
    List<Double> net = new ArrayList<>();
    List<Double> startup = new ArrayList<>();
    for (JsonNode r : runs) {
      eps.add(eps(r));
      epc.add(epc(r));
      ms.add(r.get("firstReadToLastWriteMs").asDouble());
      net.add(r.get("netRuntimeMs").asDouble());
      startup.add(r.get("firstReadAfterMs").asDouble());
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("runs", runs.size());
    s.put("eventsPerSec", stats(eps));
    s.put("eventsPerCpuSec", stats(epc));
    s.put("firstReadToLastWriteMs", stats(ms));
    s.put("netRuntimeMs", stats(net));
    s.put("firstReadAfterMs", stats(startup));
    return s;
  }

  static Set<String> digests(List<JsonNode> runs, String topic) {
    Set<String> seen = new LinkedHashSet<>();
    for (JsonNode r : runs) {
      JsonNode d = r.get("outputs").get(topic);
      seen.add(d.get("results").asLong() + " results, checksum " + d.get("checksum").asText());
    }
    return seen;
  }

  static Set<Long> recordsWritten(List<JsonNode> runs, String topic) {
    Set<Long> seen = new LinkedHashSet<>();
    runs.forEach(r -> seen.add(r.get("outputs").get(topic).get("records").asLong()));
    return seen;
  }

  static Map<String, Double> stats(List<Double> values) {
    Map<String, Double> s = new LinkedHashMap<>();
    if (values.isEmpty()) {
      return s;
    }
    s.put("median", median(values));
    s.put("min", values.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
    s.put("max", values.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    return s;
  }

  static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    v.sort(Double::compare);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  @SuppressWarnings("unchecked")
  static void print(Map<String, Object> report, PrintStream out) {
    Map<String, Object> load = (Map<String, Object>) report.get("loadAvg1m");
    out.printf("%nBeam on Flink vs native Flink  %s  (load average 1m during the runs: %.2f-%.2f)%n",
        report.get("label"), (Double) load.get("min"), (Double) load.get("max"));
    out.println("events/s = records / (first record read -> last result written); events/CPU-s over the same span;"
        + " median (min-max) over runs");
    out.printf("%-8s %-7s %9s %5s  %-30s %-30s %s%n", "job", "side", "events", "runs", "events/s", "events/CPU-s",
        "first read->last write ms");
    Map<String, Map<String, Object>> jobs = (Map<String, Map<String, Object>>) report.get("jobs");
    for (Map.Entry<String, Map<String, Object>> e : jobs.entrySet()) {
      Map<String, Object> j = e.getValue();
      for (String side : List.of("beam", "native")) {
        Map<String, Object> s = (Map<String, Object>) j.get(side);
        out.printf("%-8s %-7s %9d %5d  %-30s %-30s %s%n", e.getKey(), side, (Long) j.get("records"),
            (Integer) s.get("runs"), fmt((Map<String, Double>) s.get("eventsPerSec"), "%,.0f"),
            fmt((Map<String, Double>) s.get("eventsPerCpuSec"), "%,.0f"),
            fmt((Map<String, Double>) s.get("firstReadToLastWriteMs"), "%.0f"));
      }
      Map<String, Double> ratio = (Map<String, Double>) j.get("ratioEventsPerSec");
      out.printf("%-8s %-7s %9s %5d  %-30s %-30s target >= %.0f%%: %s%n", e.getKey(), "ratio", "", (Integer) j.get("pairs"),
          fmt(ratio, "%.2f"), fmt((Map<String, Double>) j.get("ratioEventsPerCpuSec"), "%.2f"),
          100 * (Double) j.get("target"), Boolean.TRUE.equals(j.get("targetMet")) ? "met" : "NOT met");
    }
    out.println();
    out.println("outputs (distinct results and checksum; records written may differ where a fact is re-emitted):");
    for (Map.Entry<String, Map<String, Object>> e : jobs.entrySet()) {
      Map<String, Map<String, Object>> outputs = (Map<String, Map<String, Object>>) e.getValue().get("outputs");
      for (Map.Entry<String, Map<String, Object>> o : outputs.entrySet()) {
        Map<String, Object> d = o.getValue();
        out.printf("  %-8s %-24s %s  beam %s  native %s  (records written: beam %s, native %s)%n", e.getKey(), o.getKey(),
            Boolean.TRUE.equals(d.get("agree")) ? "SAME     " : "DIFFERENT", d.get("beam"), d.get("native"),
            d.get("beamRecordsWritten"), d.get("nativeRecordsWritten"));
      }
    }
  }

  private static String fmt(Map<String, Double> s, String f) {
    if (s.isEmpty()) {
      return "-";
    }
    return String.format(f, s.get("median")) + " (" + String.format(f, s.get("min")) + "-" + String.format(f, s.get("max"))
        + ")";
  }
}
