package io.streamlake.ingest;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The API's counters and its request latency histogram, in the Prometheus text format ({@code GET
 * /metrics}): requests by path and status, lines accepted and rejected, errors by reason, and the
 * latency of ingest requests. Lock-free; cheap enough to update on every request.
 */
public final class IngestMetrics {
  /** Upper bounds of the latency buckets, seconds. */
  static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder linesAccepted = new LongAdder();
  private final LongAdder linesRejected = new LongAdder();
  private final LongAdder[] bucketCounts = new LongAdder[BUCKETS.length + 1];
  private final LongAdder latencyMicros = new LongAdder();

  public IngestMetrics() {
    for (int i = 0; i < bucketCounts.length; i++) {
      bucketCounts[i] = new LongAdder();
    }
  }

  /** One answered request. */
  void request(String path, int status) {
    requests.computeIfAbsent(path + " " + status, k -> new LongAdder()).increment();
  }

  /** A refused ingest request, by reason: invalid, too_large, unsupported_media_type, unauthorized, kafka_unavailable, internal. */
  void error(String reason) {
    errors.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  void accepted(int lines) {
    linesAccepted.add(lines);
  }

  void rejected(int lines) {
    linesRejected.add(lines);
  }

  /** The time one ingest request took, from receipt to answer. */
  void latency(long nanos) {
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) {
      i++;
    }
    bucketCounts[i].increment();
    latencyMicros.add(nanos / 1_000);
  }

  public long linesAccepted() {
    return linesAccepted.sum();
  }

  public long linesRejected() {
    return linesRejected.sum();
  }

  public long errors(String reason) {
    LongAdder a = errors.get(reason);
    return a == null ? 0 : a.sum();
  }

  /** The Prometheus text exposition of every metric. */
  public String prometheus() {
    StringBuilder out = new StringBuilder();
    out.append("# HELP ingest_requests_total HTTP requests answered, by path and status.\n");
    out.append("# TYPE ingest_requests_total counter\n");
    new TreeMap<>(requests).forEach((k, v) -> {
      String[] pathStatus = k.split(" ");
      out.append("ingest_requests_total{path=\"").append(pathStatus[0]).append("\",status=\"").append(pathStatus[1])
          .append("\"} ").append(v.sum()).append('\n');
    });
    out.append("# HELP ingest_lines_accepted_total Invoice lines acknowledged by Kafka and answered 201.\n");
    out.append("# TYPE ingest_lines_accepted_total counter\n");
    out.append("ingest_lines_accepted_total ").append(linesAccepted.sum()).append('\n');
    out.append("# HELP ingest_lines_rejected_total Invalid invoice lines (each rejects its whole request).\n");
    out.append("# TYPE ingest_lines_rejected_total counter\n");
    out.append("ingest_lines_rejected_total ").append(linesRejected.sum()).append('\n');
    out.append("# HELP ingest_errors_total Refused ingest requests, by reason.\n");
    out.append("# TYPE ingest_errors_total counter\n");
    new TreeMap<>(errors).forEach((k, v) ->
        out.append("ingest_errors_total{reason=\"").append(k).append("\"} ").append(v.sum()).append('\n'));
    out.append("# HELP ingest_request_duration_seconds Time to answer an ingest request (all statuses).\n");
    out.append("# TYPE ingest_request_duration_seconds histogram\n");
    long cumulative = 0;
    for (int i = 0; i < BUCKETS.length; i++) {
      cumulative += bucketCounts[i].sum();
      out.append("ingest_request_duration_seconds_bucket{le=\"").append(format(BUCKETS[i])).append("\"} ")
          .append(cumulative).append('\n');
    }
    cumulative += bucketCounts[BUCKETS.length].sum();
    out.append("ingest_request_duration_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
    out.append("ingest_request_duration_seconds_sum ").append(format(latencyMicros.sum() / 1e6)).append('\n');
    out.append("ingest_request_duration_seconds_count ").append(cumulative).append('\n');
    return out.toString();
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%s", v);
  }
}
