package io.streamlake.pipelines.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlake.devservices.PostgresServer;
import io.streamlake.events.DeadLetter;
import io.streamlake.events.retail.InvoiceLine;
import io.streamlake.pipelines.common.Collected;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.common.Warehouse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OLTP pipeline over the same bounded input (a replay of the topic) on Direct, Flink (embedded
 * MiniCluster) and Spark (local), each into its own PostgreSQL database: the three customer views equal
 * the reference model on every runner, and the poison records are dead letters on every runner.
 */
class RetailOltpRunnersTest {
  static final List<InvoiceLine> LINES = RetailFixtures.scenario(3, 30);
  static final RetailModel MODEL = RetailModel.of(LINES);

  static List<TimestampedValue<RawRecord>> records() {
    List<TimestampedValue<RawRecord>> out = new ArrayList<>();
    for (InvoiceLine l : LINES) {
      RawRecord r = RetailFixtures.raw(l, out.size());
      out.add(TimestampedValue.of(r, new Instant(r.timestampMillis())));
    }
    for (String junk : List.of("not avro", "\u00c3\u0001 truncated")) {
      RawRecord r = new RawRecord("retail-invoice-lines", 0, out.size(), null, junk.getBytes(StandardCharsets.ISO_8859_1),
          RetailFixtures.BASE.toEpochMilli());
      out.add(TimestampedValue.of(r, new Instant(r.timestampMillis())));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "FlinkRunner", "SparkRunner"})
  void boundedReplayGivesTheModelsViewsOnEveryRunner(String runner) {
    RetailOltpPipeline.Options options = RetailFixtures.options(runner,
        PostgresServer.shared().jdbcUrl("retail_runners_" + runner.toLowerCase()));
    options.setWriteDeadLetters(false);
    if (runner.equals("SparkRunner")) {
      options.as(org.apache.beam.runners.spark.SparkPipelineOptions.class).setSparkMaster("local[2]");
    }
    Warehouse.of(options).migrate(OltpStore.MIGRATIONS);
    Pipeline p = Pipeline.create(options);
    RetailOltpPipeline.Outputs out = RetailOltpPipeline.parse(
        p.apply("Records", Create.timestamped(records()).withCoder(RawRecord.Coder.of())), options);
    RetailOltpPipeline.write(out, options);
    Collected<DeadLetter> dead = Collected.of(out.deadLetters(), "dead-" + runner);
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());

    RetailViews views = RetailViews.read(Warehouse.of(options));
    assertEquals(MODEL.spend, views.spend, "total spend per customer");
    assertEquals(MODEL.history, views.history, "order history");
    assertEquals(MODEL.returned, views.returned, "returned items");
    assertEquals(2, dead.get().size(), "the poison records are dead letters");
  }
}
