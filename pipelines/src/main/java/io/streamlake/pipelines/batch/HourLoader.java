package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.common.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The last step of an hourly run, on the driver: swaps the run's staged rows into the gold tables in
 * <b>one transaction</b> — delete the hour's rows, insert the run's, run the {@link DataChecks} —
 * and commits only when every check passes. A rerun of an hour therefore replaces exactly that hour,
 * and a reader sees either the old hour or the new one, never a mix or a duplicate.
 */
public final class HourLoader {
  private HourLoader() {}

  /** What a successful load wrote: rows per table, and the silver rows the run saw. */
  public record Loaded(Map<String, Integer> rows, long silverRows) {
    public long goldRows() {
      return rows.values().stream().mapToLong(Integer::longValue).sum();
    }
  }

  /** What a run was, for {@code batch_runs}. */
  public record RunInfo(String runId, Hour hour, Instant startedAt, String runner) {}

  private static List<GoldTable> stagedTables() {
    List<GoldTable> out = new ArrayList<>(GoldTables.ALL.stream().map(GoldTables.Spec::table).toList());
    out.add(TopicStats.TABLE);
    return out;
  }

  /**
   * Swaps run {@code run.runId()}'s staged rows of {@code tables} (and its topic statistics for
   * {@code topics}) into the warehouse, records the quarantine and the run, and commits if the data
   * checks pass. The commit also empties the hour's staging rows, this run's and those a failed or
   * crashed run of the same hour left (the swap reads only this run's, by run id, so leftovers never
   * reach a gold table).
   *
   * @throws DataChecks.DataCheckException when a check fails (nothing was changed)
   */
  public static Loaded swap(Warehouse warehouse, RunInfo run, List<GoldTable> tables, List<String> topics,
      List<QuarantineEntry> quarantine) {
    Object hour = Warehouse.utc(run.hour().start());
    try (Connection c = warehouse.connect()) {
      c.setAutoCommit(false);
      try {
        Map<String, Integer> rows = new LinkedHashMap<>();
        for (GoldTable t : tables) {
          update(c, "DELETE FROM " + t.name() + " WHERE hour = ?", hour);
          rows.put(t.name(), update(c, t.insertFromStaging(), run.runId()));
        }
        GoldTable stats = TopicStats.TABLE;
        String topicList = topics.stream().map(n -> "'" + n.replace("'", "''") + "'").collect(Collectors.joining(", "));
        update(c, "DELETE FROM " + stats.name() + " WHERE hour = ? AND topic IN (" + topicList + ")", hour);
        update(c, stats.insertFromStaging(), run.runId());
        // the hour's staging rows go with this commit: this run's, and any a failed or crashed run of the hour left
        for (GoldTable t : stagedTables()) {
          update(c, "DELETE FROM " + t.staging() + " WHERE hour = ?", hour);
        }
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
        List<DataChecks.Failure> failures = DataChecks.run(c, run.hour());
        if (!failures.isEmpty()) {
          throw new DataChecks.DataCheckException(run.hour(), failures);
        }
        long silver = silverRows(c, hour, topicList);
        long files = quarantine.stream().filter(q -> q.kind() == QuarantineEntry.Kind.FILE).count();
        Loaded loaded = new Loaded(rows, silver);
        insertRun(c, run, quarantine.isEmpty() ? "OK" : "QUARANTINED", silver, loaded.goldRows(), files,
            quarantine.size() - files, null);
        c.commit();
        return loaded;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("loading hour " + run.hour() + " into " + warehouse.url() + " failed: "
          + e.getMessage(), e);
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
