package io.streamlake.pipelines.batch;

import io.streamlake.schemas.AvroCodec;
import io.streamlake.schemas.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/** The silver records of one topic as its Avro class; with or without the next hour's lookahead records. */
public final class Typed<T extends SpecificRecord> extends PTransform<PCollection<SilverRecord>, PCollection<T>> {
  private final Topic<T> topic;
  private final boolean withLookahead;

  private Typed(Topic<T> topic, boolean withLookahead) {
    this.topic = topic;
    this.withLookahead = withLookahead;
  }

  /** This hour's records of the topic. */
  public static <T extends SpecificRecord> Typed<T> of(Topic<T> topic) {
    return new Typed<>(topic, false);
  }

  /** This hour's and the lookahead records of the topic. */
  public static <T extends SpecificRecord> Typed<T> withLookahead(Topic<T> topic) {
    return new Typed<>(topic, true);
  }

  @Override
  public PCollection<T> expand(PCollection<SilverRecord> input) {
    return input.apply("Decode", ParDo.of(new DecodeFn<>(topic.name(), topic.valueClass(), withLookahead)))
        .setCoder(AvroCoder.of(topic.valueClass()));
  }

  static final class DecodeFn<T extends SpecificRecord> extends DoFn<SilverRecord, T> {
    private final String topic;
    private final Class<T> type;
    private final boolean withLookahead;
    private transient AvroCodec<T> codec;

    DecodeFn(String topic, Class<T> type, boolean withLookahead) {
      this.topic = topic;
      this.type = type;
      this.withLookahead = withLookahead;
    }

    @Setup
    public void setup() {
      codec = AvroCodec.of(type);
    }

    @ProcessElement
    public void process(@Element SilverRecord r, OutputReceiver<T> out) {
      if (r.topic().equals(topic) && (withLookahead || !r.lookahead())) {
        out.output(codec.decode(r.value()));
      }
    }
  }
}
