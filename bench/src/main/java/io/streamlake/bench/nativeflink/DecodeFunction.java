package io.streamlake.bench.nativeflink;

import io.streamlake.events.DeadLetter;
import io.streamlake.schemas.AvroCodec;
import io.streamlake.schemas.AvroDecodeException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes Avro single-object bytes of one topic with the platform's {@link AvroCodec}; a record that
 * does not decode goes to {@link #DEAD_LETTERS} as the same dead letter the Beam pipelines write
 * (id {@code topic/partition/offset/step}, original bytes, the codec's message, step {@code
 * Decode<Type>}). Never throws on bad data.
 */
public final class DecodeFunction<T extends SpecificRecord> extends ProcessFunction<KafkaBytes, T> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

  private final Class<T> type;
  private final String step;
  private transient AvroCodec<T> codec;
  private transient Counter decoded;
  private transient Counter failed;

  public DecodeFunction(Class<T> type) {
    this.type = type;
    this.step = "Decode" + type.getSimpleName();
  }

  @Override
  public void open(Configuration parameters) {
    codec = AvroCodec.of(type);
    var metrics = getRuntimeContext().getMetricGroup().addGroup("decode");
    decoded = metrics.counter(type.getSimpleName() + "_decoded");
    failed = metrics.counter(type.getSimpleName() + "_dead_letter");
  }

  @Override
  public void processElement(KafkaBytes r, Context ctx, Collector<T> out) {
    T value;
    try {
      value = codec.decode(r.value);
    } catch (AvroDecodeException e) {
      failed.inc();
      ctx.output(DEAD_LETTERS, deadLetter(r, e.getMessage(), step));
      return;
    }
    decoded.inc();
    out.collect(value);
  }

  static DeadLetter deadLetter(KafkaBytes r, String error, String step) {
    return new DeadLetter(r.topic + "/" + r.partition + "/" + r.offset + "/" + step, r.topic, r.partition, r.offset,
        r.key == null ? null : ByteBuffer.wrap(r.key), r.value == null ? null : ByteBuffer.wrap(r.value),
        error, step, Instant.now());
  }
}
