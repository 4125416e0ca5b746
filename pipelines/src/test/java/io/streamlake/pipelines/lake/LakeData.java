package io.streamlake.pipelines.lake;

import io.streamlake.generators.boxoffice.BoxOfficeScenario;
import io.streamlake.generators.core.DisorderedStream;
import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.generators.core.Scenario;
import io.streamlake.generators.flights.FlightsScenario;
import io.streamlake.generators.retail.RetailScenario;
import io.streamlake.generators.shop.ShopScenario;
import io.streamlake.generators.ticketing.TicketingScenario;
import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.TimestampedValue;

/** Seeded records of every scenario for the lake writer on several runners, and the bronze layer read back. */
final class LakeData {
  private LakeData() {}

  static final Instant BASE = Instant.parse("2026-03-02T08:52:00Z");

  /** Each scenario, seeded, with some duplicates and poison records, spanning an hour boundary. */
  static List<GeneratedRecord> generated() {
    List<GeneratedRecord> out = new ArrayList<>();
    List<Scenario> scenarios = List.of(new TicketingScenario(), new ShopScenario(), new BoxOfficeScenario(),
        new FlightsScenario(), new RetailScenario());
    int seed = 40;
    for (Scenario s : scenarios) {
      GeneratorConfig config = GeneratorConfig.builder().seed(seed++).rate(0.1).events(60).baseTime(BASE)
          .duplicateFraction(0.02).poisonFraction(0.02).build();
      DisorderedStream.of(s, config).forEachRemaining(out::add);
    }
    return out;
  }

  /** The topics the records are on, as {@code --topics} takes them: the pipeline reads only these. */
  static String topics(List<GeneratedRecord> generated) {
    return String.join(",", generated.stream().map(GeneratedRecord::topic).distinct().sorted().toList());
  }

  /** The generated records as the pipeline reads them from Kafka (Kafka time = event time). */
  static List<TimestampedValue<RawRecord>> records(List<GeneratedRecord> generated) {
    List<TimestampedValue<RawRecord>> out = new ArrayList<>();
    long offset = 0;
    for (GeneratedRecord r : generated) {
      long at = r.eventTime().toEpochMilli();
      out.add(TimestampedValue.of(new RawRecord(r.topic(), 0, offset++, r.key(), r.value(), at),
          org.joda.time.Instant.ofEpochMilli(at)));
    }
    return out;
  }

  static LakeWriterPipeline.Options options(String runner, Path lakeRoot, boolean streaming) {
    List<String> args = new ArrayList<>(List.of("--runner=" + runner, "--lakeRoot=" + lakeRoot));
    if (runner.equals("FlinkRunner")) {
      args.addAll(List.of("--flinkMaster=[local]", "--parallelism=2", "--objectReuse=false"));
    } else if (runner.equals("SparkRunner")) {
      args.add("--sparkMaster=local[2]");
    }
    if (streaming) {
      args.add("--streaming=true");
    }
    PipelineOptionsFactory.register(LakeWriterPipeline.Options.class);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(LakeWriterPipeline.Options.class);
  }

  /**
   * The bronze layer, normalised so runs compare: topic folder -> partition folder -> the sorted rows
   * (dead letters without {@code failed_at}, the wall-clock time of the failure). File names and the
   * split of rows into files differ by run and runner and are left out.
   */
  static Map<String, Map<String, List<String>>> bronze(Path lakeRoot) {
    Path bronze = lakeRoot.resolve(LakeLayout.BRONZE);
    Map<String, Map<String, List<String>>> out = new TreeMap<>();
    for (String file : LakeFixtures.parquetFiles(bronze)) {
      String topic = file.substring(0, file.indexOf('/'));
      String partition = file.substring(topic.length() + 1, file.lastIndexOf('/'));
      org.apache.avro.Schema schema = topic.equals(LakeLayout.DEAD_LETTER_DIR) ? Topics.DEAD_LETTERS.schema()
          : topicNamed(topic).schema();
      for (GenericRecord r : LakeFixtures.read(bronze.resolve(file), schema)) {
        if (topic.equals(LakeLayout.DEAD_LETTER_DIR)) {
          r.put("failed_at", 0L);
        }
        out.computeIfAbsent(topic, t -> new TreeMap<>()).computeIfAbsent(partition, p -> new ArrayList<>())
            .add(r.toString());
      }
    }
    out.values().forEach(parts -> parts.values().forEach(rows -> rows.sort(null)));
    return out;
  }

  /** Rows per topic folder. */
  static Map<String, Integer> rowCounts(Map<String, Map<String, List<String>>> bronze) {
    Map<String, Integer> out = new TreeMap<>();
    bronze.forEach((topic, parts) -> out.put(topic, parts.values().stream().mapToInt(List::size).sum()));
    return out;
  }

  private static Topic<?> topicNamed(String name) {
    return Topics.all().stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no topic " + name));
  }
}
