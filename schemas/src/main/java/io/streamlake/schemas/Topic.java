package io.streamlake.schemas;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** A serializable key function. */
interface SerializableFunction<A, B> extends java.util.function.Function<A, B>, java.io.Serializable {}

/**
 * A Kafka topic of the platform: its name, the Avro class of its values, and how a value's key is
 * derived. Instances live in {@link Topics}, the one place that names a topic.
 *
 * @param <T> the Avro-generated value class
 */
public final class Topic<T extends SpecificRecord> implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final Class<T> valueClass;
  private final transient Schema schema;
  private final SerializableFunction<T, String> keyOf;
  private final int partitions;
  private transient volatile AvroCodec<T> codec;

  Topic(String name, Class<T> valueClass, Schema schema, SerializableFunction<T, String> keyOf, int partitions) {
    this.name = Objects.requireNonNull(name);
    this.valueClass = Objects.requireNonNull(valueClass);
    this.schema = Objects.requireNonNull(schema);
    this.keyOf = Objects.requireNonNull(keyOf);
    this.partitions = partitions;
  }

  public String name() {
    return name;
  }

  public Class<T> valueClass() {
    return valueClass;
  }

  /** The current (reader) schema of the topic's values. */
  public Schema schema() {
    return schema != null ? schema : org.apache.avro.specific.SpecificData.get().getSchema(valueClass);
  }

  /** The record key (UTF-8 string) of a value, e.g. the booking id; records with one key share a partition. */
  public String keyOf(T value) {
    return keyOf.apply(value);
  }

  /** Partitions the local broker creates the topic with. */
  public int partitions() {
    return partitions;
  }

  /** A codec for this topic's values in Avro single-object encoding. */
  public AvroCodec<T> codec() {
    AvroCodec<T> c = codec;
    if (c == null) {
      c = AvroCodec.of(valueClass);
      codec = c;
    }
    return c;
  }

  /** A deserialized topic is the registry's own instance. */
  private Object readResolve() {
    return Topics.byName(name).filter(t -> t.valueClass == valueClass).map(t -> (Object) t).orElse(this);
  }

  @Override
  public String toString() {
    return name + "<" + valueClass.getSimpleName() + ">";
  }
}
