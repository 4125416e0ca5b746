package io.streamlake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.schemas.Topics;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API answers 503 (and stays up) when Kafka cannot take the write in time. */
class IngestKafkaDownTest {
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  @Test
  void aBrokerThatStopsIs503AndHealthSaysDown() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    kafka.createTopics("", List.of(Topics.RETAIL_INVOICE_LINES));
    try (IngestServer server = IngestServer.start(IngestConfig.defaults(kafka.bootstrapServers(), 0)
        .withProduceTimeout(TIMEOUT))) {
      Http http = new Http(server.port());
      assertEquals(201, http.post("application/json", null, IngestApiTest.line("200001", "")).statusCode());
      assertEquals(200, http.get("/health").statusCode());

      kafka.close();
      long start = System.nanoTime();
      HttpResponse<String> r = http.post("application/json", null, IngestApiTest.line("200002", ""));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
      assertTrue(tookMs < TIMEOUT.toMillis() + 5_000, "answered within the produce timeout, took " + tookMs + " ms");
      Thread.sleep(1_100); // the health answer is cached for a second
      assertEquals(503, http.get("/health").statusCode());
      assertEquals(1, server.metrics().errors("kafka_unavailable"));
      assertEquals(1, server.metrics().linesAccepted());
    }
  }

  @Test
  void aBrokerThatNeverAnsweredIs503() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (IngestServer server = IngestServer.start(IngestConfig.defaults("127.0.0.1:" + port, 0).withProduceTimeout(TIMEOUT))) {
      Http http = new Http(server.port());
      long start = System.nanoTime();
      String fiveLines = java.util.stream.IntStream.range(0, 5).mapToObj(i -> IngestApiTest.line("200003", ""))
          .collect(java.util.stream.Collectors.joining(",", "[", "]"));
      HttpResponse<String> r = http.post("application/json", null, fiveLines);
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals(503, r.statusCode(), r.body());
      // one wait of 2 s for the whole request, not 2 s per line (10 s)
      assertTrue(tookMs < TIMEOUT.toMillis() + 5_000, "one wait for the whole request, not one per line: " + tookMs + " ms");
      assertEquals(503, http.get("/health").statusCode());
    }
  }
}
