package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.common.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * The last step of an hourly run, on the driver: loads the run's staged rows into the gold tables in
 * <b>one transaction</b> — delete the hour's rows, load the run's staging files with the database's
 * bulk path ({@link BulkLoad}), run the {@link DataChecks} — and commits only when every check
 * passes. A rerun of an hour therefore replaces exactly that hour, and a reader sees either the old
 * hour or the new one, never a mix or a duplicate.
 */
public final class HourLoader {
  private HourLoader() {}

  /**
   * What a successful load wrote: rows per table, and the silver rows the run saw; and where its time
   * went, in seconds: connecting, deleting the hour and loading the files ({@code replace}), the data
   * checks, and recording the run and committing ({@code commit}).
   */
  public record Loaded(Map<String, Integer> rows, long silverRows, double replace, double checks, double commit) {
    public long goldRows() {
      return rows.values().stream().mapToLong(Integer::longValue).sum();
    }
  }

  /** What a run was, for {@code batch_runs}. */
  public record RunInfo(String runId, Hour hour, Instant startedAt, String runner) {}

  /**
   * Loads run {@code run.runId()}'s staging files (in {@code runDir}, {@link StageRows}) of {@code
   * tables} and of its topic statistics for {@code topics} straight into the warehouse, replacing the
   * hour's rows, records the quarantine and the run, and commits if the data checks pass: one
   * transaction, so a reader sees the old hour or the new one, never a mix.
   *
   * @throws DataChecks.DataCheckException when a check fails (nothing was changed)
   * @throws IllegalStateException when a staging file is missing or the warehouse fails (nothing was changed)
   */
  public static Loaded swap(Warehouse warehouse, RunInfo run, String runDir, List<GoldTable> tables, List<String> topics,
      List<QuarantineEntry> quarantine) {
    Object hour = Warehouse.utc(run.hour().start());
    BulkLoad.Dialect dialect = BulkLoad.Dialect.of(warehouse.url());
    Map<GoldTable, ResourceId> staged = new LinkedHashMap<>();
    for (GoldTable t : tables) {
      staged.put(t, RunFiles.stagingFile(runDir, t, dialect));
    }
    ResourceId statsFile = RunFiles.stagingFile(runDir, TopicStats.TABLE, dialect);
    requireStaged(run, staged.values(), statsFile);
    long t0 = System.nanoTime();
    try (Connection c = warehouse.connect()) {
      c.setAutoCommit(false);
      try {
        Map<String, Integer> rows = new LinkedHashMap<>();
        for (Map.Entry<GoldTable, ResourceId> f : staged.entrySet()) {
          GoldTable t = f.getKey();
          update(c, "DELETE FROM " + t.name() + " WHERE hour = ?", hour);
          rows.put(t.name(), Math.toIntExact(BulkLoad.loadStaged(c, t, f.getValue())));
        }
        String topicList = topics.stream().map(n -> "'" + n.replace("'", "''") + "'").collect(Collectors.joining(", "));
        update(c, "DELETE FROM " + TopicStats.TABLE.name() + " WHERE hour = ? AND topic IN (" + topicList + ")", hour);
        BulkLoad.loadStaged(c, TopicStats.TABLE, statsFile);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO batch_quarantine (run_id, hour, kind, topic, path,"
            + " event_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          for (QuarantineEntry q : quarantine) {
            s.setString(1, run.runId());
            s.setObject(2, hour);
            s.setString(3, q.kind().name());
            s.setString(4, q.topic());
            s.setString(5, q.path());
            s.setString(6, q.eventId());
            s.setString(7, q.reason());
            s.addBatch();
          }
          if (!quarantine.isEmpty()) {
            s.executeBatch();
          }
        }
        long t1 = System.nanoTime();
        List<DataChecks.Failure> failures = DataChecks.run(c, run.hour(), tables);
        if (!failures.isEmpty()) {
          throw new DataChecks.DataCheckException(run.hour(), failures);
        }
        long t2 = System.nanoTime();
        long silver = silverRows(c, hour, topicList);
        long files = quarantine.stream().filter(q -> q.kind() == QuarantineEntry.Kind.FILE).count();
        long gold = rows.values().stream().mapToLong(Integer::longValue).sum();
        insertRun(c, run, quarantine.isEmpty() ? "OK" : "QUARANTINED", silver, gold, files, quarantine.size() - files, null);
        c.commit();
        return new Loaded(rows, silver, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("loading hour " + run.hour() + " into " + warehouse.url() + " failed: "
          + e.getMessage(), e);
    }
  }

  /** Every staging file must exist (a table without rows has an empty one): a missing one is a failed staging step. */
  private static void requireStaged(RunInfo run, Collection<ResourceId> files, ResourceId statsFile) {
    List<ResourceId> all = new ArrayList<>(files);
    all.add(statsFile);
    for (ResourceId f : all) {
      try {
        MatchResult m = FileSystems.match(f.toString());
        if (m.status() != MatchResult.Status.OK || m.metadata().isEmpty()) {
          throw new IllegalStateException("run " + run.runId() + " of hour " + run.hour() + " staged no file " + f
              + " (the staging step did not finish); nothing was loaded");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot look for the staging file " + f + ": " + e.getMessage(), e);
      }
    }
  }

  /** Records a failed run (in its own transaction; the failed load itself was rolled back). */
  public static void recordFailure(Warehouse warehouse, RunInfo run, String message) {
    try (Connection c = warehouse.connect()) {
      insertRun(c, run, "FAILED", 0, 0, 0, 0, message.length() > 2000 ? message.substring(0, 2000) : message);
    } catch (SQLException | RuntimeException e) {
      // the warehouse may be what failed; the run's exit code and log still say what happened
    }
  }

  private static long silverRows(Connection c, Object hour, String topicList) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(silver_rows), 0) FROM batch_topic_stats"
        + " WHERE hour = ? AND topic IN (" + topicList + ")")) {
      s.setObject(1, hour);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void insertRun(Connection c, RunInfo run, String status, long silver, long gold, long files,
      long records, String message) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO batch_runs (run_id, hour, started_at, finished_at,"
        + " runner, status, silver_rows, gold_rows, quarantined_files, quarantined_records, message)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, run.runId());
      s.setObject(2, Warehouse.utc(run.hour().start()));
      s.setObject(3, Warehouse.utc(run.startedAt()));
      s.setObject(4, Warehouse.utc(Instant.now()));
      s.setString(5, run.runner());
      s.setString(6, status);
      s.setLong(7, silver);
      s.setLong(8, gold);
      s.setLong(9, files);
      s.setLong(10, records);
      s.setString(11, message);
      s.executeUpdate();
    }
  }

  private static int update(Connection c, String sql, Object param) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, param);
      return s.executeUpdate();
    }
  }
}
