package io.streamlake.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes the records of one generated class in Avro binary: the same bytes as {@code
 * SpecificDatumWriter}, from a plan made once per schema instead of a walk of the schema for every
 * value (a switch on the type, a conversion lookup and a union resolution per field).
 *
 * <p>It covers what our schemas use: strings (the classes hold {@code String}s), int, long,
 * {@code timestamp-millis} longs held as {@link Instant}, double, float, boolean, bytes, enums, nested
 * records, arrays, and unions of {@code null} with one other type. {@link #of} returns nothing for a
 * schema with anything else, and {@link AvroCodec} then keeps Avro's own writer. {@code
 * AvroSerdeTest} compares its bytes with Avro's for every topic (many values, non-ASCII text,
 * optional fields null); every topic's schema is covered.
 */
final class CompiledRecordWriter {
  /** Writes one value of a schema. */
  private interface ValueWriter {
    void write(Object value, ArrayBinaryEncoder out) throws IOException;
  }

  private final ValueWriter writer;

  private CompiledRecordWriter(ValueWriter writer) {
    this.writer = writer;
  }

  /** A writer for records of {@code schema}, or nothing when the schema uses a type it does not cover. */
  static Optional<CompiledRecordWriter> of(Schema schema) {
    if (schema.getType() != Schema.Type.RECORD) {
      return Optional.empty();
    }
    return Optional.ofNullable(plan(schema, "")).map(CompiledRecordWriter::new);
  }

  void write(SpecificRecord record, ArrayBinaryEncoder out) throws IOException {
    writer.write(record, out);
  }

  /** The writer of one schema, or null when it is not covered; {@code path} names the field for errors. */
  private static ValueWriter plan(Schema schema, String path) {
    LogicalType logical = schema.getLogicalType();
    switch (schema.getType()) {
      case STRING:
        return logical == null ? (v, out) -> out.writeString(string(v, path)) : null;
      case INT:
        return logical == null ? (v, out) -> out.writeInt((Integer) notNull(v, path)) : null;
      case LONG:
        if (logical == null) {
          return (v, out) -> out.writeLong((Long) notNull(v, path));
        }
        return "timestamp-millis".equals(logical.getName())
            ? (v, out) -> out.writeLong(((Instant) notNull(v, path)).toEpochMilli())
            : null;
      case DOUBLE:
        return logical == null ? (v, out) -> out.writeDouble((Double) notNull(v, path)) : null;
      case FLOAT:
        return logical == null ? (v, out) -> out.writeFloat((Float) notNull(v, path)) : null;
      case BOOLEAN:
        return logical == null ? (v, out) -> out.writeBoolean((Boolean) notNull(v, path)) : null;
      case BYTES:
        return logical == null ? (v, out) -> out.writeBytes((ByteBuffer) notNull(v, path)) : null;
      case ENUM:
        // generated enums declare their constants in the schema's symbol order
        return (v, out) -> out.writeEnum(((Enum<?>) notNull(v, path)).ordinal());
      case RECORD:
        return record(schema, path);
      case ARRAY:
        return array(schema, path);
      case UNION:
        return nullable(schema, path);
      default:
        return null;
    }
  }

  /** How a record writes a field: one of the plain kinds below, else through the field's {@link ValueWriter}. */
  private static final byte OTHER = 0;
  private static final byte STRING = 1;
  private static final byte INT = 2;
  private static final byte LONG = 3;
  private static final byte TIMESTAMP_MILLIS = 4;
  private static final byte DOUBLE = 5;
  private static final byte BOOLEAN = 6;
  private static final byte ENUM = 7;

  /**
   * A record's fields in order. The plain kinds are written in a switch rather than through a
   * {@link ValueWriter} each, so the common fields need no call through an interface with a dozen
   * implementations behind it.
   */
  private static ValueWriter record(Schema schema, String path) {
    List<Schema.Field> fields = schema.getFields();
    int n = fields.size();
    byte[] kinds = new byte[n];
    ValueWriter[] writers = new ValueWriter[n];
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      Schema.Field f = fields.get(i);
      names[i] = path.isEmpty() ? f.name() : path + "." + f.name();
      writers[i] = plan(f.schema(), names[i]);
      if (writers[i] == null) {
        return null;
      }
      kinds[i] = kind(f.schema());
    }
    return (v, out) -> {
      SpecificRecord r = (SpecificRecord) notNull(v, path);
      for (int i = 0; i < n; i++) {
        Object field = r.get(i);
        byte kind = kinds[i];
        if (kind != OTHER && field == null) {
          notNull(null, names[i]);
        }
        switch (kind) {
          case STRING -> out.writeString(field.toString());
          case INT -> out.writeInt((Integer) field);
          case LONG -> out.writeLong((Long) field);
          case TIMESTAMP_MILLIS -> out.writeLong(((Instant) field).toEpochMilli());
          case DOUBLE -> out.writeDouble((Double) field);
          case BOOLEAN -> out.writeBoolean((Boolean) field);
          case ENUM -> out.writeEnum(((Enum<?>) field).ordinal());
          default -> writers[i].write(field, out);
        }
      }
    };
  }

  /** The plain kind of a field's schema, or {@link #OTHER}; {@link #plan} has accepted the schema. */
  private static byte kind(Schema schema) {
    LogicalType logical = schema.getLogicalType();
    return switch (schema.getType()) {
      case STRING -> STRING;
      case INT -> INT;
      case LONG -> logical == null ? LONG : TIMESTAMP_MILLIS;
      case DOUBLE -> DOUBLE;
      case BOOLEAN -> BOOLEAN;
      case ENUM -> ENUM;
      default -> OTHER;
    };
  }

  private static ValueWriter array(Schema schema, String path) {
    ValueWriter items = plan(schema.getElementType(), path + "[]");
    if (items == null) {
      return null;
    }
    return (v, out) -> {
      Collection<?> c = (Collection<?>) notNull(v, path);
      out.writeArrayStart();
      out.setItemCount(c.size());
      for (Object item : c) {
        out.startItem();
        items.write(item, out);
      }
      out.writeArrayEnd();
    };
  }

  /** A union of null and one other type, in either order. */
  private static ValueWriter nullable(Schema schema, String path) {
    List<Schema> types = schema.getTypes();
    if (types.size() != 2
        || types.get(0).getType() != Schema.Type.NULL && types.get(1).getType() != Schema.Type.NULL) {
      return null; // not a union with null (say [string, int]): Avro's own writer resolves the branch
    }
    int nullIndex = types.get(0).getType() == Schema.Type.NULL ? 0 : 1;
    Schema other = types.get(1 - nullIndex);
    if (other.getType() == Schema.Type.NULL || other.getType() == Schema.Type.UNION) {
      return null;
    }
    ValueWriter value = plan(other, path);
    if (value == null) {
      return null;
    }
    return (v, out) -> {
      if (v == null) {
        out.writeIndex(nullIndex);
      } else {
        out.writeIndex(1 - nullIndex);
        value.write(v, out);
      }
    };
  }

  private static String string(Object v, String path) {
    return notNull(v, path).toString();
  }

  private static Object notNull(Object v, String path) {
    if (v == null) {
      throw new NullPointerException("null value for (non-nullable) field " + path);
    }
    return v;
  }
}
