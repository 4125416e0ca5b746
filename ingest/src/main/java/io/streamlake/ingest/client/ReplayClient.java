package io.streamlake.ingest.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.ingest.IngestServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Sends invoice lines to the ingest API at a steady rate, in batches, and reports progress.
 *
 * <ul>
 *   <li>Pacing: line {@code i} is due at {@code start + i / rate} (wall clock); a batch goes out when it
 *       is full or 200 ms after its first line was due, so low rates still flow.
 *   <li>503 or a network error: the same request is sent again after a back-off (0.5 s doubling, at most
 *       10 s), up to {@code maxAttempts}; it carries the same event ids, so a request that did land is
 *       not counted twice downstream.
 *   <li>400: the lines the API names are reported and dropped, and the rest of the batch is sent again
 *       (unless {@code skipInvalid} is off, then the replay stops).
 *   <li>401, 413, 415 or anything else: the replay stops with the API's message.
 * </ul>
 */
public final class ReplayClient {
  private static final long FLUSH_AFTER_NANOS = 200_000_000L;
  private static final int REJECTIONS_PRINTED = 20;

  /** How to replay. {@code rate} lines per second, 0 for as fast as the API answers. */
  public record Settings(URI baseUrl, String token, double rate, int batchSize, int maxAttempts, Duration progressEvery,
      boolean skipInvalid) {}

  /** One line to send: a label for reports (invoice#line) and the JSON object in the API's request shape. */
  public record Line(String label, String json) {
    public static Line of(InvoiceLine l) {
      return new Line(l.getInvoiceNo() + "#" + l.getLineNo(), InvoiceLineJson.object(l));
    }
  }

  /** What a replay did; {@code fatal} says why it stopped early, or is null. */
  public record Summary(long read, long accepted, long rejected, long requests, long retries, Duration elapsed, String fatal) {}

  private final Settings settings;
  private final PrintStream out;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper mapper = new ObjectMapper();
  private final URI endpoint;
  private long read;
  private long accepted;
  private long rejected;
  private long requests;
  private long retries;
  private long started;
  private long lastProgress;
  private long acceptedAtLastProgress;

  public ReplayClient(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
    this.endpoint = settings.baseUrl().resolve(IngestServer.INGEST_PATH);
  }

  /** Replays every line (or until {@code stop} says so) and prints a summary line. */
  public Summary replay(Iterator<Line> lines, BooleanSupplier stop) throws InterruptedException {
    started = System.nanoTime();
    lastProgress = started;
    List<Line> batch = new ArrayList<>();
    long batchDue = 0;
    String fatal = null;
    while (fatal == null && lines.hasNext() && !stop.getAsBoolean()) {
      long due = settings.rate() > 0 ? started + (long) (read * 1e9 / settings.rate()) : 0;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        if (!batch.isEmpty() && due - batchDue >= FLUSH_AFTER_NANOS) {
          fatal = send(batch);
          batch.clear();
          continue;
        }
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // pacing: the wall clock sets the rate
      }
      if (batch.isEmpty()) {
        batchDue = Math.max(due, System.nanoTime() - FLUSH_AFTER_NANOS);
      }
      batch.add(lines.next());
      read++;
      if (batch.size() >= settings.batchSize()) {
        fatal = send(batch);
        batch.clear();
      }
      progress(false);
    }
    if (fatal == null && !batch.isEmpty()) {
      fatal = send(batch);
    }
    progress(true);
    Summary summary = new Summary(read, accepted, rejected, requests, retries, Duration.ofNanos(System.nanoTime() - started), fatal);
    out.printf(Locale.ROOT, "replay %s: %d lines read, %d accepted, %d rejected, %d requests, %d retries, %.1f s%s%n",
        fatal == null ? (stop.getAsBoolean() ? "stopped" : "done") : "failed", read, accepted, rejected, requests, retries,
        summary.elapsed().toMillis() / 1000.0, fatal == null ? "" : ": " + fatal);
    return summary;
  }

  /** Sends one batch until it is accepted or refused for good; returns a fatal reason, or null. */
  private String send(List<Line> lines) throws InterruptedException {
    List<Line> pending = new ArrayList<>(lines);
    int attempt = 0;
    while (!pending.isEmpty()) {
      HttpResponse<String> response;
      try {
        requests++;
        response = post(pending.stream().map(Line::json).collect(Collectors.joining(",", "[", "]")));
      } catch (IOException e) {
        response = null;
        if (++attempt >= settings.maxAttempts()) {
          return "the API at " + endpoint + " is unreachable: " + e.getMessage();
        }
      }
      if (response != null) {
        int status = response.statusCode();
        if (status == 201) {
          accepted += pending.size();
          return null;
        }
        if (status == 400) {
          String reason = dropRejected(pending, response.body());
          if (reason != null) {
            return reason;
          }
          continue;
        }
        if (status != 503 || ++attempt >= settings.maxAttempts()) {
          return "the API answered " + status + ": " + response.body();
        }
      }
      retries++;
      Thread.sleep(Math.min(10_000L, 500L << Math.min(attempt - 1, 5))); // back off before the same request again
    }
    return null;
  }

  /** Removes the lines the 400 answer names from {@code pending}; a fatal reason when it names none. */
  private String dropRejected(List<Line> pending, String body) {
    JsonNode errors;
    try {
      errors = mapper.readTree(body).path("errors");
    } catch (IOException e) {
      return "the API answered 400 with an unreadable body: " + body;
    }
    Map<Integer, List<String>> byLine = new TreeMap<>();
    for (JsonNode e : errors) {
      byLine.computeIfAbsent(e.path("line").asInt(), k -> new ArrayList<>())
          .add((e.path("field").isNull() ? "" : e.path("field").asText() + ": ") + e.path("message").asText());
    }
    if (byLine.isEmpty() || byLine.containsKey(0) || !settings.skipInvalid()) {
      return "the API refused the request: " + body;
    }
    List<Line> keep = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      List<String> why = byLine.get(i + 1);
      if (why == null) {
        keep.add(pending.get(i));
      } else {
        rejected++;
        if (rejected <= REJECTIONS_PRINTED) {
          out.println("rejected " + pending.get(i).label() + ": " + String.join("; ", why));
        } else if (rejected == REJECTIONS_PRINTED + 1) {
          out.println("(further rejected lines are counted, not printed)");
        }
      }
    }
    if (keep.size() == pending.size()) {
      return "the API refused the request, naming no line of it: " + body;
    }
    // the answer lists at most --max-errors errors; lines past that are only known to be bad on the next try
    pending.clear();
    pending.addAll(keep);
    return null;
  }

  private HttpResponse<String> post(String body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (settings.token() != null && !settings.token().isBlank()) {
      request.header("Authorization", "Bearer " + settings.token());
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void progress(boolean last) {
    long now = System.nanoTime();
    if (!last && now - lastProgress < settings.progressEvery().toNanos()) {
      return;
    }
    double seconds = (now - started) / 1e9;
    double recent = (accepted - acceptedAtLastProgress) / Math.max(1e-9, (now - lastProgress) / 1e9);
    out.printf(Locale.ROOT, "%7.1f s  read %d  accepted %d  rejected %d  requests %d  retries %d  %.0f lines/s (now %.0f)%n",
        seconds, read, accepted, rejected, requests, retries, accepted / Math.max(seconds, 1e-9), recent);
    lastProgress = now;
    acceptedAtLastProgress = accepted;
  }
}
