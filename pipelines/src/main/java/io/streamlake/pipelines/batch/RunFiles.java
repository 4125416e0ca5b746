package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.lake.LakeLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake files of a batch run, handled on the driver through Beam's filesystems (so any lake root
 * works): the run's quarantine list, moving unreadable bronze files into the quarantine folder,
 * keeping exactly one run's silver files per hour, and the run's staging files.
 */
public final class RunFiles {
  private RunFiles() {}

  private static final Logger LOG = LoggerFactory.getLogger(RunFiles.class);

  /** The lake folder of the batch's staging files. */
  public static final String STAGING = "staging";

  /** {@code LAKE/quarantine/records/dt=.../hour=.../run-RUN}: prefix of the run's quarantine list. */
  public static String quarantineListPrefix(String root, Hour hour, String runId) {
    return LakeLayout.hourDir(root, LakeLayout.QUARANTINE, "records", hour.start()) + "/run-" + runId;
  }

  /** Where an unreadable bronze file goes: the same relative path under {@code LAKE/quarantine/}. */
  public static String quarantinePath(String root, String path) {
    if (path.startsWith(root + "/")) {
      return root + "/" + LakeLayout.QUARANTINE + "/" + path.substring(root.length() + 1);
    }
    return root + "/" + LakeLayout.QUARANTINE + "/other/" + path.substring(path.lastIndexOf('/') + 1);
  }

  /** {@code LAKE/staging/dt=.../hour=.../run-RUN}: the folder of the run's staging files ({@link StageRows}). */
  public static String stagingDir(String root, Hour hour, String runId) {
    return stagingHourDir(root, hour) + "/run-" + runId;
  }

  private static String stagingHourDir(String root, Hour hour) {
    return root + "/" + STAGING + "/" + LakeLayout.partition(hour.start());
  }

  /**
   * A table's staging file in its run's folder: {@code TABLE.csv} for PostgreSQL, {@code TABLE.rows}
   * (a {@link RowFile}) for DuckDB ({@link BulkLoad#writeStaged}).
   */
  public static String stagingFileName(GoldTable table, BulkLoad.Dialect dialect) {
    return table.name() + (dialect == BulkLoad.Dialect.DUCKDB ? ".rows" : ".csv");
  }

  /** A table's staging file of a run. */
  public static ResourceId stagingFile(String runDir, GoldTable table, BulkLoad.Dialect dialect) {
    return FileSystems.matchNewResource(runDir + "/" + stagingFileName(table, dialect), false);
  }

  /**
   * After a successful load: removes the hour's staging files, this run's and any a failed or crashed
   * run of the hour left. Returns how many files it removed. Best effort: the load has committed, so a
   * file that cannot be removed is only logged (the next successful run of the hour removes it).
   */
  public static int deleteStaging(String root, Hour hour) {
    return deleteStagingFiles(stagingHourDir(root, hour) + "/run-*/*", hour);
  }

  /** After a failed run: removes the staging files this run wrote (best effort, as {@link #deleteStaging}). */
  public static int discardStaging(String root, Hour hour, String runId) {
    return deleteStagingFiles(stagingDir(root, hour, runId) + "/*", hour);
  }

  private static int deleteStagingFiles(String pattern, Hour hour) {
    try {
      List<ResourceId> files = match(pattern);
      List<ResourceId> dirs = files.stream().map(ResourceId::getCurrentDirectory).distinct().toList();
      FileSystems.delete(files, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      if ("file".equals(dirs.isEmpty() ? "" : dirs.get(0).getScheme())) {
        // an object store has no folders; a local one would keep an empty folder per run
        FileSystems.delete(dirs, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      }
      return files.size();
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not remove the staging files {} of hour {}: {} (the next successful run of the hour removes them)",
          pattern, hour, e.getMessage());
      return 0;
    }
  }

  /** The entries the run's pipeline wrote to its quarantine list. */
  public static List<QuarantineEntry> readQuarantineList(String root, Hour hour, String runId) {
    List<QuarantineEntry> out = new ArrayList<>();
    for (ResourceId file : match(quarantineListPrefix(root, hour, runId) + "*")) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(FileSystems.open(file)),
          StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (!line.isBlank()) {
            out.add(QuarantineEntry.fromJson(line));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the quarantine list " + file, e);
      }
    }
    return out;
  }

  /** Moves every unreadable file of the list out of bronze into the quarantine folder. */
  public static void moveQuarantinedFiles(String root, List<QuarantineEntry> entries) {
    List<ResourceId> from = new ArrayList<>();
    List<ResourceId> to = new ArrayList<>();
    for (QuarantineEntry e : entries) {
      if (e.kind() == QuarantineEntry.Kind.FILE) {
        from.add(FileSystems.matchNewResource(e.path(), false));
        to.add(FileSystems.matchNewResource(quarantinePath(root, e.path()), false));
      }
    }
    if (from.isEmpty()) {
      return;
    }
    try {
      FileSystems.rename(from, to, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move unreadable files to the quarantine folder: " + e.getMessage(), e);
    }
  }

  /** The name in the run's staging folder of a silver file of a topic: {@code silver.TOPIC.NAME}. */
  static String stagedSilverName(String topic, String name) {
    return "silver." + topic + "." + name;
  }

  /**
   * After a successful load: makes the run's silver files, written into its staging folder, the hour's
   * silver. First every other run's silver files of the hour are removed, then the run's are moved in:
   * a reader of silver never sees two runs of an hour (a run that fails or crashes before its commit
   * never touched silver). Returns how many files it moved.
   */
  public static int publishSilver(String root, Collection<String> topics, Hour hour, String runId) {
    deleteSilver(root, topics, hour, name -> !name.startsWith("part-" + runId + "-"));
    List<ResourceId> from = new ArrayList<>();
    List<ResourceId> to = new ArrayList<>();
    for (String topic : topics) {
      String prefix = stagedSilverName(topic, "");
      for (ResourceId f : match(stagingDir(root, hour, runId) + "/" + prefix + "*.parquet")) {
        from.add(f);
        to.add(FileSystems.matchNewResource(LakeLayout.hourDir(root, LakeLayout.SILVER, topic, hour.start()) + "/"
            + f.getFilename().substring(prefix.length()), false));
      }
    }
    if (from.isEmpty()) {
      return 0;
    }
    try {
      FileSystems.rename(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the run's silver files into silver: " + e.getMessage(), e);
    }
    return from.size();
  }

  private static int deleteSilver(String root, Collection<String> topics, Hour hour, Predicate<String> which) {
    List<ResourceId> doomed = new ArrayList<>();
    for (String topic : topics) {
      for (ResourceId f : match(LakeLayout.hourDir(root, LakeLayout.SILVER, topic, hour.start()) + "/*.parquet")) {
        if (which.test(f.getFilename())) {
          doomed.add(f);
        }
      }
    }
    try {
      FileSystems.delete(doomed, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete silver files: " + e.getMessage(), e);
    }
    return doomed.size();
  }

  static List<ResourceId> match(String pattern) {
    try {
      MatchResult m = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
      if (m.status() == MatchResult.Status.NOT_FOUND) {
        return List.of();
      }
      return m.metadata().stream().map(MatchResult.Metadata::resourceId)
          .sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + pattern + ": " + e.getMessage(), e);
    }
  }
}
