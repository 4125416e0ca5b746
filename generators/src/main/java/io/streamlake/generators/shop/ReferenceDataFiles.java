package io.streamlake.generators.shop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlake.events.shop.Product;
import io.streamlake.events.shop.User;
import io.streamlake.generators.core.GeneratorConfig;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The shop's reference data as the lake keeps it, in a directory:
 *
 * <ul>
 *   <li>{@value #USERS_FILE}: one JSON object per line per {@link User};
 *   <li>{@value #PRODUCTS_FILE}: one JSON object per line per {@link Product};
 *   <li>{@value #VIP_FILE}: a JSON array of the user ids of the VIP users ({@link
 *       ShopScenario#vipUserIds}).
 * </ul>
 *
 * Objects have the Avro schema's field names (snake_case) in schema order; timestamps are ISO-8601
 * UTC strings ({@code "2026-01-01T00:00:00Z"}), money stays integer minor units. Lines end with
 * {@code \n}, the encoding is UTF-8. Each file is written to a temporary file beside it and then
 * moved into place, so a reader never sees half a file.
 *
 * <p>The readers are strict: a line that is not such an object (missing field, wrong type, bad
 * timestamp) is an {@link IllegalArgumentException} naming the file and line number.
 */
public final class ReferenceDataFiles {
  public static final String USERS_FILE = "users.jsonl";
  public static final String PRODUCTS_FILE = "products.jsonl";
  public static final String VIP_FILE = "vip.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReferenceDataFiles() {}

  /** Writes the three files of a scenario's catalogue under a config into {@code dir} (created if need be). */
  public static void write(Path dir, ShopScenario scenario, GeneratorConfig config) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    writeJsonLines(dir.resolve(USERS_FILE), scenario.users(config));
    writeJsonLines(dir.resolve(PRODUCTS_FILE), scenario.products(config));
    writeVip(dir.resolve(VIP_FILE), scenario.vipUserIds(config));
  }

  /** Writes records as JSON lines. */
  public static void writeJsonLines(Path file, List<? extends SpecificRecord> records) {
    StringBuilder text = new StringBuilder();
    for (SpecificRecord r : records) {
      text.append(toJson(r)).append('\n');
    }
    writeAtomically(file, text.toString());
  }

  /** Writes a JSON array of user ids. */
  public static void writeVip(Path file, List<String> userIds) {
    ArrayNode array = JSON.createArrayNode();
    userIds.forEach(array::add);
    writeAtomically(file, array.toString() + "\n");
  }

  public static List<User> readUsers(Path file) {
    return readJsonLines(file, User::new);
  }

  public static List<Product> readProducts(Path file) {
    return readJsonLines(file, Product::new);
  }

  public static List<String> readVip(Path file) {
    JsonNode node;
    try {
      node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException(file + ": expected a JSON array of user ids");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode id : node) {
      if (!id.isTextual()) {
        throw new IllegalArgumentException(file + ": expected a JSON array of user ids, found " + id);
      }
      ids.add(id.asText());
    }
    return ids;
  }

  /** One record as one line of JSON (no line break). */
  public static String toJson(SpecificRecord record) {
    ObjectNode node = JSON.createObjectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      Object value = record.get(field.pos());
      String name = field.name();
      if (value == null) {
        node.putNull(name);
      } else if (value instanceof Instant instant) {
        node.put(name, instant.toString());
      } else if (value instanceof CharSequence || value instanceof Enum<?>) {
        node.put(name, value.toString());
      } else if (value instanceof Integer i) {
        node.put(name, i);
      } else if (value instanceof Long l) {
        node.put(name, l);
      } else if (value instanceof Double d) {
        node.put(name, d);
      } else if (value instanceof Boolean b) {
        node.put(name, b);
      } else {
        throw new IllegalArgumentException("field " + name + " of " + record.getSchema().getName()
            + " has a type the reference files do not hold: " + value.getClass().getName());
      }
    }
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + record.getSchema().getName() + " as JSON", e);
    }
  }

  /** Reads JSON lines into records made by {@code factory}; blank lines are ignored. */
  public static <T extends SpecificRecord> List<T> readJsonLines(Path file, Supplier<T> factory) {
    List<T> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNumber = 0;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(fromJson(JSON.readTree(line), factory.get()));
        } catch (JsonProcessingException | IllegalArgumentException e) {
          throw new IllegalArgumentException(file + " line " + lineNumber + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }

  private static <T extends SpecificRecord> T fromJson(JsonNode node, T record) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    for (Schema.Field field : record.getSchema().getFields()) {
      JsonNode value = node.get(field.name());
      if (value == null) {
        throw new IllegalArgumentException("missing field " + field.name());
      }
      record.put(field.pos(), value(field, value));
    }
    return record;
  }

  private static Object value(Schema.Field field, JsonNode value) {
    Schema schema = field.schema();
    if (schema.isNullable()) {
      if (value.isNull()) {
        return null;
      }
      schema = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }
    String name = field.name();
    switch (schema.getType()) {
      case STRING -> {
        require(value.isTextual(), name, "a string", value);
        return value.asText();
      }
      case INT -> {
        require(value.canConvertToInt() && value.isIntegralNumber(), name, "an int", value);
        return value.intValue();
      }
      case LONG -> {
        if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
          require(value.isTextual(), name, "an ISO-8601 timestamp", value);
          try {
            return Instant.parse(value.asText());
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field " + name + ": not an ISO-8601 timestamp: " + value);
          }
        }
        require(value.canConvertToLong() && value.isIntegralNumber(), name, "a long", value);
        return value.longValue();
      }
      case DOUBLE -> {
        require(value.isNumber(), name, "a number", value);
        return value.doubleValue();
      }
      case BOOLEAN -> {
        require(value.isBoolean(), name, "a boolean", value);
        return value.booleanValue();
      }
      default -> throw new IllegalArgumentException("field " + name + " has an unsupported type " + schema.getType());
    }
  }

  private static void require(boolean ok, String field, String what, JsonNode value) {
    if (!ok) {
      throw new IllegalArgumentException("field " + field + ": expected " + what + ", found " + value);
    }
  }

  private static void writeAtomically(Path file, String text) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        out.write(text);
      } catch (IOException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
