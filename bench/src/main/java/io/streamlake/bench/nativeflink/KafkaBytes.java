package io.streamlake.bench.nativeflink;

/**
 * One Kafka record as read, before decoding (a Flink POJO: public fields, no-argument constructor).
 * The native counterpart of the pipelines' {@code RawRecord}.
 */
public final class KafkaBytes {
  public String topic;
  public int partition;
  public long offset;
  public byte[] key;
  public byte[] value;
  public long timestamp;

  public KafkaBytes() {}

  public KafkaBytes(String topic, int partition, long offset, byte[] key, byte[] value, long timestamp) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.key = key;
    this.value = value;
    this.timestamp = timestamp;
  }
}
