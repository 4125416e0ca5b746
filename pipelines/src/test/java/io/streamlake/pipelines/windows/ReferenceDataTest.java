package io.streamlake.pipelines.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.streamlake.pipelines.common.Collected;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** Reading and parsing the reference files. */
class ReferenceDataTest {

  @Test
  void missingFileReadsAsEmptyAndAnExistingOneAsItsContents() throws Exception {
    Path dir = Files.createTempDirectory("reference");
    Path present = Files.writeString(dir.resolve("vip.json"), "[\"u-1\"]");
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    Collected<String> missing = Collected.of(ReferenceData.watch(p, "Missing", dir.resolve("none.json").toString(),
        org.joda.time.Duration.standardSeconds(1), false), "missing");
    Collected<String> found = Collected.of(ReferenceData.watch(p, "Present", present.toString(),
        org.joda.time.Duration.standardSeconds(1), false), "present");
    p.run().waitUntilFinish();
    assertEquals(List.of(""), missing.get(), "a missing file is an empty one: the alerts keep running");
    assertEquals(List.of("[\"u-1\"]"), found.get());
  }

  @Test
  void vipFileShapes() {
    assertEquals(Set.of("u-1", "u-2"), ReferenceData.parseVip("[\"u-1\", {\"user_id\": \"u-2\"}]"));
    assertEquals(Set.of("u-3"), ReferenceData.parseVip("{\"users\": [\"u-3\"]}"));
    assertEquals(Set.of(), ReferenceData.parseVip("  "));
    assertNull(ReferenceData.parseVip("{\"vip\": 1}"));
    assertNull(ReferenceData.parseVip("[1, 2]"));
    assertNull(ReferenceData.parseVip("[\"u-1\""));
  }

  @Test
  void userLines() {
    ReferenceData.Profile p = ReferenceData.parseUser(WindowsFixtures.userLine("u-1", "Ada", "UK"));
    assertEquals(new ReferenceData.Profile("u-1", "Ada", "u-1@example.com", "UK", "Springfield", "regular"), p);
    assertNull(ReferenceData.parseUser("{\"name\": \"no id\"}"));
    assertNull(ReferenceData.parseUser("[\"u-1\"]"));
    assertNull(ReferenceData.parseUser("{"));
  }
}
