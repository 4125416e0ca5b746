package io.streamlake.devservices;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, run from the machine's PostgreSQL binaries (Debian's
 * {@code postgresql} package, which {@code .ci/run} installs): a fresh cluster in a temporary
 * folder on a free loopback port, stopped when closed or when the JVM exits. As root, the server
 * runs as the {@code postgres} user (initdb refuses root).
 */
public final class PostgresServer implements AutoCloseable {
  private static PostgresServer shared;

  private final Path binDir;
  private final Path dataDir;
  private final int port;
  private final String runAs;

  private PostgresServer(Path binDir, Path dataDir, int port, String runAs) {
    this.binDir = binDir;
    this.dataDir = dataDir;
    this.port = port;
    this.runAs = runAs;
  }

  /** One server per JVM, started on first use and stopped when the JVM exits. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      PostgresServer server = start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postgres-stop"));
      shared = server;
    }
    return shared;
  }

  /** Starts a new server; close it when done. */
  public static PostgresServer start() {
    Path bin = findBinaries();
    try {
      boolean root = "root".equals(System.getProperty("user.name"));
      Path base = Files.createTempDirectory("streamlake-pg");
      Path data = base.resolve("data");
      String runAs = root ? "postgres" : null;
      if (root) {
        run(List.of("chown", "-R", "postgres", base.toString()), null, 30);
        run(List.of("chmod", "755", base.toString()), null, 30);
      }
      int port = freePort();
      PostgresServer server = new PostgresServer(bin, data, port, runAs);
      server.pg(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
          "--auth=trust", "--encoding=UTF8", "--locale=C", "-N"), 120);
      server.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60",
          "-l", base.resolve("server.log").toString(),
          "-o", "-p " + port + " -h 127.0.0.1 -k " + base + " -F -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
          "start"), 90);
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start PostgreSQL from " + bin + ": " + e.getMessage(), e);
    }
  }

  /** JDBC URL of a database on this server (created if missing), user postgres, no password. */
  public String jdbcUrl(String database) {
    if (!"postgres".equals(database)) {
      try {
        pg(List.of(binDir.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
            "-U", "postgres", database), 60);
      } catch (IllegalStateException e) {
        if (!String.valueOf(e.getMessage()).contains("already exists")) {
          throw e;
        }
      }
    }
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    try {
      pg(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"), 60);
    } catch (RuntimeException e) {
      // already stopped, or the JVM is going away; nothing left to do
    }
  }

  private void pg(List<String> command, int timeoutSeconds) {
    List<String> full = new ArrayList<>();
    if (runAs != null) {
      full.addAll(List.of("runuser", "-u", runAs, "--"));
    }
    full.addAll(command);
    run(full, dataDir.getParent(), timeoutSeconds);
  }

  private static void run(List<String> command, Path dir, int timeoutSeconds) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + new String(out));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static Path findBinaries() {
    String env = System.getenv("PG_BIN");
    if (env != null && Files.isExecutable(Paths.get(env, "initdb"))) {
      return Paths.get(env);
    }
    try (Stream<Path> versions = Files.list(Paths.get("/usr/lib/postgresql"))) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.naturalOrder())
          .orElseThrow(() -> new IllegalStateException("no initdb under /usr/lib/postgresql/*/bin"));
    } catch (IOException e) {
      throw new IllegalStateException("PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
