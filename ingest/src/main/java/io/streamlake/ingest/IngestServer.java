package io.streamlake.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.streamlake.events.retail.InvoiceLine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP ingest API for retail invoice lines (Javalin on Jetty).
 *
 * <ul>
 *   <li>{@code POST /v1/retail/invoice-lines}: one JSON object, a JSON array ({@code application/json}) or
 *       NDJSON ({@code application/x-ndjson}, {@code application/ndjson}) of lines in the Online Retail
 *       shape ({@link InvoiceLinesParser}). Answers, in the order checked: 401 when a token is configured
 *       and the request lacks {@code Authorization: Bearer <token>}; 415 for another content type; 413
 *       for a body over the limit; 400 with a field-level error per bad line (nothing of the request is
 *       produced); 503 when Kafka did not acknowledge every line in time; else 201 with the count, once
 *       every line is acknowledged (acks=all).
 *   <li>{@code GET /health}: 200 when Kafka answers, else 503 (a readiness probe).
 *   <li>{@code GET /metrics}: Prometheus text ({@link IngestMetrics}).
 * </ul>
 */
public final class IngestServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);
  public static final String INGEST_PATH = "/v1/retail/invoice-lines";

  private final IngestConfig config;
  private final KafkaLineWriter writer;
  private final InvoiceLinesParser parser;
  private final IngestMetrics metrics = new IngestMetrics();
  private final ObjectMapper json = new ObjectMapper();
  private final byte[] expectedAuthorization;
  private final Javalin app;

  private IngestServer(IngestConfig config) {
    this.config = config;
    this.writer = new KafkaLineWriter(config.bootstrapServers(), config.topicPrefix(), config.produceTimeout());
    this.parser = new InvoiceLinesParser(config.localZone(), config.maxErrors(), config.maxFutureSkew(),
        java.time.Clock.systemUTC());
    this.expectedAuthorization = config.token() == null ? null
        : ("Bearer " + config.token()).getBytes(StandardCharsets.UTF_8);
    this.app = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.http.maxRequestSize = config.maxBodyBytes();
      c.router.mount(r -> {
        r.post(INGEST_PATH, this::ingest);
        r.get("/health", this::health);
        r.get("/metrics", this::metrics);
      });
    });
  }

  /** Starts the API; {@link #port()} tells where it listens. */
  public static IngestServer start(IngestConfig config) {
    IngestServer server = new IngestServer(config);
    try {
      server.app.start(config.bindAddress(), config.port());
    } catch (RuntimeException e) {
      server.writer.close();
      throw e;
    }
    LOG.info("ingest API listening on http://{}:{}{} -> topic {} ({})", config.bindAddress(), server.port(), INGEST_PATH,
        server.writer.topic(), config);
    return server;
  }

  public int port() {
    return app.port();
  }

  public IngestMetrics metrics() {
    return metrics;
  }

  private void ingest(Context ctx) {
    long start = System.nanoTime();
    try {
      answer(ctx);
    } catch (Exception e) {
      LOG.warn("ingest request failed: {}", e.toString());
      metrics.error("internal");
      respond(ctx, 500, Map.of("error", "internal error"));
    } finally {
      metrics.latency(System.nanoTime() - start);
      metrics.request(INGEST_PATH, ctx.statusCode());
    }
  }

  private void answer(Context ctx) throws IOException {
    if (expectedAuthorization != null && !authorized(ctx.header("Authorization"))) {
      metrics.error("unauthorized");
      ctx.header("WWW-Authenticate", "Bearer realm=\"streamlake-ingest\"");
      respond(ctx, 401, Map.of("error", "missing or wrong bearer token"));
      return;
    }
    InvoiceLinesParser.Format format = format(ctx.header("Content-Type"));
    if (format == null) {
      metrics.error("unsupported_media_type");
      respond(ctx, 415, Map.of("error", "Content-Type must be application/json (an object or an array of objects)"
          + " or application/x-ndjson (one object per line), UTF-8"));
      return;
    }
    byte[] body = readBody(ctx);
    if (body == null) {
      metrics.error("too_large");
      ctx.header("Connection", "close");
      respond(ctx, 413, Map.of("error", "the body is larger than " + config.maxBodyBytes() + " bytes: split the lines"
          + " over several requests"));
      return;
    }
    InvoiceLinesParser.Result parsed = parser.parse(body, format);
    if (!parsed.ok()) {
      metrics.error("invalid");
      metrics.rejected(parsed.badLines());
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("error", "invalid invoice lines: nothing of this request was accepted");
      answer.put("badLines", parsed.badLines());
      answer.put("errors", parsed.errors());
      respond(ctx, 400, answer);
      return;
    }
    List<InvoiceLine> lines = parsed.lines();
    try {
      writer.write(lines);
    } catch (KafkaLineWriter.UnavailableException e) {
      metrics.error("kafka_unavailable");
      ctx.header("Retry-After", "1");
      respond(ctx, 503, Map.of("error", e.getMessage() + "; retry the same request (same event ids)"));
      return;
    }
    metrics.accepted(lines.size());
    respond(ctx, 201, Map.of("accepted", lines.size()));
  }

  /** Constant-time comparison, so the answer time tells nothing about the token. */
  private boolean authorized(String header) {
    return header != null && MessageDigest.isEqual(header.strip().getBytes(StandardCharsets.UTF_8), expectedAuthorization);
  }

  /** The body format of a content type, or null if the API does not take it. */
  static InvoiceLinesParser.Format format(String contentType) {
    if (contentType == null) {
      return null;
    }
    String[] parts = contentType.toLowerCase(Locale.ROOT).split(";");
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].strip().split("=", 2);
      if (kv[0].equals("charset") && kv.length == 2 && !kv[1].replace("\"", "").equals("utf-8")) {
        return null;
      }
    }
    return switch (parts[0].strip()) {
      case "application/json" -> InvoiceLinesParser.Format.JSON;
      case "application/x-ndjson", "application/ndjson", "application/jsonl" -> InvoiceLinesParser.Format.NDJSON;
      default -> null;
    };
  }

  /** The body, or null when it is over the limit (known from Content-Length, or found while reading). */
  private byte[] readBody(Context ctx) throws IOException {
    long limit = config.maxBodyBytes();
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
    byte[] buffer = new byte[8192];
    try (InputStream in = ctx.req().getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (out.size() + n > limit) {
          return null;
        }
        out.write(buffer, 0, n);
      }
    }
    return out.toByteArray();
  }

  private void health(Context ctx) {
    boolean kafka = writer.kafkaReachable();
    respond(ctx, kafka ? 200 : 503, Map.of("status", kafka ? "UP" : "DOWN", "kafka", kafka ? "UP" : "DOWN"));
    metrics.request("/health", ctx.statusCode());
  }

  private void metrics(Context ctx) {
    ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.prometheus());
    metrics.request("/metrics", 200);
  }

  private void respond(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      ctx.status(500).result("{\"error\":\"cannot write the answer\"}");
    }
  }

  /** Stops taking requests, lets those in flight finish, and closes the Kafka producer. */
  @Override
  public void close() {
    app.stop();
    writer.close();
  }
}
