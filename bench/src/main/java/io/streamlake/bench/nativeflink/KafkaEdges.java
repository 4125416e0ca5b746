package io.streamlake.bench.nativeflink;

import io.streamlake.schemas.AvroCodec;
import io.streamlake.schemas.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The native jobs' IO edges: a bounded read of a whole topic (earliest to the latest offsets when the
 * job starts) with Flink's {@link KafkaSource}, and a {@link KafkaSink} writing Avro single-object
 * values keyed as the topic registry says.
 */
public final class KafkaEdges {
  private KafkaEdges() {}

  /**
   * Every record of {@code topic} from the earliest offset to the end offset at start, as raw bytes,
   * stamped with the Kafka record time (our producers set it to the event time). In STREAMING mode
   * (unless the watermark is held) the source also makes watermarks per partition, trailing the highest record time by {@code
   * maxOutOfOrderMs}, so a partition read ahead of another does not make the other's records late.
   */
  public static DataStream<KafkaBytes> readBounded(StreamExecutionEnvironment env, NativeOptions o, String topic,
      String stepName) {
    String bootstrap = o.bootstrapServers();
    KafkaSource<KafkaBytes> source = KafkaSource.<KafkaBytes>builder()
        .setBootstrapServers(bootstrap)
        .setTopics(topic)
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setBounded(OffsetsInitializer.latest())
        .setDeserializer(new RawDeserializer())
        .setProperty("client.id.prefix", "native-" + topic)
        .build();
    WatermarkStrategy<KafkaBytes> watermarks = o.watermarksFromData()
        ? WatermarkStrategy.<KafkaBytes>forBoundedOutOfOrderness(Duration.ofMillis(o.maxOutOfOrderMs()))
        : WatermarkStrategy.noWatermarks();
    return env.fromSource(source, watermarks, stepName).uid(stepName);
  }

  /** Writes values to {@code topicName} (at least once: flushed when the input ends). */
  public static <T extends SpecificRecord> KafkaSink<T> sink(String bootstrap, String topicName, Topic<T> topic) {
    return KafkaSink.<T>builder()
        .setBootstrapServers(bootstrap)
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer(new AvroRecordSerializer<>(topicName, topic))
        .build();
  }

  static final class RawDeserializer implements KafkaRecordDeserializationSchema<KafkaBytes> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<KafkaBytes> out) {
      out.collect(new KafkaBytes(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.timestamp()));
    }

    @Override
    public TypeInformation<KafkaBytes> getProducedType() {
      return TypeInformation.of(KafkaBytes.class);
    }
  }

  static final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private final String topicName;
    private final Topic<T> topic;
    private transient AvroCodec<T> codec;

    AvroRecordSerializer(String topicName, Topic<T> topic) {
      this.topicName = topicName;
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T value, KafkaSinkContext context, Long timestamp) {
      if (codec == null) {
        codec = AvroCodec.of(topic.valueClass());
      }
      return new ProducerRecord<>(topicName, topic.keyOf(value).getBytes(StandardCharsets.UTF_8), codec.encode(value));
    }
  }
}
