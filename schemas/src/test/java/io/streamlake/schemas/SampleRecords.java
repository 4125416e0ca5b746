package io.streamlake.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Builds a filled-in instance of any generated class by walking its schema; values vary with a salt. */
final class SampleRecords {
  private SampleRecords() {}

  static <T extends SpecificRecord> T sample(Class<T> type, int salt) {
    SpecificData model = SpecificData.getForClass(type);
    @SuppressWarnings("unchecked")
    T record = (T) value(model, model.getSchema(type), salt);
    return record;
  }

  private static Object value(SpecificData model, Schema schema, int salt) {
    if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
      return Instant.ofEpochMilli(1_767_225_600_000L + salt * 1000L);
    }
    switch (schema.getType()) {
      case RECORD: {
        SpecificRecord r = (SpecificRecord) model.newRecord(null, schema);
        for (Schema.Field f : schema.getFields()) {
          r.put(f.pos(), value(model, f.schema(), salt + f.pos()));
        }
        return r;
      }
      case UNION:
        for (Schema branch : schema.getTypes()) {
          if (branch.getType() != Schema.Type.NULL) {
            return value(model, branch, salt);
          }
        }
        return null;
      case ARRAY: {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          items.add(value(model, schema.getElementType(), salt + i));
        }
        return items;
      }
      case ENUM:
        return model.createEnum(schema.getEnumSymbols().get(salt % schema.getEnumSymbols().size()), schema);
      case STRING:
        return "s" + salt;
      case BYTES:
        return ByteBuffer.wrap(new byte[] {(byte) salt, 1, 2, 3});
      case INT:
        return salt;
      case LONG:
        return 1000L + salt;
      case DOUBLE:
        return salt + 0.5;
      case FLOAT:
        return salt + 0.25f;
      case BOOLEAN:
        return salt % 2 == 0;
      default:
        throw new IllegalArgumentException("no sample for " + schema);
    }
  }
}
