package io.streamlake.pipelines.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlake.devservices.EmbeddedKafka;
import io.streamlake.generators.cli.KafkaRecordSink;
import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.generators.core.GeneratorConfig;
import io.streamlake.pipelines.common.KafkaOptions;
import io.streamlake.pipelines.common.Warehouse;
import io.streamlake.pipelines.testing.Await;
import io.streamlake.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;

/**
 * Generator -> in-process Kafka -> the windows pipeline on the Flink runner (embedded MiniCluster,
 * streaming, detached; reference files re-read by periodic impulses) -> DuckDB warehouse, compared
 * with the reference model.
 */
class WindowsFlinkStreamingTest {

  @Test
  void streamingOnFlinkFillsTheWarehouseAsTheModelSays() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    String prefix = "it-windows-";
    kafka.createTopics(prefix, Topics.all());
    // event time over an hour ago, so every window has closed by the time the partitions go idle
    Instant base = Instant.now().minus(Duration.ofMinutes(75)).truncatedTo(ChronoUnit.HOURS);
    GeneratorConfig shop = GeneratorConfig.builder().seed(31).rate(1).events(200).baseTime(base)
        .duplicateFraction(0.02).poisonFraction(0.01).build();
    GeneratorConfig boxOffice = GeneratorConfig.builder().seed(32).rate(0.5).events(60).baseTime(base).build();
    GeneratorConfig flights = GeneratorConfig.builder().seed(33).rate(1).events(200).baseTime(base).build();
    try (KafkaRecordSink sink = new KafkaRecordSink(kafka.bootstrapServers(), prefix, Map.of())) {
      for (GeneratedRecord r : WindowsData.generated(shop, boxOffice, flights)) {
        sink.send(r);
      }
      sink.flush();
      assertEquals(0, sink.failed(), () -> "producing the test data failed: " + sink.firstError());
    }
    WindowsModel model = WindowsModelTest.model(WindowsData.records(shop, boxOffice, flights),
        WindowsData.options("DirectRunner", false));

    Path dir = Files.createTempDirectory("it-windows");
    WindowsPipeline.Options options = WindowsData.options("FlinkRunner", true);
    options.setBootstrapServers(kafka.bootstrapServers());
    options.setTopicPrefix(prefix);
    options.setReadMode(KafkaOptions.ReadMode.STREAMING);
    options.setIdleTimeoutMs(5_000L);
    options.setUsersFile(Files.writeString(dir.resolve("users.jsonl"), WindowsData.usersFile(), StandardCharsets.UTF_8)
        .toString());
    options.setVipFile(Files.writeString(dir.resolve("vip.json"), WindowsData.VIP, StandardCharsets.UTF_8).toString());
    options.setWriteKafka(true);
    options.setWriteWarehouse(true);
    options.setJdbcUrl("jdbc:duckdb:" + dir.resolve("warehouse.duckdb"));
    options.as(org.apache.beam.runners.flink.FlinkPipelineOptions.class).setAttachedMode(false);
    PipelineResult result = WindowsPipeline.run(options);
    try {
      Warehouse w = Warehouse.of(options);
      Await.until(() -> matches(model, w), Duration.ofMinutes(3), Duration.ofSeconds(1), () -> describe(model, w));
    } finally {
      result.cancel();
    }
  }

  private static boolean matches(WindowsModel model, Warehouse w) {
    try {
      return model.pageViews.equals(WindowsWarehouseTest.pageViews(w))
          && model.boxOffice.equals(WindowsWarehouseTest.boxOffice(w))
          && model.flights.equals(WindowsWarehouseTest.flights(w))
          && model.latencyAlerts.equals(WindowsWarehouseTest.latencyAlerts(w))
          && model.vipAlerts.equals(WindowsWarehouseTest.vipAlerts(w))
          && model.followups.equals(WindowsWarehouseTest.followups(w));
    } catch (SQLException e) {
      return false; // not migrated yet, or busy
    }
  }

  private static String describe(WindowsModel model, Warehouse w) {
    try {
      return "rows in the warehouse / the model: pageviews " + WindowsWarehouseTest.pageViews(w).size() + "/"
          + model.pageViews.size() + ", boxoffice " + WindowsWarehouseTest.boxOffice(w).size() + "/"
          + model.boxOffice.size() + ", flights " + WindowsWarehouseTest.flights(w).size() + "/" + model.flights.size()
          + ", latency alerts " + WindowsWarehouseTest.latencyAlerts(w).size() + "/" + model.latencyAlerts.size()
          + ", vip alerts " + WindowsWarehouseTest.vipAlerts(w).size() + "/" + model.vipAlerts.size()
          + ", follow-ups " + WindowsWarehouseTest.followups(w).size() + "/" + model.followups.size()
          + "; page view rows equal: " + model.pageViews.equals(WindowsWarehouseTest.pageViews(w));
    } catch (SQLException e) {
      return e.toString();
    }
  }
}
