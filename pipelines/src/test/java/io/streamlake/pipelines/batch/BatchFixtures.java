package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.common.RawRecord;
import io.streamlake.pipelines.lake.LakeFixtures;
import io.streamlake.pipelines.lake.LakeLayout;
import io.streamlake.pipelines.lake.LakeWriterPipeline;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.TimestampedValue;

/**
 * A bronze lake for batch tests, written by the real lake writer from generated events (with some
 * records sent twice and one poison record), built once per JVM and copied for each test.
 */
final class BatchFixtures {
  static final Instant BASE = Instant.parse("2026-03-01T09:00:00Z");
  static final Hour H0 = Hour.parse("2026-03-01T09");
  static final Hour H1 = Hour.parse("2026-03-01T10");
  static final Hour H2 = Hour.parse("2026-03-01T11");
  static final List<String> GOLD_TOPICS = List.of("bookings", "payments", "boxoffice", "retail-invoice-lines", "orders");

  private static final Map<String, Path> TEMPLATES = new ConcurrentHashMap<>();

  private BatchFixtures() {}

  /** The events of the standard fixture: three hours from {@link #BASE}. */
  static BatchEvents events() {
    return BatchEvents.generate(11, BASE, 3);
  }

  /** A fresh copy of the standard bronze lake (bronze files as the lake writer lays them out, some records twice). */
  static synchronized Path lake() {
    Path template = TEMPLATES.computeIfAbsent("standard", k -> {
      Path dir = tempDir("lake-template");
      writeBronzeFiles(dir, events().all(), "fixture", 25);
      return dir;
    });
    Path copy = tempDir("lake");
    copyTree(template, copy);
    return copy;
  }

  /**
   * Writes events straight into bronze Parquet files, one file per topic and hour named {@code
   * part-NAME-...}, every {@code duplicateEvery}-th record twice (0: none): the layout of {@link
   * io.streamlake.pipelines.lake.WriteLake} without running a pipeline.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static void writeBronzeFiles(Path lake, List<SpecificRecord> events, String name, int duplicateEvery) {
    Map<String, List<SpecificRecord>> byFolder = new java.util.TreeMap<>();
    for (SpecificRecord e : events) {
      Topic topic = topicOf(e);
      Instant at = (Instant) ((SpecificRecordBase) e).get(LakeLayout.eventTimeField(e.getSchema()));
      byFolder.computeIfAbsent(topic.name() + "/" + LakeLayout.partition(at), k -> new ArrayList<>()).add(e);
    }
    int i = 0;
    for (Map.Entry<String, List<SpecificRecord>> folder : byFolder.entrySet()) {
      String topic = folder.getKey().substring(0, folder.getKey().indexOf('/'));
      org.apache.avro.Schema schema = LakeLayout.schemaOf(topic);
      Path file = lake.resolve("bronze").resolve(folder.getKey()).resolve("part-" + name + "-00000-00-of-01.parquet");
      try {
        Files.createDirectories(file.getParent());
        org.apache.beam.sdk.io.FileIO.Sink<org.apache.avro.generic.GenericRecord> sink =
            org.apache.beam.sdk.io.parquet.ParquetIO.sink(schema).withConfiguration(Map.of());
        try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(file,
            java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
          sink.open(out);
          for (SpecificRecord e : folder.getValue()) {
            org.apache.avro.generic.GenericRecord g = io.streamlake.pipelines.lake.ParquetFiles.toGeneric(
                topicOf(e).codec().encode(e), schema);
            sink.write(g);
            if (duplicateEvery > 0 && i++ % duplicateEvery == 0) {
              sink.write(g);
            }
          }
          sink.flush();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @SuppressWarnings("rawtypes")
  private static Topic topicOf(SpecificRecord e) {
    return Topics.all().stream().filter(t -> t.valueClass() == e.getClass() && !t.name().equals("deadletter"))
        .findFirst().orElseThrow();
  }

  /** Writes events into a lake's bronze layer with the lake writer (Direct runner, bounded). */
  static void writeBronze(Path lake, List<SpecificRecord> events, boolean withDuplicatesAndPoison) {
    List<TimestampedValue<RawRecord>> records = new ArrayList<>();
    int i = 0;
    for (SpecificRecord e : events) {
      TimestampedValue<RawRecord> r = raw(e);
      records.add(r);
      if (withDuplicatesAndPoison && i++ % 25 == 0) {
        records.add(r);
      }
    }
    if (withDuplicatesAndPoison) {
      records.add(LakeFixtures.raw("bookings", "k", "not avro".getBytes(StandardCharsets.UTF_8), BASE.plusSeconds(60)));
    }
    LakeWriterPipeline.Options options = LakeFixtures.options(lake);
    Pipeline p = Pipeline.create(options);
    List<Topic<?>> topics = GOLD_TOPICS.stream().<Topic<?>>map(LakeLayout::topic).toList();
    LakeWriterPipeline.land(p.apply("Records", Create.timestamped(records).withCoder(RawRecord.Coder.of())),
        topics, options);
    p.run().waitUntilFinish();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static TimestampedValue<RawRecord> raw(SpecificRecord e) {
    Topic topic = topicOf(e);
    Instant at = (Instant) ((SpecificRecordBase) e).get(LakeLayout.eventTimeField(e.getSchema()));
    return LakeFixtures.raw(topic, (SpecificRecord) e, at);
  }

  /** Batch options for a runner and a warehouse. */
  static List<String> args(String runner, Path lake, String jdbcUrl, String... more) {
    List<String> args = new ArrayList<>(List.of("--runner=" + runner, "--lakeRoot=" + lake, "--jdbcUrl=" + jdbcUrl,
        "--lockFile=" + lake.resolve("batch.lock")));
    if (runner.equals("FlinkRunner")) {
      args.addAll(List.of("--flinkMaster=[local]", "--parallelism=2", "--objectReuse=false"));
    } else if (runner.equals("SparkRunner")) {
      args.add("--sparkMaster=local[2]");
    }
    args.addAll(List.of(more));
    return args;
  }

  /** What a command-line run printed and returned. */
  record Run(int exit, String out, String err) {}

  static Run cli(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = HourlyBatch.cli(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Clock.fixed(H2.end().plusSeconds(3600), ZoneOffset.UTC));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String duckDb(Path dir, String name) {
    return "jdbc:duckdb:" + dir.resolve(name + ".duckdb");
  }

  private static final List<Path> TEMP_DIRS = new java.util.concurrent.CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> TEMP_DIRS.forEach(BatchFixtures::deleteTree), "batch-test-cleanup"));
  }

  /** A temporary folder, deleted when the JVM exits. */
  static Path tempDir(String prefix) {
    try {
      Path dir = Files.createTempDirectory("streamlake-" + prefix);
      TEMP_DIRS.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The regular files under a folder (none when it does not exist), sorted. */
  static List<Path> filesUnder(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: the JVM is going away
    }
  }

  static void copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
