package io.streamlake.schemas;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer for Avro single-object encoding. A record that does not decode fails
 * with an exception naming the topic (the Kafka consumer adds partition and offset in its {@code
 * RecordDeserializationException}); {@link #decode(ConsumerRecord)} names all three itself, for
 * consumers that read bytes and route failures to a dead-letter output.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private final AvroCodec<T> codec;

  public AvroDeserializer(Class<T> type) {
    this.codec = AvroCodec.of(type);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    try {
      return codec.decode(data);
    } catch (AvroDecodeException e) {
      throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes the value of a raw record.
   *
   * @throws PoisonRecordException naming topic, partition and offset when it does not decode
   */
  public T decode(ConsumerRecord<byte[], byte[]> record) {
    try {
      return codec.decode(record.value());
    } catch (AvroDecodeException e) {
      throw new PoisonRecordException(record.topic(), record.partition(), record.offset(), e);
    }
  }
}
