package io.streamlake.pipelines.common;

import io.streamlake.schemas.AvroCodec;
import io.streamlake.schemas.Topic;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes Avro values to one platform topic (single-object encoding, key from the topic registry). */
public final class WriteTopic<T extends SpecificRecord> extends PTransform<PCollection<T>, PDone> {
  private final KafkaOptions options;
  private final Topic<T> topic;

  private WriteTopic(KafkaOptions options, Topic<T> topic) {
    this.options = options;
    this.topic = topic;
  }

  public static <T extends SpecificRecord> WriteTopic<T> of(KafkaOptions options, Topic<T> topic) {
    return new WriteTopic<>(options, topic);
  }

  @Override
  public PDone expand(PCollection<T> input) {
    return input
        .apply("Encode" + topic.valueClass().getSimpleName(), ParDo.of(new EncodeFn<>(topic)))
        .setCoder(KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()))
        .apply("WriteKafka", KafkaIO.<byte[], byte[]>write()
            .withBootstrapServers(options.getBootstrapServers())
            .withTopic(options.getTopicPrefix() + topic.name())
            .withKeySerializer(ByteArraySerializer.class)
            .withValueSerializer(ByteArraySerializer.class));
  }

  static final class EncodeFn<T extends SpecificRecord> extends DoFn<T, KV<byte[], byte[]>> {
    private final Topic<T> topic;
    private transient AvroCodec<T> codec;

    EncodeFn(Topic<T> topic) {
      this.topic = topic;
    }

    @Setup
    public void setup() {
      codec = AvroCodec.of(topic.valueClass());
    }

    @ProcessElement
    public void process(@Element T value, OutputReceiver<KV<byte[], byte[]>> out) {
      out.output(KV.of(topic.keyOf(value).getBytes(StandardCharsets.UTF_8), codec.encode(value)));
    }
  }
}
