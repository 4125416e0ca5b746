package io.streamlake.pipelines.common;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.beam.sdk.io.jdbc.JdbcIO;

/**
 * The SQL warehouse: DuckDB (embedded file, default) or PostgreSQL, reached over JDBC. Creates and
 * versions its schema from the migrations under {@code db/migration/} (never by hand), and builds
 * idempotent upserts ({@code INSERT ... ON CONFLICT (key) DO UPDATE}, the same SQL on both).
 *
 * <p>Timestamps are stored as {@code TIMESTAMP} in UTC.
 */
public final class Warehouse implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String url;
  private final String user;
  private final String passwordEnv;

  /** A URL parameter that carries a secret ({@code password}, {@code sslpassword}), in any case. */
  private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)[?&;](ssl)?password=");

  /**
   * @throws IllegalArgumentException when the URL carries a password: it would be printed in the run's
   *     log and seen in the process list; the password comes from the environment variable named by
   *     {@code --jdbcPasswordEnv}
   */
  public Warehouse(String url, String user, String passwordEnv) {
    requireNoSecret(url, passwordEnv);
    this.url = url;
    this.user = user;
    this.passwordEnv = passwordEnv;
  }

  /**
   * Refuses a JDBC URL that carries a password, without repeating the URL (it holds the secret): the
   * URL is printed in logs and run reports and is visible in the process list.
   */
  public static void requireNoSecret(String url, String passwordEnv) {
    if (url != null && SECRET_PARAMETER.matcher(url).find()) {
      throw new IllegalArgumentException("the warehouse JDBC URL carries a password (not repeated here); remove it"
          + " from the URL and put it in the environment variable " + (passwordEnv == null || passwordEnv.isBlank()
              ? "named by --jdbcPasswordEnv" : passwordEnv + " (--jdbcPasswordEnv)")
          + ": a URL is printed in logs and seen in the process list");
    }
  }

  public static Warehouse of(WarehouseOptions options) {
    return new Warehouse(options.getJdbcUrl(), options.getJdbcUser(), options.getJdbcPasswordEnv());
  }

  public String url() {
    return url;
  }

  public boolean isDuckDb() {
    return url.startsWith("jdbc:duckdb:");
  }

  private String driverClass() {
    if (isDuckDb()) {
      return "org.duckdb.DuckDBDriver";
    } else if (url.startsWith("jdbc:postgresql:")) {
      return "org.postgresql.Driver";
    }
    throw new IllegalArgumentException("unsupported warehouse URL " + url + " (use jdbc:duckdb:... or jdbc:postgresql:...)");
  }

  private String password() {
    return passwordEnv == null ? null : System.getenv(passwordEnv);
  }

  /** A new connection (the caller closes it). */
  public Connection connect() throws SQLException {
    try {
      Class.forName(driverClass());
    } catch (ClassNotFoundException e) {
      throw new SQLException("JDBC driver missing for " + url, e);
    }
    if (isDuckDb()) {
      Path file = Path.of(url.substring("jdbc:duckdb:".length()));
      if (file.getParent() != null) {
        try {
          Files.createDirectories(file.getParent());
        } catch (IOException e) {
          throw new SQLException("cannot create " + file.getParent(), e);
        }
      }
    }
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password() != null) {
      props.setProperty("password", password());
    }
    return DriverManager.getConnection(url, props);
  }

  /** For JdbcIO. */
  public JdbcIO.DataSourceConfiguration dataSource() {
    JdbcIO.DataSourceConfiguration config = JdbcIO.DataSourceConfiguration.create(driverClass(), url);
    if (user != null) {
      config = config.withUsername(user);
    }
    if (password() != null) {
      config = config.withPassword(password());
    }
    return config;
  }

  /**
   * Applies the given migrations (files under {@code db/migration/}, in this order) that have not
   * run yet; each runs once, in its own transaction, and is recorded in {@code schema_version}.
   * Each pipeline names the migrations of the tables it writes. Returns how many ran.
   */
  public int migrate(String... migrations) {
    try (Connection c = connect()) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS schema_version (version VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)");
      }
      List<String> applied = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
        while (rs.next()) {
          applied.add(rs.getString(1));
        }
      }
      int ran = 0;
      for (String migration : migrations) {
        if (applied.contains(migration)) {
          continue;
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          for (String sql : statements(migration)) {
            s.execute(sql);
          }
          try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version VALUES (?, ?)")) {
            p.setString(1, migration);
            p.setObject(2, utc(Instant.now()));
            p.executeUpdate();
          }
          c.commit();
          ran++;
        } catch (SQLException e) {
          c.rollback();
          throw new SQLException("migration " + migration + " failed: " + e.getMessage(), e);
        } finally {
          c.setAutoCommit(true);
        }
      }
      return ran;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot migrate the warehouse at " + url + ": " + e.getMessage(), e);
    }
  }

  private static List<String> statements(String migration) throws SQLException {
    try (InputStream in = Warehouse.class.getResourceAsStream("/db/migration/" + migration)) {
      if (in == null) {
        throw new SQLException("missing migration resource " + migration);
      }
      String text = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
          .filter(l -> !l.strip().startsWith("--")).collect(Collectors.joining("\n"));
      List<String> out = new ArrayList<>();
      for (String part : text.split(";")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
      return out;
    } catch (IOException e) {
      throw new SQLException(e);
    }
  }

  /** {@code INSERT ... ON CONFLICT (keys) DO UPDATE SET every other column}: the same on DuckDB and PostgreSQL. */
  public static String upsert(String table, List<String> columns, List<String> keys) {
    String set = columns.stream().filter(c -> !keys.contains(c)).map(c -> c + " = excluded." + c)
        .collect(Collectors.joining(", "));
    return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
        + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ") ON CONFLICT ("
        + String.join(", ", keys) + ") DO UPDATE SET " + set;
  }

  /**
   * {@link #upsert} that keeps the stored row when its {@code version} column is higher than the new
   * row's: for rows emitted again as they grow, whose versions may arrive out of order.
   */
  public static String monotoneUpsert(String table, List<String> columns, List<String> keys, String version) {
    return upsert(table, columns, keys) + " WHERE " + table + "." + version + " <= excluded." + version;
  }

  /** A UTC timestamp value for a {@code TIMESTAMP} column. */
  public static LocalDateTime utc(Instant instant) {
    return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** Checks the warehouse answers; for preflight checks before a pipeline starts. */
  public void checkReachable() {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("SELECT 1");
    } catch (SQLException e) {
      throw new IllegalStateException("the warehouse at " + url + " is unreachable: " + e.getMessage(), e);
    }
  }
}
