package io.streamlake.schemas;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer: Avro single-object encoding of a generated class. */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final AvroCodec<T> codec;

  public AvroSerializer(Class<T> type) {
    this.codec = AvroCodec.of(type);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : codec.encode(data);
  }
}
