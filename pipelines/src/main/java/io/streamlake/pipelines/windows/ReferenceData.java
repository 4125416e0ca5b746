package io.streamlake.pipelines.windows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reference data for the web-shop alerts: the users JSON-lines file and the VIP list, read from
 * files (any Beam file system) and turned into side inputs that follow the files.
 *
 * <ul>
 *   <li>Streaming: a tick every interval ({@link GenerateSequence} at that rate, an unbounded source)
 *       checks the file; when its size or
 *       modification time changed (and on the first check) it is read, parsed and becomes the new
 *       side-input value (a global-window side input triggered on every snapshot, keeping the
 *       newest). So new users and a changed VIP list take effect without a restart.
 *   <li>Bounded (replay): the file is read once.
 * </ul>
 *
 * Not {@code PeriodicImpulse}: it is an Impulse followed by a splittable DoFn, and on the Flink
 * runner without checkpointing the Impulse source shuts down at once, so the operator finishes and
 * Beam's Flink runner then fires the DoFn's resume timers in a loop (a core at 100 %, the file
 * matched without pause, and a cancel that only Flink's 180 s watchdog ends).
 *
 * <p>A missing file is an empty snapshot (logged), so the alerts keep running; a VIP file that is not
 * valid JSON is ignored (the previous list stays); a users line that is not a JSON object with a
 * {@code user_id} is skipped and counted.
 */
final class ReferenceData {
  private ReferenceData() {}

  private static final Logger LOG = LoggerFactory.getLogger(ReferenceData.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A value of a reference file as of one read; the newest version wins. */
  interface Snapshot extends Serializable {
    long version();
  }

  /** A user's profile, as the users file has it. */
  record Profile(String userId, String name, String email, String country, String city, String segment)
      implements Serializable {}

  /** Every user of the users file, by id. */
  record UserDirectory(long version, Map<String, Profile> users) implements Snapshot {
    static final UserDirectory EMPTY = new UserDirectory(Long.MIN_VALUE, Map.of());
  }

  /** The user ids on the VIP list. */
  record VipList(long version, Set<String> userIds) implements Snapshot {
    static final VipList EMPTY = new VipList(Long.MIN_VALUE, Set.of());
  }

  /**
   * The contents of a file as it changes: each element is the whole file (empty when missing),
   * timestamped with the time it was read (streaming) or once (bounded).
   */
  static PCollection<String> watch(Pipeline pipeline, String name, String path, Duration interval, boolean streaming) {
    PCollection<Instant> ticks = streaming
        ? pipeline.apply("Poll" + name, GenerateSequence.from(0).withRate(1, interval))
            .apply("Tick" + name, MapElements.into(TypeDescriptor.of(Instant.class)).via(n -> Instant.now()))
        : pipeline.apply("Poll" + name, Create.of(new Instant(0)));
    return ticks.apply("Read" + name, ParDo.of(new ReadFileFn(path))).setCoder(StringUtf8Coder.of());
  }

  /** Reads the file when it changed since this instance last read it. */
  static final class ReadFileFn extends DoFn<Instant, String> {
    private final String path;
    private final Counter reads;
    private final Counter missing;
    private final Counter failures;
    /** (size, modification time) of the last read: not state, just saves re-reading an unchanged file. */
    private transient String lastSeen;

    ReadFileFn(String path) {
      this.path = path;
      this.reads = Metrics.counter("reference", "file_reads");
      this.missing = Metrics.counter("reference", "file_missing");
      this.failures = Metrics.counter("reference", "file_read_failures");
    }

    @ProcessElement
    public void process(OutputReceiver<String> out) {
      try {
        MatchResult match = FileSystems.match(path, EmptyMatchTreatment.ALLOW);
        List<MatchResult.Metadata> files = match.status() == MatchResult.Status.OK ? match.metadata() : List.of();
        if (files.isEmpty()) {
          if (!"missing".equals(lastSeen)) {
            LOG.warn("reference file {} does not exist; using an empty one until it does", path);
            missing.inc();
            lastSeen = "missing";
            out.output("");
          }
          return;
        }
        MatchResult.Metadata file = files.get(0);
        String seen = file.sizeBytes() + "/" + file.lastModifiedMillis();
        if (seen.equals(lastSeen)) {
          return;
        }
        try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
          String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          reads.inc();
          lastSeen = seen;
          out.output(content);
        }
      } catch (IOException e) {
        // keep the previous snapshot; try again at the next tick
        failures.inc();
        LOG.warn("cannot read reference file {}: {}", path, e.toString());
      }
    }
  }

  /** Parses users JSON lines; the version is the element's timestamp (when it was read). */
  static final class ParseUsersFn extends DoFn<String, UserDirectory> {
    private final Counter badLines = Metrics.counter("reference", "users_bad_lines");
    private final Counter snapshots = Metrics.counter("reference", "users_snapshots");

    @ProcessElement
    public void process(@Element String content, @Timestamp Instant at, OutputReceiver<UserDirectory> out) {
      Map<String, Profile> users = new TreeMap<>();
      for (String line : content.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        Profile p = parseUser(line);
        if (p == null) {
          badLines.inc();
        } else {
          users.put(p.userId(), p);
        }
      }
      snapshots.inc();
      out.output(new UserDirectory(at.getMillis(), users));
    }
  }

  /** One users line, or null when it is not a JSON object with a user_id. */
  static Profile parseUser(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      if (n == null || !n.isObject() || !n.path("user_id").isTextual() || n.path("user_id").asText().isBlank()) {
        return null;
      }
      return new Profile(n.get("user_id").asText(), text(n, "name"), text(n, "email"), text(n, "country"),
          text(n, "city"), text(n, "segment"));
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Parses the VIP file; a file that does not parse gives nothing (the previous list stays). */
  static final class ParseVipFn extends DoFn<String, VipList> {
    private final Counter invalid = Metrics.counter("reference", "vip_invalid_files");
    private final Counter snapshots = Metrics.counter("reference", "vip_snapshots");

    @ProcessElement
    public void process(@Element String content, @Timestamp Instant at, OutputReceiver<VipList> out) {
      Set<String> ids = parseVip(content);
      if (ids == null) {
        invalid.inc();
        LOG.warn("the VIP file is not a JSON list of user ids; keeping the previous list");
        return;
      }
      snapshots.inc();
      out.output(new VipList(at.getMillis(), ids));
    }
  }

  /**
   * The user ids of a VIP file: a JSON array of user ids or of objects with a {@code user_id}, or an
   * object with such an array in {@code users}; empty text is an empty list; null if it is none of these.
   */
  static Set<String> parseVip(String content) {
    if (content.isBlank()) {
      return new TreeSet<>();
    }
    try {
      JsonNode n = JSON.readTree(content);
      if (n != null && n.isObject()) {
        n = n.get("users");
      }
      if (n == null || !n.isArray()) {
        return null;
      }
      Set<String> ids = new TreeSet<>();
      for (JsonNode item : n) {
        if (item.isTextual()) {
          ids.add(item.asText());
        } else if (item.isObject() && item.path("user_id").isTextual()) {
          ids.add(item.get("user_id").asText());
        } else {
          return null;
        }
      }
      return ids;
    } catch (IOException e) {
      return null;
    }
  }

  /** The users file's contents, as they change, to a side input of the newest directory. */
  static AsLatestView<UserDirectory> usersView() {
    return new AsLatestView<>("ParseUsers", new ParseUsersFn(), UserDirectory.class, UserDirectory.EMPTY);
  }

  /** The VIP file's contents, as they change, to a side input of the newest valid list. */
  static AsLatestView<VipList> vipView() {
    return new AsLatestView<>("ParseVipList", new ParseVipFn(), VipList.class, VipList.EMPTY);
  }

  /**
   * Parses each version of a file and keeps the newest as a singleton side input ({@code empty}
   * until there is one). An unbounded input (streaming) fires on every version, so the side input
   * follows the file.
   */
  static final class AsLatestView<V extends Snapshot> extends PTransform<PCollection<String>, PCollectionView<V>> {
    private final String parseStep;
    private final DoFn<String, V> parse;
    private final Class<V> type;
    private final V empty;

    AsLatestView(String parseStep, DoFn<String, V> parse, Class<V> type, V empty) {
      this.parseStep = parseStep;
      this.parse = parse;
      this.type = type;
      this.empty = empty;
    }

    @Override
    public PCollectionView<V> expand(PCollection<String> contents) {
      Coder<V> coder = SerializableCoder.of(type);
      PCollection<V> snapshots = contents.apply(parseStep, ParDo.of(parse)).setCoder(coder);
      if (snapshots.isBounded() == PCollection.IsBounded.UNBOUNDED) {
        snapshots = snapshots.apply("FireOnEveryVersion", Window.<V>into(new GlobalWindows())
            .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
            .discardingFiredPanes());
      }
      return snapshots.apply("KeepNewest", Combine.globally(new NewestFn<>(empty, coder)).asSingletonView());
    }
  }

  /** Keeps the snapshot with the highest version. */
  static final class NewestFn<V extends Snapshot> extends Combine.CombineFn<V, V, V> {
    private final V empty;
    private final Coder<V> coder;

    NewestFn(V empty, Coder<V> coder) {
      this.empty = empty;
      this.coder = coder;
    }

    @Override
    public V createAccumulator() {
      return empty;
    }

    @Override
    public V addInput(V accumulator, V input) {
      return input.version() >= accumulator.version() ? input : accumulator;
    }

    @Override
    public V mergeAccumulators(Iterable<V> accumulators) {
      V newest = empty;
      for (V v : accumulators) {
        newest = addInput(newest, v);
      }
      return newest;
    }

    @Override
    public V extractOutput(V accumulator) {
      return accumulator;
    }

    @Override
    public Coder<V> getAccumulatorCoder(CoderRegistry registry, Coder<V> inputCoder) {
      return coder;
    }

    @Override
    public Coder<V> getDefaultOutputCoder(CoderRegistry registry, Coder<V> inputCoder) {
      return coder;
    }
  }
}
