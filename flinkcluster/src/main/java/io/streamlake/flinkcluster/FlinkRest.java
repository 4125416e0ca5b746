package io.streamlake.flinkcluster;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A small client of a Flink session cluster's REST API: the logic behind {@code scripts/flink-cluster.sh
 * status} and {@code scripts/run-on-flink.sh list|cancel|stop|checkpoint}.
 *
 * <pre>
 * FlinkRest HOST:PORT await SECONDS           wait until the REST API answers and a TaskManager has registered
 * FlinkRest HOST:PORT overview                one line: version, TaskManagers, slots, jobs running
 * FlinkRest HOST:PORT list                    every job: id, state, start time, name
 * FlinkRest HOST:PORT job-id NAME SECONDS     id of the newest job with this name (waits for it to appear)
 * FlinkRest HOST:PORT await-running JOBID SECONDS  wait until the job runs (or finished); fails with the job's
 *                                             root exception when it failed
 * FlinkRest HOST:PORT cancel JOBID [SECONDS]  cancel a job and wait until it is CANCELED
 * FlinkRest HOST:PORT stop JOBID [DIR]        stop a job with a savepoint (in DIR, default state.savepoints.dir);
 *                                             prints the savepoint path to restore from
 * FlinkRest HOST:PORT checkpoint JOBID        path of the job's latest completed checkpoint, if any
 * </pre>
 *
 * <p>Exit codes: 0 done, 1 failed, 2 usage, 3 no cluster answers at HOST:PORT.
 */
