package io.streamlake.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.ticketing.Booking;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every current schema must stay backward compatible (the current reader reads data written with
 * the latest release) and forward compatible (the latest release's reader reads current data).
 */
class SchemaCompatibilityTest {

  static List<Topic<?>> topics() {
    return Topics.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topics")
  void currentSchemaIsBackwardAndForwardCompatibleWithItsLatestRelease(Topic<?> topic) {
    Schema current = topic.schema();
    List<Schema> released = SchemaHistory.previousVersions(current.getFullName());
    assertFalse(released.isEmpty(), current.getFullName() + " has no released version in avro-history/");
    Schema latest = released.get(released.size() - 1);
    SchemaCompatibility.SchemaPairCompatibility backward =
        SchemaCompatibility.checkReaderWriterCompatibility(current, latest);
    assertEquals(SchemaCompatibilityType.COMPATIBLE, backward.getType(),
        current.getFullName() + " cannot read its latest release: " + backward.getResult().getIncompatibilities());
    SchemaCompatibility.SchemaPairCompatibility forward =
        SchemaCompatibility.checkReaderWriterCompatibility(latest, current);
    assertEquals(SchemaCompatibilityType.COMPATIBLE, forward.getType(),
        "the latest release of " + current.getFullName() + " cannot read current data: "
            + forward.getResult().getIncompatibilities());
  }

  /** The decoder accepts records of every release it registers, not only the latest: it must read them all. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("topics")
  void currentSchemaReadsEveryRelease(Topic<?> topic) {
    Schema current = topic.schema();
    for (Schema release : SchemaHistory.previousVersions(current.getFullName())) {
      SchemaCompatibility.SchemaPairCompatibility backward =
          SchemaCompatibility.checkReaderWriterCompatibility(current, release);
      assertEquals(SchemaCompatibilityType.COMPATIBLE, backward.getType(), current.getFullName()
          + " cannot read its release " + release + ": " + backward.getResult().getIncompatibilities());
    }
  }

  @Test
  void aBreakingChangeIsCaught() {
    Schema latest = SchemaHistory.previousVersions(Booking.getClassSchema().getFullName()).get(0);
    // the same schema, but the new field has no default: records of the release cannot be read
    Schema current = Booking.getClassSchema();
    List<Schema.Field> fields = current.getFields().stream()
        .map(f -> f.name().equals("channel")
            ? new Schema.Field(f.name(), f.schema(), f.doc())
            : new Schema.Field(f, f.schema()))
        .toList();
    Schema breaking = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(breaking, latest).getType());
  }

  @Test
  void recordWrittenWithTheOldBookingSchemaDecodesIntoTheCurrentClass() throws IOException {
    Schema v1 = SchemaHistory.previousVersions(Booking.getClassSchema().getFullName()).get(0);
    assertTrue(v1.getField("channel") == null, "v1 predates the channel field");
    GenericRecord old = new GenericData.Record(v1);
    old.put("event_id", "e-1");
    old.put("booking_id", "bk-1");
    old.put("user_id", "u-1");
    old.put("show_id", "sh-1");
    old.put("show_name", "Hamlet");
    old.put("venue", "Globe");
    old.put("city", "London");
    old.put("seats", 2);
    old.put("unit_price_minor", 4500L);
    old.put("amount_minor", 9000L);
    old.put("currency", "EUR");
    old.put("booked_at", 1_767_225_600_000L);
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
    byte[] array = new byte[bytes.remaining()];
    bytes.get(array);

    Booking decoded = Topics.BOOKINGS.codec().decode(array);
    assertEquals("bk-1", decoded.getBookingId());
    assertEquals(Instant.ofEpochMilli(1_767_225_600_000L), decoded.getBookedAt());
    assertEquals("web", decoded.getChannel(), "the new field takes its default");
  }
}
