package io.streamlake.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Real HTTP requests to a running API, for tests. */
final class Http {
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  HttpResponse<String> post(String contentType, String token, String body) throws IOException, InterruptedException {
    return send(request(contentType, token).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** A POST without Content-Length (chunked), so the server finds the size only while reading. */
  HttpResponse<String> postChunked(String contentType, String token, byte[] body) throws IOException, InterruptedException {
    return send(request(contentType, token)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  private HttpRequest.Builder request(String contentType, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + IngestServer.INGEST_PATH)).timeout(Duration.ofSeconds(30));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