public final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TERMINAL = Set.of("FINISHED", "CANCELED", "FAILED");
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final PrintStream out;

  FlinkRest(String hostPort, PrintStream out) {
    this.base = "http://" + hostPort;
    this.out = out;
  }

  /** A request the cluster did not answer as expected; the message is one sentence for the user. */
  static final class RestException extends Exception {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    RestException(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: FlinkRest HOST:PORT await|overview|list|job-id|cancel|stop|checkpoint [args]");
      System.exit(2);
    }
    FlinkRest rest = new FlinkRest(args[0], System.out);
    try {
      rest.run(args[1], List.of(args).subList(2, args.length));
    } catch (RestException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(e.exitCode);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(130);
    }
  }

  void run(String command, List<String> args) throws RestException, InterruptedException {
    switch (command) {
      case "await" -> await(Duration.ofSeconds(Long.parseLong(arg(args, 0, "SECONDS"))));
      case "overview" -> out.println(overviewLine(get("/overview")));
      case "list" -> list();
      case "job-id" -> out.println(jobId(arg(args, 0, "NAME"), Duration.ofSeconds(Long.parseLong(arg(args, 1, "SECONDS")))));
      case "await-running" -> out.println(awaitRunning(arg(args, 0, "JOBID"),
          Duration.ofSeconds(Long.parseLong(arg(args, 1, "SECONDS")))));
      case "cancel" -> cancel(arg(args, 0, "JOBID"), Duration.ofSeconds(args.size() > 1 ? Long.parseLong(args.get(1)) : 60));
      case "stop" -> out.println(stopWithSavepoint(arg(args, 0, "JOBID"), args.size() > 1 ? args.get(1) : null));
      case "checkpoint" -> out.println(latestCheckpoint(arg(args, 0, "JOBID")));
      default -> throw new RestException("unknown command " + command, 2);
    }
  }

  private static String arg(List<String> args, int i, String name) throws RestException {
    if (args.size() <= i) {
      throw new RestException("missing " + name, 2);
    }
    return args.get(i);
  }

  /** Waits until the REST API answers and at least one TaskManager with a free or used slot has registered. */
  void await(Duration timeout) throws RestException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String last = "no answer yet";
    while (Instant.now().isBefore(deadline)) {
      try {
        JsonNode overview = get("/overview");
        if (overview.path("taskmanagers").asInt() > 0 && overview.path("slots-total").asInt() > 0) {
          out.println(overviewLine(overview));
          return;
        }
        last = overviewLine(overview);
      } catch (RestException e) {
        last = e.getMessage();
      }
      Thread.sleep(500); // the cluster is another process; there is nothing to be notified by
    }
    throw new RestException("the cluster at " + base + " was not ready after " + timeout.toSeconds() + " s (" + last + ")", 1);
  }

  static String overviewLine(JsonNode o) {
    return "Flink " + o.path("flink-version").asText("?") + ": " + o.path("taskmanagers").asInt() + " TaskManager(s), "
        + o.path("slots-available").asInt() + "/" + o.path("slots-total").asInt() + " slots free, "
        + o.path("jobs-running").asInt() + " job(s) running";
  }

  void list() throws RestException {
    List<JsonNode> jobs = jobs();
    if (jobs.isEmpty()) {
      out.println("no jobs");
      return;
    }
    out.printf("%-32s  %-10s  %-19s  %s%n", "JOBID", "STATE", "STARTED", "NAME");
    for (JsonNode j : jobs) {
      out.printf("%-32s  %-10s  %-19s  %s%n", j.path("jid").asText(), j.path("state").asText(),
          TIME.format(Instant.ofEpochMilli(j.path("start-time").asLong())), j.path("name").asText());
    }
  }

  /** Every job the cluster knows (running, and finished ones it still remembers), oldest first. */
  List<JsonNode> jobs() throws RestException {
    List<JsonNode> jobs = new ArrayList<>();
    get("/jobs/overview").path("jobs").forEach(jobs::add);
    jobs.sort(Comparator.comparingLong(j -> j.path("start-time").asLong()));
    return jobs;
  }

  String jobId(String name, Duration timeout) throws RestException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      List<JsonNode> jobs = jobs();
      for (int i = jobs.size() - 1; i >= 0; i--) {
        if (jobs.get(i).path("name").asText().equals(name)) {
          return jobs.get(i).path("jid").asText();
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new RestException("no job named " + name + " on " + base, 1);
      }
      Thread.sleep(500); // waiting for the submission to show up in another process
    }
  }

  /** Waits while the job is being created or deployed; returns RUNNING or FINISHED, fails otherwise. */
  String awaitRunning(String jobId, Duration timeout) throws RestException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String state;
    while (!(state = state(jobId)).equals("RUNNING") && !TERMINAL.contains(state)) {
      if (Instant.now().isAfter(deadline)) {
        throw new RestException("job " + jobId + " is still " + state + " after " + timeout.toSeconds() + " s", 1);
      }
      Thread.sleep(500); // the job is deployed by the cluster
    }
    if (state.equals("FAILED") || state.equals("CANCELED")) {
      JsonNode root = get("/jobs/" + jobId + "/exceptions").path("root-exception");
      throw new RestException("job " + jobId + " is " + state
          + (root.isTextual() ? ": " + firstLine(root.asText()) : ""), 1);
    }
    return state;
  }

  String state(String jobId) throws RestException {
    return get("/jobs/" + jobId).path("state").asText();
  }

  void cancel(String jobId, Duration timeout) throws RestException, InterruptedException {
    String state = state(jobId);
    if (TERMINAL.contains(state)) {
      out.println(jobId + " is already " + state);
      return;
    }
    send("PATCH", "/jobs/" + jobId + "?mode=cancel", null);
    Instant deadline = Instant.now().plus(timeout);
    while (!TERMINAL.contains(state = state(jobId))) {
      if (Instant.now().isAfter(deadline)) {
        throw new RestException("job " + jobId + " is still " + state + " " + timeout.toSeconds() + " s after cancel", 1);
      }
      Thread.sleep(500); // the job is cancelled in the cluster's processes
    }
    out.println(jobId + " " + state);
  }

  /** Stops the job after a savepoint (sources stop, no final watermark) and returns the savepoint's path. */
  String stopWithSavepoint(String jobId, String directory) throws RestException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("drain", false);
    if (directory != null) {
      body.put("targetDirectory", directory);
    }
    String trigger = send("POST", "/jobs/" + jobId + "/stop", body).path("request-id").asText();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (Instant.now().isBefore(deadline)) {
      JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if ("COMPLETED".equals(status.path("status").path("id").asText())) {
        JsonNode operation = status.path("operation");
        if (operation.hasNonNull("location")) {
          return operation.path("location").asText();
        }
        throw new RestException("stop with savepoint failed: " + firstLine(operation.path("failure-cause")
            .path("stack-trace").asText(operation.toString())), 1);
      }
      Thread.sleep(500); // the savepoint is taken by the cluster
    }
    throw new RestException("the savepoint of " + jobId + " did not complete in 5 minutes", 1);
  }

  String latestCheckpoint(String jobId) throws RestException {
    JsonNode completed = get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
    if (completed.isMissingNode() || completed.isNull() || !completed.hasNonNull("external_path")) {
      throw new RestException("job " + jobId + " has no completed checkpoint (was it started with"
          + " --checkpointingInterval=...?)", 1);
    }
    return completed.path("external_path").asText();
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  JsonNode get(String path) throws RestException {
    return send("GET", path, null);
  }

  private JsonNode send(String method, String path, JsonNode body) throws RestException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RestException("no Flink cluster answers at " + base + " (start one with scripts/flink-cluster.sh start)", 3);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RestException("interrupted", 130);
    }
    JsonNode json;
    try {
      json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new RestException(method + " " + path + " answered " + response.statusCode() + " with no JSON", 1);
    }
    if (response.statusCode() == 404) {
      throw new RestException(method + " " + path + ": not found (" + errors(json) + ")", 1);
    }
    if (response.statusCode() >= 300) {
      throw new RestException(method + " " + path + " failed with " + response.statusCode() + ": " + errors(json), 1);
    }
    return json;
  }

  private static String errors(JsonNode json) {
    List<String> errors = new ArrayList<>();
    json.path("errors").forEach(e -> errors.add(firstLine(e.asText())));
    return errors.isEmpty() ? json.toString() : String.join("; ", errors);
  }
}
