package io.streamlake.pipelines.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamlake.pipelines.batch.HourlyBatch;
import io.streamlake.pipelines.common.Preflight;
import io.streamlake.pipelines.common.RunnerMatrix;
import io.streamlake.pipelines.common.RunnerMatrix.Cell;
import io.streamlake.pipelines.common.RunnerMatrix.Mode;
import io.streamlake.pipelines.common.RunnerMatrix.PipelineName;
import io.streamlake.pipelines.common.RunnerMatrix.Runner;
import io.streamlake.pipelines.common.RunnerMatrix.Support;
import io.streamlake.pipelines.join.BookingJoinPipeline;
import io.streamlake.pipelines.lake.LakeWriterPipeline;
import io.streamlake.pipelines.retail.RetailOltpPipeline;
import io.streamlake.pipelines.windows.WindowsPipeline;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the runner matrix true. {@link RunnerMatrix} says, for every pipeline, mode and runner, whether it
 * works or is refused; this test checks the three ways that could drift:
 *
 * <ul>
 *   <li>every cell marked as working names the test in this suite that runs that pipeline on that runner in
 *       that mode and compares its output (with the reference model or with the Direct runner): the test
 *       must exist, so a cell cannot claim more than the suite runs, and the suite fails when that run fails;
 *   <li>every cell marked as failing fast really stops the pipeline's own {@code run} before anything starts,
 *       with exactly the cell's sentence;
 *   <li>the README carries exactly {@link RunnerMatrix#markdown()} between its runner-matrix markers
 *       (on a mismatch the expected table is written to {@code target/runner-matrix.md}).
 * </ul>
 */
class RunnerMatrixTest {
  static final String BEGIN = "<!-- runner-matrix:begin (generated from RunnerMatrix; RunnerMatrixTest checks it) -->";
  static final String END = "<!-- runner-matrix:end -->";
  private static final String P = "io.streamlake.pipelines.";

  /** The test that runs each working cell, as {@code class#method}. */
  static final Map<String, String> EVIDENCE = new TreeMap<>();

  static {
    evidence(PipelineName.JOIN, Mode.BOUNDED, Runner.DIRECT, "join.BookingJoinModelTest#boundedRunEqualsTheModelAndAccountsForEveryRecord");
    evidence(PipelineName.JOIN, Mode.BOUNDED, Runner.FLINK, "join.BookingJoinRunnersTest#flinkBatchGivesTheSameFacts");
    evidence(PipelineName.JOIN, Mode.BOUNDED, Runner.SPARK, "join.BookingJoinRunnersTest#sparkBatchGivesTheSameFacts");
    evidence(PipelineName.JOIN, Mode.STREAMING, Runner.DIRECT, "join.BookingPaymentJoinTest#lateWithinAllowance");
    evidence(PipelineName.JOIN, Mode.STREAMING, Runner.FLINK,
        "join.BookingJoinFlinkStreamingTest#streamingJoinOnFlinkFillsTheWarehouseAsTheModelSays");
    evidence(PipelineName.WINDOWS, Mode.BOUNDED, Runner.DIRECT, "windows.WindowsModelTest#boundedRunEqualsTheModelAndAccountsForEveryRecord");
    evidence(PipelineName.WINDOWS, Mode.BOUNDED, Runner.FLINK, "windows.WindowsRunnersTest#flinkBatchGivesTheSameResults");
    evidence(PipelineName.WINDOWS, Mode.BOUNDED, Runner.SPARK, "windows.WindowsRunnersTest#sparkBatchGivesTheSameResults");
    evidence(PipelineName.WINDOWS, Mode.STREAMING, Runner.DIRECT, "windows.WindowsPipelineTest#lateWithinAllowance");
    evidence(PipelineName.WINDOWS, Mode.STREAMING, Runner.FLINK, "windows.WindowsFlinkStreamingTest#streamingOnFlinkFillsTheWarehouseAsTheModelSays");
    evidence(PipelineName.LAKE, Mode.BOUNDED, Runner.DIRECT, "lake.LakeWriterReplayTest#replayLandsEveryTopicRecordInItsEventHour");
    evidence(PipelineName.LAKE, Mode.BOUNDED, Runner.FLINK, "lake.LakeWriterRunnersTest#flinkBatchWritesTheSameBronze");
    evidence(PipelineName.LAKE, Mode.BOUNDED, Runner.SPARK, "lake.LakeWriterRunnersTest#sparkBatchWritesTheSameBronze");
    evidence(PipelineName.LAKE, Mode.STREAMING, Runner.DIRECT, "lake.LakeWriterTest#unboundedInputClosesFilesOnProcessingTimeAndKeepsOldEvents");
    evidence(PipelineName.LAKE, Mode.STREAMING, Runner.FLINK,
        "lake.LakeWriterFlinkStreamingTest#streamingLakeWriterOnFlinkLandsWhatABoundedRunLands");
    evidence(PipelineName.HOURLY_BATCH, Mode.BOUNDED, Runner.DIRECT, "batch.HourlyBatchDuckDbTest#backfillThenRerunThenLateFile");
    evidence(PipelineName.HOURLY_BATCH, Mode.BOUNDED, Runner.FLINK, "batch.HourlyBatchFlinkTest#flinkBatchLoadsTheSameWarehouseAsDirect");
    evidence(PipelineName.HOURLY_BATCH, Mode.BOUNDED, Runner.SPARK, "batch.HourlyBatchSparkTest#sparkBatchLoadsTheSameWarehouseAsDirect");
    for (Runner r : Runner.values()) {
      evidence(PipelineName.RETAIL_OLTP, Mode.BOUNDED, r, "retail.RetailOltpRunnersTest#boundedReplayGivesTheModelsViewsOnEveryRunner");
    }
    evidence(PipelineName.RETAIL_OLTP, Mode.STREAMING, Runner.DIRECT,
        "retail.RetailEndToEndDirectTest#viewsEqualTheModelOfTheAcceptedLinesOnDirectStreaming");
    evidence(PipelineName.RETAIL_OLTP, Mode.STREAMING, Runner.FLINK,
        "retail.RetailEndToEndFlinkTest#viewsEqualTheModelOfTheAcceptedLinesOnFlinkStreaming");
  }

  private static void evidence(PipelineName p, Mode m, Runner r, String test) {
    EVIDENCE.put(key(RunnerMatrix.cell(p, m, r)), test);
  }

  private static String key(Cell c) {
    return c.pipeline() + "/" + c.mode() + "/" + c.runner();
  }

  static Stream<Cell> cells() {
    return RunnerMatrix.all().stream();
  }

  static Stream<Cell> refusedCells() {
    return cells().filter(c -> c.support() == Support.FAILS_FAST);
  }

  @Test
  void everyPipelineModeAndRunnerHasACell() {
    assertEquals(PipelineName.values().length * Mode.values().length * Runner.values().length, RunnerMatrix.all().size());
    assertEquals(RunnerMatrix.all().size(), RunnerMatrix.all().stream().map(RunnerMatrixTest::key).distinct().count());
  }

  @ParameterizedTest
  @MethodSource("cells")
  void aWorkingCellIsRunByATestAndOnlyAWorkingCellClaimsOne(Cell cell) throws Exception {
    String test = EVIDENCE.get(key(cell));
    if (cell.support() != Support.WORKS) {
      assertEquals(null, test, "a cell that does not work names no test");
      return;
    }
    assertTrue(test != null, () -> key(cell) + " is marked as working but names no test that runs it");
    String[] parts = test.split("#");
    Class<?> type = Class.forName(P + parts[0]);
    Method method = Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(parts[1])).findFirst()
        .orElseThrow(() -> new AssertionError(test + " does not exist"));
    assertTrue(method.isAnnotationPresent(Test.class) || method.isAnnotationPresent(ParameterizedTest.class),
        test + " is not a test");
    assertTrue(type.getSimpleName().endsWith("Test"), test + " is not in a class the test command runs");
  }

  @ParameterizedTest
  @MethodSource("refusedCells")
  void aRefusedCellStopsThePipelineWithItsSentence(Cell cell) {
    List<String> args = new ArrayList<>(List.of("--runner=" + cell.runner().className(),
        "--bootstrapServers=127.0.0.1:1", "--jdbcUrl=jdbc:postgresql://127.0.0.1:1/never"));
    if (cell.mode() == Mode.STREAMING) {
      args.add("--readMode=STREAMING");
    } else {
      args.add("--readMode=REPLAY");
    }
    Preflight.PreflightException e = assertThrows(Preflight.PreflightException.class,
        () -> run(cell.pipeline(), args.toArray(String[]::new)));
    assertEquals(cell.text(), e.getMessage());
  }

  static Stream<Cell> notApplicableCells() {
    return cells().filter(c -> c.support() == Support.NOT_APPLICABLE);
  }

  /** A mode that does not apply (a streaming hourly batch) is refused as a usage error, with the matrix's sentence. */
  @ParameterizedTest
  @MethodSource("notApplicableCells")
  void aCellThatDoesNotApplyIsRefusedAsAUsageError(Cell cell) {
    assertEquals(PipelineName.HOURLY_BATCH, cell.pipeline(), "only the hourly batch has such cells: extend this test");
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int exit = io.streamlake.pipelines.batch.HourlyBatch.cli(new String[] {"--runner=" + cell.runner().className(),
        "--streaming=" + (cell.mode() == Mode.STREAMING), "--hour=2026-01-01T00",
        "--jdbcUrl=jdbc:postgresql://127.0.0.1:1/never"}, new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
        new java.io.PrintStream(err, true), java.time.Clock.systemUTC());
    assertEquals(io.streamlake.pipelines.batch.HourlyBatch.USAGE, exit, err.toString());
    assertTrue(err.toString().contains(cell.text()), err.toString());
  }

  private static void run(PipelineName pipeline, String[] args) {
    switch (pipeline) {
      case JOIN -> BookingJoinPipeline.run(options(BookingJoinPipeline.Options.class, args));
      case WINDOWS -> WindowsPipeline.run(options(WindowsPipeline.Options.class, args));
      case LAKE -> LakeWriterPipeline.run(options(LakeWriterPipeline.Options.class, args));
      case RETAIL_OLTP -> RetailOltpPipeline.run(options(RetailOltpPipeline.Options.class, args));
      case HOURLY_BATCH -> Preflight.check(options(HourlyBatch.Options.class, args), pipeline);
    }
  }

  private static <T extends PipelineOptions> T options(Class<T> type, String[] args) {
    PipelineOptionsFactory.register(type);
    return PipelineOptionsFactory.fromArgs(Arrays.stream(args).filter(a -> accepts(type, a)).toArray(String[]::new)).as(type);
  }

  /** Only the options an interface declares (the hourly batch has no --readMode). */
  private static boolean accepts(Class<?> type, String arg) {
    String name = arg.substring(2, arg.indexOf('='));
    String getter = "get" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    return Arrays.stream(type.getMethods()).anyMatch(m -> m.getName().equals(getter));
  }

  @Test
  void theReadmeCarriesTheMatrix() throws IOException {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    String expected = RunnerMatrix.markdown();
    if (begin < 0 || end < begin || !text.substring(begin + BEGIN.length(), end).strip().equals(expected.strip())) {
      Path out = Path.of("target", "runner-matrix.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, BEGIN + "\n" + expected + END + "\n", StandardCharsets.UTF_8);
      fail("README.md's runner matrix differs from RunnerMatrix: replace the block between the runner-matrix markers"
          + " with pipelines/" + out);
    }
  }
}
