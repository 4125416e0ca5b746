package io.streamlake.pipelines.common;

import io.streamlake.events.DeadLetter;
import io.streamlake.schemas.AvroCodec;
import io.streamlake.schemas.AvroDecodeException;
import io.streamlake.schemas.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Decodes raw records of one topic into its Avro type, stamping each with its event time (from the
 * event's own field). A record that does not decode, whose event time a pipeline cannot carry, or
 * whose event time is more than {@link #withMaxFutureSkew the allowed skew} ahead of the wall clock
 * (default {@value io.streamlake.schemas.EventTimes#DEFAULT_MAX_FUTURE_SKEW_MINUTES} minutes: a producer's clock or the
 * event is wrong; left in, it would sit in the join's and the windows' state until its time came and
 * land in a lake partition years ahead that no hourly run reads) goes to {@link #failures()} as a
 * dead letter with the reason; nothing is thrown and nothing is dropped. An optional {@link Check}
 * ({@link #withCheck}) applies a topic's rules to each decoded value in the same step, so a value that
 * breaks one becomes a dead letter that still carries the record's partition, offset and bytes as read.
 */
public final class DecodeRecords<T extends SpecificRecord> extends PTransform<PCollection<RawRecord>, PCollectionTuple> {
  private final Topic<T> topic;
  private final SerializableFunction<T, java.time.Instant> eventTime;
  private final TupleTag<T> decoded = new TupleTag<>() {};
  private final TupleTag<DeadLetter> failures = new TupleTag<>() {};
  private final java.time.Duration maxFutureSkew;
  private final Check<T> check;

  /** A topic's rules for a decoded value: what is wrong with it, nothing when it keeps every rule. */
  public interface Check<T> extends java.io.Serializable {
    /** The step its dead letters name. */
    String step();

    /** The reason the value is invalid, or null when it is valid. */
    String violation(T value);
  }

  private DecodeRecords(Topic<T> topic, SerializableFunction<T, java.time.Instant> eventTime,
      java.time.Duration maxFutureSkew, Check<T> check) {
    this.topic = topic;
    this.eventTime = eventTime;
    this.maxFutureSkew = maxFutureSkew;
    this.check = check;
  }

  public static <T extends SpecificRecord> DecodeRecords<T> of(Topic<T> topic, SerializableFunction<T, java.time.Instant> eventTime) {
    return new DecodeRecords<>(topic, eventTime,
        java.time.Duration.ofMinutes(io.streamlake.schemas.EventTimes.DEFAULT_MAX_FUTURE_SKEW_MINUTES), null);
  }

  /**
   * The same decoding, with event times allowed up to {@code skew} ahead of the wall clock at decoding
   * ({@link KafkaOptions#maxFutureSkew}); zero: any event time Beam can carry.
   */
  public DecodeRecords<T> withMaxFutureSkew(java.time.Duration skew) {
    if (skew.isNegative()) {
      throw new IllegalArgumentException("the future skew must not be negative, got " + skew);
    }
    return new DecodeRecords<>(topic, eventTime, skew, check);
  }

  /** The same decoding, then {@code check} on every decoded value (a failure is a dead letter of its step). */
  public DecodeRecords<T> withCheck(Check<T> check) {
    return new DecodeRecords<>(topic, eventTime, maxFutureSkew, check);
  }

  public TupleTag<T> decoded() {
    return decoded;
  }

  public TupleTag<DeadLetter> failures() {
    return failures;
  }

  @Override
  public PCollectionTuple expand(PCollection<RawRecord> input) {
    PCollectionTuple out = input.apply("Decode" + topic.valueClass().getSimpleName(),
        ParDo.of(new DecodeFn<>(topic.valueClass(), eventTime, maxFutureSkew, check, decoded, failures, topic.name()))
            .withOutputTags(decoded, TupleTagList.of(failures)));
    out.get(decoded).setCoder(AvroCoder.of(topic.valueClass()));
    out.get(failures).setCoder(AvroCoder.of(DeadLetter.class));
    return out;
  }

  /** The earliest event time a decoded record may have: Beam's own minimum timestamp. */
  static final java.time.Instant MIN_EVENT_TIME =
      java.time.Instant.ofEpochMilli(BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis());
  /** The latest: the end of the global window (a later timestamp cannot be windowed at all). */
  static final java.time.Instant MAX_EVENT_TIME =
      java.time.Instant.ofEpochMilli(GlobalWindow.INSTANCE.maxTimestamp().getMillis());

  static final class DecodeFn<T extends SpecificRecord> extends DoFn<RawRecord, T> {
    private final Class<T> type;
    private final SerializableFunction<T, java.time.Instant> eventTime;
    private final java.time.Duration maxFutureSkew;
    private final Check<T> check;
    private final TupleTag<T> decoded;
    private final TupleTag<DeadLetter> failures;
    private final String step;
    private final Counter ok;
    private final Counter failed;
    private transient AvroCodec<T> codec;

    DecodeFn(Class<T> type, SerializableFunction<T, java.time.Instant> eventTime, java.time.Duration maxFutureSkew,
        Check<T> check, TupleTag<T> decoded, TupleTag<DeadLetter> failures, String topic) {
      this.type = type;
      this.eventTime = eventTime;
      this.maxFutureSkew = maxFutureSkew;
      this.check = check;
      this.decoded = decoded;
      this.failures = failures;
      this.step = "Decode" + type.getSimpleName();
      this.ok = Metrics.counter("decode", topic + "_decoded");
      this.failed = Metrics.counter("decode", topic + "_dead_letter");
    }

    @Setup
    public void setup() {
      codec = AvroCodec.of(type);
    }

    @ProcessElement
    public void process(@Element RawRecord record, MultiOutputReceiver out) {
      T value;
      try {
        value = codec.decode(record.value());
      } catch (AvroDecodeException e) {
        failed.inc();
        out.get(failures).output(DeadLetters.of(record, e.getMessage(), step));
        return;
      }
      Instant at;
      java.time.Instant now = java.time.Instant.now();
      try {
        at = timestamp(eventTime.apply(value), maxFutureSkew, now);
      } catch (TooFarAhead e) {
        // stamped with the wall clock, not its own (bogus) time: the dead letter lands where it is looked for
        // (the lake's _deadletter partition of today, not one years ahead)
        failed.inc();
        out.get(failures).outputWithTimestamp(DeadLetters.of(record, "decoded, but its event time is unusable: "
            + e.getMessage(), step), new Instant(now.toEpochMilli()));
        return;
      } catch (RuntimeException e) {
        failed.inc();
        out.get(failures).output(DeadLetters.of(record, "decoded, but its event time is unusable: " + e.getMessage(),
            step));
        return;
      }
      String violation = check == null ? null : check.violation(value);
      if (violation != null) {
        failed.inc();
        out.get(failures).output(DeadLetters.of(record, violation, check.step()));
        return;
      }
      ok.inc();
      out.get(decoded).outputWithTimestamp(value, at);
    }

    /**
     * The event time as a Beam timestamp; an event time Beam cannot carry (missing, or outside {@link
     * #MIN_EVENT_TIME} .. {@link #MAX_EVENT_TIME}, e.g. nanoseconds written into a millisecond field)
     * is an error, so the record becomes a dead letter instead of failing the bundle over and over; so
     * is one more than {@code maxFutureSkew} (unless zero) ahead of {@code now}.
     */
    static Instant timestamp(java.time.Instant t, java.time.Duration maxFutureSkew, java.time.Instant now) {
      if (t == null) {
        throw new IllegalArgumentException("no event time");
      }
      if (t.isBefore(MIN_EVENT_TIME) || t.isAfter(MAX_EVENT_TIME)) {
        throw new IllegalArgumentException(t + " is outside the event times a pipeline can carry (" + MIN_EVENT_TIME
            + " .. " + MAX_EVENT_TIME + ")");
      }
      if (!maxFutureSkew.isZero() && java.time.Duration.between(now, t).compareTo(maxFutureSkew) > 0) {
        throw new TooFarAhead(t + " is " + java.time.Duration.between(now, t).toMinutes() + " minutes ahead of the"
            + " wall clock (" + now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + "), more than"
            + " --maxFutureSkewMinutes=" + maxFutureSkew.toMinutes() + " allows (a producer's clock, or the event, is wrong)");
      }
      return new Instant(t.toEpochMilli());
    }

    /** An event time more than the allowed skew ahead of the wall clock. */
    static final class TooFarAhead extends IllegalArgumentException {
      private static final long serialVersionUID = 1L;

      TooFarAhead(String message) {
        super(message);
      }
    }

    /** Event time comes from the event, which may be before the Kafka timestamp: allow moving back. */
    @Override
    public Duration getAllowedTimestampSkew() {
      return Duration.millis(Long.MAX_VALUE);
    }
  }
}
