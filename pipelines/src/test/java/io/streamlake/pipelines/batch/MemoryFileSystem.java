package io.streamlake.pipelines.batch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystem;
import org.apache.beam.sdk.io.FileSystemRegistrar;
import org.apache.beam.sdk.io.fs.CreateOptions;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A Beam filesystem, scheme {@code memlake://}, whose files live in this JVM's memory: a lake that is
 * not a local folder, as an object store would be, for tests of the code paths that must not assume
 * a local path. Registered for tests by {@code META-INF/services}; {@code FileSystems} picks it up
 * once {@code FileSystems.setDefaultPipelineOptions} has run.
 */
public final class MemoryFileSystem extends FileSystem<MemoryFileSystem.Id> {
  static final String SCHEME = "memlake";
  private static final Map<String, byte[]> FILES = new ConcurrentHashMap<>();

  /** A file or folder: its full spec ({@code memlake://bucket/a/b}, a folder ending in {@code /}). */
  public record Id(String spec, boolean isDirectory) implements ResourceId {
    @Override
    public ResourceId resolve(String other, ResolveOptions options) {
      String base = getCurrentDirectory().toString();
      boolean directory = options == ResolveOptions.StandardResolveOptions.RESOLVE_DIRECTORY;
      return new Id(base + other + (directory && !other.endsWith("/") ? "/" : ""), directory);
    }

    @Override
    public ResourceId getCurrentDirectory() {
      return isDirectory ? this : new Id(spec.substring(0, spec.lastIndexOf('/') + 1), true);
    }

    @Override
    public String getScheme() {
      return SCHEME;
    }

    @Override
    public String getFilename() {
      String path = isDirectory ? spec.substring(0, spec.length() - 1) : spec;
      return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
      return spec;
    }
  }

  /** Every file's spec. */
  static List<String> files() {
    return FILES.keySet().stream().sorted().toList();
  }

  @Override
  protected List<MatchResult> match(List<String> specs) {
    List<MatchResult> out = new ArrayList<>();
    for (String spec : specs) {
      Pattern glob = Pattern.compile(Arrays.stream(spec.split("\\*\\*", -1))
          .map(part -> Arrays.stream(part.split("\\*", -1)).map(Pattern::quote).reduce((a, b) -> a + "[^/]*" + b).orElse(""))
          .reduce((a, b) -> a + ".*" + b).orElse(""));
      List<MatchResult.Metadata> found = FILES.entrySet().stream().filter(e -> glob.matcher(e.getKey()).matches())
          .map(e -> MatchResult.Metadata.builder().setResourceId(new Id(e.getKey(), false)).setSizeBytes(e.getValue().length)
              .setIsReadSeekEfficient(true).setLastModifiedMillis(0L).build())
          .toList();
      out.add(found.isEmpty() ? MatchResult.create(MatchResult.Status.NOT_FOUND, new FileNotFoundException(spec))
          : MatchResult.create(MatchResult.Status.OK, found));
    }
    return out;
  }

  @Override
  protected WritableByteChannel create(Id id, CreateOptions options) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    WritableByteChannel channel = Channels.newChannel(bytes);
    return new WritableByteChannel() {
      @Override
      public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
      }

      @Override
      public boolean isOpen() {
        return channel.isOpen();
      }

      @Override
      public void close() throws IOException {
        channel.close();
        FILES.put(id.toString(), bytes.toByteArray());
      }
    };
  }

  @Override
  protected ReadableByteChannel open(Id id) throws IOException {
    byte[] bytes = FILES.get(id.toString());
    if (bytes == null) {
      throw new FileNotFoundException(id.toString());
    }
    return Channels.newChannel(new ByteArrayInputStream(bytes));
  }

  @Override
  protected void copy(List<Id> from, List<Id> to) throws IOException {
    for (int i = 0; i < from.size(); i++) {
      FILES.put(to.get(i).toString(), read(from.get(i)));
    }
  }

  @Override
  protected void rename(List<Id> from, List<Id> to, MoveOptions... options) throws IOException {
    boolean ignoreMissing = Arrays.asList(options).contains(MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    for (int i = 0; i < from.size(); i++) {
      if (ignoreMissing && !FILES.containsKey(from.get(i).toString())) {
        continue;
      }
      FILES.put(to.get(i).toString(), read(from.get(i)));
      FILES.remove(from.get(i).toString());
    }
  }

  @Override
  protected void delete(Collection<Id> ids) {
    ids.forEach(id -> FILES.remove(id.toString()));
  }

  @Override
  protected Id matchNewResource(String spec, boolean isDirectory) {
    return new Id(isDirectory && !spec.endsWith("/") ? spec + "/" : spec, isDirectory);
  }

  @Override
  protected String getScheme() {
    return SCHEME;
  }

  private static byte[] read(Id id) throws IOException {
    byte[] bytes = FILES.get(id.toString());
    if (bytes == null) {
      throw new FileNotFoundException(id.toString());
    }
    return bytes;
  }

  /** Registers {@link MemoryFileSystem} with Beam (test classpath only). */
  public static final class Registrar implements FileSystemRegistrar {
    @Override
    public Iterable<FileSystem<?>> fromOptions(PipelineOptions options) {
      return List.of(new MemoryFileSystem());
    }
  }
}
