package io.streamlake.pipelines.retail;

import java.util.List;
import org.junit.jupiter.api.Test;

/** API -> Kafka -> the OLTP pipeline on Flink (embedded MiniCluster, streaming, detached) -> PostgreSQL. */
class RetailEndToEndFlinkTest {
  @Test
  void viewsEqualTheModelOfTheAcceptedLinesOnFlinkStreaming() throws Exception {
    RetailEndToEnd.run("flink", List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2",
        "--objectReuse=false", "--attachedMode=false", "--streaming=true"));
  }
}
