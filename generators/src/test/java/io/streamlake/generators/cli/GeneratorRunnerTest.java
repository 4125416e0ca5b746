package io.streamlake.generators.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.generators.core.GeneratedRecord;
import io.streamlake.generators.core.RecordStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The send loop: pacing, and stopping while it waits for a record that is minutes away. */
class GeneratorRunnerTest {
  private static final Instant BASE = Instant.parse("2026-01-01T10:00:00Z");

  /** Records in a list, released at their event times. */
  private static final class ListStream implements RecordStream {
    private final Iterator<GeneratedRecord> it;
    private GeneratedRecord head;

    ListStream(List<GeneratedRecord> records) {
      it = records.iterator();
      head = it.hasNext() ? it.next() : null;
    }

    @Override
    public boolean hasNext() {
      return head != null;
    }

    @Override
    public Instant peekReleaseTime() {
      return head.eventTime();
    }

    @Override
    public GeneratedRecord next() {
      GeneratedRecord r = head;
      head = it.hasNext() ? it.next() : null;
      return r;
    }
  }

  /** Keeps what it is sent, acknowledging at once. */
  private static final class ListSink implements RecordSink {
    final List<GeneratedRecord> sent = new CopyOnWriteArrayList<>();

    @Override
    public void send(GeneratedRecord record) {
      sent.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public long acknowledged() {
      return sent.size();
    }

    @Override
    public long failed() {
      return 0;
    }

    @Override
    public String firstError() {
      return null;
    }

    @Override
    public void close() {}
  }

  private static GeneratedRecord record(Duration after) {
    return new GeneratedRecord("t", null, new byte[] {1}, BASE.plus(after), GeneratedRecord.Kind.IN_ORDER);
  }

  @Test
  void aStopWhileWaitingForARecordMinutesAwayEndsTheRunAtOnceWithoutSendingIt() {
    List<GeneratedRecord> records = new ArrayList<>(List.of(record(Duration.ZERO), record(Duration.ofMinutes(10))));
    ListSink sink = new ListSink();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    GeneratorRunner runner = new GeneratorRunner(sink, 1.0, Duration.ofMillis(100),
        new PrintStream(progress, true, StandardCharsets.UTF_8));
    // stop as soon as the first record went out: the run is then waiting for a record due in ten minutes
    RunStats stats = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> runner.run(List.of(new ListStream(records)), BASE, () -> !sink.sent.isEmpty() && progressed(progress)));
    assertEquals(1, stats.sent());
    assertEquals(1, sink.sent.size(), "the record due in ten minutes was not sent");
    assertTrue(progress.toString(StandardCharsets.UTF_8).contains("progress: sent=1"),
        "progress lines go on while the run waits: " + progress);
  }

  private static boolean progressed(ByteArrayOutputStream progress) {
    return progress.toString(StandardCharsets.UTF_8).contains("progress:");
  }
}
