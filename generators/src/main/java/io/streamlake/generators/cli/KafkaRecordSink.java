package io.streamlake.generators.cli;

import io.streamlake.generators.core.GeneratedRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends generated records to Kafka with a producer configured for durability (acks=all,
 * idempotence) and throughput (batching, lz4 compression). The Kafka record timestamp is the
 * event time.
 */
public final class KafkaRecordSink implements RecordSink {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topicPrefix;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  /** Kafka topic name by generator topic name: the prefix is added once per topic, not per record. */
  private final Map<String, String> prefixed = new ConcurrentHashMap<>();
  /** One callback for every record: it only counts, so it need not be made per record. */
  private final Callback onAck = (metadata, error) -> {
    if (error == null) {
      acknowledged.incrementAndGet();
    } else {
      failed.incrementAndGet();
      firstError.compareAndSet(null, error.getClass().getSimpleName() + ": " + error.getMessage());
    }
  };

  public KafkaRecordSink(String bootstrapServers, String topicPrefix, Map<String, Object> overrides) {
    this.topicPrefix = topicPrefix;
    this.producer = new KafkaProducer<>(producerConfig(bootstrapServers, overrides),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The producer settings the generators use; benchmarks use the same for their baseline. */
  public static Map<String, Object> producerConfig(String bootstrapServers, Map<String, Object> overrides) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "streamlake-generator");
    config.putAll(overrides);
    return config;
  }

  /**
   * Fails fast with a clear message when no broker answers at {@code bootstrapServers} within the
   * timeout, or when a topic is missing.
   */
  public static void checkReachable(String bootstrapServers, Set<String> topics, int timeoutMs) {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs))) {
      Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
      for (String topic : topics) {
        if (!existing.contains(topic)) {
          throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrapServers
              + " (scripts/kafka-local.sh start creates every topic)");
        }
      }
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException("Kafka is unreachable at " + bootstrapServers + " (no answer within "
          + timeoutMs + " ms); start it with scripts/kafka-local.sh start or pass --bootstrap-servers", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking Kafka", e);
    }
  }

  @Override
  public void send(GeneratedRecord record) {
    String topic = prefixed.computeIfAbsent(record.topic(), t -> topicPrefix + t);
    producer.send(new ProducerRecord<>(topic, null, record.eventTime().toEpochMilli(), record.key(), record.value()),
        onAck);
  }

  @Override
  public void flush() {
    producer.flush();
  }

  @Override
  public long acknowledged() {
    return acknowledged.get();
  }

  @Override
  public long failed() {
    return failed.get();
  }

  @Override
  public String firstError() {
    return firstError.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
