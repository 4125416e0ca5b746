package io.streamlake.schemas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The released versions of every schema, kept under {@code avro-history/} in this module
 * ({@code avro-history/index.txt} lists them, oldest first). Decoders learn these so records written
 * by an older producer stay readable; a test checks each current schema stays compatible with its
 * latest release.
 */
public final class SchemaHistory {
  private static final String ROOT = "/avro-history/";
  private static final Map<String, List<Schema>> BY_NAME = load();

  private SchemaHistory() {}

  /** Released versions of the record with this full name, oldest first (empty if none). */
  public static List<Schema> previousVersions(String fullName) {
    return BY_NAME.getOrDefault(fullName, List.of());
  }

  /** Every record full name that has a release history. */
  public static Map<String, List<Schema>> all() {
    return BY_NAME;
  }

  private static Map<String, List<Schema>> load() {
    Map<String, List<Schema>> byName = new LinkedHashMap<>();
    try (InputStream index = SchemaHistory.class.getResourceAsStream(ROOT + "index.txt")) {
      if (index == null) {
        throw new IllegalStateException("missing resource " + ROOT + "index.txt");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        try (InputStream in = SchemaHistory.class.getResourceAsStream(ROOT + line)) {
          if (in == null) {
            throw new IllegalStateException("avro-history/index.txt lists missing file " + line);
          }
          Schema schema = new Schema.Parser().parse(in);
          byName.computeIfAbsent(schema.getFullName(), k -> new ArrayList<>()).add(schema);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byName.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return Collections.unmodifiableMap(byName);
  }
}
