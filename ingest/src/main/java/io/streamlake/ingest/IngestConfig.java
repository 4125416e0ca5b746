package io.streamlake.ingest;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * How the ingest API runs.
 *
 * @param bindAddress address to listen on (127.0.0.1 by default: put a proxy in front to expose it)
 * @param port port to listen on; 0 picks a free one
 * @param bootstrapServers Kafka bootstrap servers
 * @param topicPrefix prefix of the topic name (isolated tests, shared clusters)
 * @param maxBodyBytes larger request bodies are answered 413
 * @param produceTimeout how long a request waits for Kafka's acknowledgements before it is answered 503
 * @param token the bearer token every ingest request must carry, or null for none; read from an
 *     environment variable by {@link IngestApi}, never printed
 * @param localZone zone of an InvoiceDate without an offset
 * @param maxErrors field errors listed at most in one 400 answer
 * @param maxFutureSkew an InvoiceDate further than this ahead of the clock is refused (the pipelines'
 *     {@code --maxFutureSkewMinutes} would send it to the dead letters); zero: no limit
 */
public record IngestConfig(String bindAddress, int port, String bootstrapServers, String topicPrefix,
    long maxBodyBytes, Duration produceTimeout, String token, ZoneId localZone, int maxErrors, Duration maxFutureSkew) {

  public IngestConfig {
    Objects.requireNonNull(bindAddress);
    Objects.requireNonNull(bootstrapServers);
    Objects.requireNonNull(topicPrefix);
    Objects.requireNonNull(produceTimeout);
    Objects.requireNonNull(localZone);
    Objects.requireNonNull(maxFutureSkew);
    if (maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException("maxFutureSkew must not be negative, got " + maxFutureSkew);
    }
    if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxBodyBytes must be between 1 and 2 GiB, got " + maxBodyBytes);
    }
    if (token != null && token.isBlank()) {
      token = null;
    }
  }

  public IngestConfig withMaxFutureSkew(Duration value) {
    return new IngestConfig(bindAddress, port, bootstrapServers, topicPrefix, maxBodyBytes, produceTimeout, token, localZone,
        maxErrors, value);
  }

  /** Defaults for a local run: 127.0.0.1, 1 MiB bodies, 10 s to produce, no token, UTC. */
  public static IngestConfig defaults(String bootstrapServers, int port) {
    return new IngestConfig("127.0.0.1", port, bootstrapServers, "", 1 << 20, Duration.ofSeconds(10), null,
        ZoneId.of("UTC"), 100, Duration.ofMinutes(io.streamlake.schemas.EventTimes.DEFAULT_MAX_FUTURE_SKEW_MINUTES));
  }

  public IngestConfig withTopicPrefix(String value) {
    return new IngestConfig(bindAddress, port, bootstrapServers, value, maxBodyBytes, produceTimeout, token, localZone, maxErrors, maxFutureSkew);
  }

  public IngestConfig withMaxBodyBytes(long value) {
    return new IngestConfig(bindAddress, port, bootstrapServers, topicPrefix, value, produceTimeout, token, localZone, maxErrors, maxFutureSkew);
  }

  public IngestConfig withProduceTimeout(Duration value) {
    return new IngestConfig(bindAddress, port, bootstrapServers, topicPrefix, maxBodyBytes, value, token, localZone, maxErrors, maxFutureSkew);
  }

  public IngestConfig withToken(String value) {
    return new IngestConfig(bindAddress, port, bootstrapServers, topicPrefix, maxBodyBytes, produceTimeout, value, localZone, maxErrors, maxFutureSkew);
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "IngestConfig[bind=" + bindAddress + ":" + port + ", kafka=" + bootstrapServers + ", topicPrefix=" + topicPrefix
        + ", maxBodyBytes=" + maxBodyBytes + ", produceTimeout=" + produceTimeout + ", token="
        + (token == null ? "none" : "set") + ", localZone=" + localZone + ", maxErrors=" + maxErrors + ", maxFutureSkew=" + maxFutureSkew + "]";
  }
}
