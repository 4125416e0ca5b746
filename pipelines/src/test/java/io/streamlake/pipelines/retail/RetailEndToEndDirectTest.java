package io.streamlake.pipelines.retail;

import java.util.List;
import org.junit.jupiter.api.Test;

/** API -> Kafka -> the OLTP pipeline on the Direct runner (streaming, not blocking) -> PostgreSQL. */
class RetailEndToEndDirectTest {
  @Test
  void viewsEqualTheModelOfTheAcceptedLinesOnDirectStreaming() throws Exception {
    RetailEndToEnd.run("direct", List.of("--runner=DirectRunner", "--blockOnRun=false", "--streaming=true"));
  }
}
