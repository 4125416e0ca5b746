package io.streamlake.ingest;

import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.schemas.AvroCodec;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces invoice lines to the retail topic and waits for every acknowledgement (acks=all,
 * idempotent producer: the settings of {@link KafkaRecordSink#producerConfig}) within a deadline.
 * Key: the invoice number (from the topic registry), so an invoice's lines stay in order on one
 * partition; record timestamp: the invoice date (the platform's event-time convention).
 *
 * <p>The producer gives up on a record about when the request's deadline passes ({@code
 * delivery.timeout.ms}), so a request answered 503 rarely lands later; if it does, the client's retry
 * carries the same event ids and keys, and the OLTP pipeline's upserts absorb the copy.
 */
public final class KafkaLineWriter implements AutoCloseable {
  private static final Topic<InvoiceLine> TOPIC = Topics.RETAIL_INVOICE_LINES;
  private static final int LINGER_MS = 5;

  private final KafkaProducer<byte[], byte[]> producer;
  private final Admin admin;
  private final String topic;
  private final Duration timeout;
  private final AvroCodec<InvoiceLine> codec = TOPIC.codec();
  private volatile long healthCheckedAt;
  private volatile boolean healthy;

  /** Kafka did not acknowledge every line in time, or refused one. */
  public static final class UnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public KafkaLineWriter(String bootstrapServers, String topicPrefix, Duration timeout) {
    this.topic = topicPrefix + TOPIC.name();
    this.timeout = timeout;
    this.producer = new KafkaProducer<>(producerConfig(bootstrapServers, timeout), new ByteArraySerializer(),
        new ByteArraySerializer());
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
  }

  /** Generator producer settings, with the API's latency-minded linger and timeouts bound to the deadline. */
  static Map<String, Object> producerConfig(String bootstrapServers, Duration timeout) {
    int ms = (int) Math.max(1_000, timeout.toMillis());
    Map<String, Object> overrides = new HashMap<>();
    overrides.put(ProducerConfig.CLIENT_ID_CONFIG, "streamlake-ingest");
    overrides.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    overrides.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
    overrides.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms - LINGER_MS);
    overrides.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms);
    return KafkaRecordSink.producerConfig(bootstrapServers, overrides);
  }

  public String topic() {
    return topic;
  }

  /**
   * Sends the lines and returns once Kafka acknowledged all of them.
   *
   * @throws UnavailableException when an acknowledgement is missing at the deadline or a send failed
   */
  public void write(List<InvoiceLine> lines) throws UnavailableException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Future<RecordMetadata>> acks = new ArrayList<>(lines.size());
    for (InvoiceLine line : lines) {
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, line.getInvoiceDate().toEpochMilli(),
          TOPIC.keyOf(line).getBytes(StandardCharsets.UTF_8), codec.encode(line));
      Future<RecordMetadata> ack;
      try {
        ack = producer.send(record);
      } catch (RuntimeException e) {
        throw new UnavailableException("Kafka refused the write: " + e.getMessage(), e);
      }
      acks.add(ack);
      // a send that failed at once (no metadata within max.block.ms) fails the rest the same way: stop
      if (ack.isDone() || System.nanoTime() > deadline) {
        await(ack, deadline);
      }
    }
    for (Future<RecordMetadata> ack : acks) {
      await(ack, deadline);
    }
  }

  private static void await(Future<RecordMetadata> ack, long deadline) throws UnavailableException {
    try {
      ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new UnavailableException("Kafka did not acknowledge the lines in time", e);
    } catch (ExecutionException e) {
      throw new UnavailableException("Kafka did not take the lines: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while waiting for Kafka", e);
    }
  }

  /** Whether a broker answered within 2 s; asked at most once a second, so health probes cost little. */
  public boolean kafkaReachable() {
    long now = System.nanoTime();
    if (now - healthCheckedAt > 1_000_000_000L) {
      boolean ok;
      try {
        ok = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get(2_500, TimeUnit.MILLISECONDS)
            .size() > 0;
      } catch (ExecutionException | TimeoutException e) {
        ok = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ok = false;
      }
      healthy = ok;
      healthCheckedAt = System.nanoTime();
    }
    return healthy;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
  }
}
