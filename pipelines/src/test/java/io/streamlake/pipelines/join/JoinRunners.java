package io.streamlake.pipelines.join;

import io.streamlake.events.ticketing.Booking;
import io.streamlake.events.ticketing.Payment;
import io.streamlake.generators.core.DisorderedStream;
import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.ticketing.TicketingScenario;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.AvroDecodeException;
import io.streamlake.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.TimestampedValue;

/** Generated ticketing data as raw Kafka-shaped records, and options for each runner under test. */
final class JoinRunners {
  private JoinRunners() {}

  /** The records the generator would send, as the pipeline would read them. */
  static List<TimestampedValue<RawRecord>> records(GeneratorConfig config) {
    List<TimestampedValue<RawRecord>> out = new ArrayList<>();
    DisorderedStream stream = DisorderedStream.of(new TicketingScenario(), config);
    long offset = 0;
    while (stream.hasNext()) {
      GeneratedRecord r = stream.next();
      RawRecord raw = new RawRecord(r.topic(), 0, offset++, r.key(), r.value(), r.eventTime().toEpochMilli());
      out.add(TimestampedValue.of(raw, org.joda.time.Instant.ofEpochMilli(r.eventTime().toEpochMilli())));
    }
    return out;
  }

  static List<Booking> bookings(List<TimestampedValue<RawRecord>> records) {
    List<Booking> out = new ArrayList<>();
    for (TimestampedValue<RawRecord> r : records) {
      if (r.getValue().topic().equals("bookings")) {
        try {
          out.add(Topics.BOOKINGS.codec().decode(r.getValue().value()));
        } catch (AvroDecodeException e) {
          // poison: the model leaves it out, the pipeline must dead-letter it
        }
      }
    }
    return out;
  }

  static List<Payment> payments(List<TimestampedValue<RawRecord>> records) {
    List<Payment> out = new ArrayList<>();
    for (TimestampedValue<RawRecord> r : records) {
      if (r.getValue().topic().equals("payments")) {
        try {
          out.add(Topics.PAYMENTS.codec().decode(r.getValue().value()));
        } catch (AvroDecodeException e) {
          // poison
        }
      }
    }
    return out;
  }

  /** Join options for a runner: Direct, Flink (embedded MiniCluster) or Spark (local). */
  static BookingJoinPipeline.Options options(String runner, boolean streaming) {
    List<String> args = new ArrayList<>(List.of("--runner=" + runner, "--paymentWindowMinutes=15",
        "--allowedLatenessMinutes=5", "--writeKafka=false", "--writeWarehouse=false"));
    if (runner.equals("FlinkRunner")) {
      args.addAll(List.of("--flinkMaster=[local]", "--parallelism=2", "--objectReuse=false"));
    } else if (runner.equals("SparkRunner")) {
      args.addAll(List.of("--sparkMaster=local[2]"));
    }
    if (streaming) {
      args.add("--streaming=true");
    }
    PipelineOptionsFactory.register(BookingJoinPipeline.Options.class);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(BookingJoinPipeline.Options.class);
  }
}
