package io.streamlake.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlake.events.ticketing.Booking;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  @Test
  void everyTopicRoundTripsThroughSingleObjectEncoding() {
    for (Topic<?> topic : Topics.all()) {
      roundTrip(topic);
    }
  }

  private static <T extends SpecificRecord> void roundTrip(Topic<T> topic) {
    T value = SampleRecords.sample(topic.valueClass(), 3);
    byte[] bytes = new AvroSerializer<>(topic.valueClass()).serialize(topic.name(), value);
    assertEquals((byte) 0xC3, bytes[0], topic + ": single-object marker");
    assertEquals((byte) 0x01, bytes[1], topic + ": single-object marker");
    T back = new AvroDeserializer<>(topic.valueClass()).deserialize(topic.name(), bytes);
    assertEquals(value, back, topic.toString());
    assertArrayEquals(bytes, topic.codec().encode(back), topic + ": re-encoding is stable");
  }

  @Test
  void bytesAreExactlyAvrosOwnSingleObjectEncoding() throws Exception {
    for (Topic<?> topic : Topics.all()) {
      sameAsAvro(topic);
    }
  }

  /** Many values per topic, and every string field set to text that is not ASCII (or is empty, or long). */
  @Test
  void bytesAreExactlyAvrosOwnForAnyStringsAndNumbers() throws Exception {
    String[] texts = {"", "Boh\u00e8me", "\u6771\u4eac", "\ud83c\udfad mask", "bad \ud800 surrogate",
        "x".repeat(300), "\u00ff".repeat(200), "plain-ascii-0123456789"};
    for (Topic<?> topic : Topics.all()) {
      for (int salt = 0; salt < 200; salt += 7) {
        sameAsAvro(topic, SampleRecords.sample(topic.valueClass(), salt));
      }
      for (String text : texts) {
        SpecificRecord value = SampleRecords.sample(topic.valueClass(), 3);
        for (org.apache.avro.Schema.Field f : value.getSchema().getFields()) {
          if (value.get(f.pos()) instanceof CharSequence) {
            value.put(f.pos(), text);
          }
        }
        sameAsAvro(topic, value);
      }
    }
  }

  /** The codec writes every topic's values with its compiled writer, so the tests above test that writer. */
  @Test
  void everyTopicHasACompiledWriter() {
    for (Topic<?> topic : Topics.all()) {
      assertTrue(CompiledRecordWriter.of(topic.schema()).isPresent(), topic.toString());
    }
  }

  /** Optional fields left null: the union's null branch, as Avro writes it. */
  @Test
  void nullOptionalFieldsAreExactlyAvrosOwn() throws Exception {
    int nullable = 0;
    for (Topic<?> topic : Topics.all()) {
      SpecificRecord value = SampleRecords.sample(topic.valueClass(), 11);
      for (org.apache.avro.Schema.Field f : value.getSchema().getFields()) {
        if (f.schema().isNullable()) {
          value.put(f.pos(), null);
          nullable++;
        }
      }
      sameAsAvro(topic, value);
    }
    assertTrue(nullable > 0, "some schema has optional fields");
  }

  /** A schema with a type the compiled writer does not cover gets none (the codec then uses Avro's writer). */
  @Test
  void schemasWithOtherTypesGetNoCompiledWriter() {
    org.apache.avro.Schema withMap = new org.apache.avro.Schema.Parser().parse("{\"type\": \"record\", \"name\": \"M\", "
        + "\"fields\": [{\"name\": \"id\", \"type\": \"string\"}, "
        + "{\"name\": \"tags\", \"type\": {\"type\": \"map\", \"values\": \"string\"}}]}");
    assertTrue(CompiledRecordWriter.of(withMap).isEmpty());
  }

  /** A required field left null fails the encode and names the field. */
  @Test
  void nullRequiredFieldIsNamed() {
    Booking booking = SampleRecords.sample(Booking.class, 2);
    booking.setShowName(null);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Topics.BOOKINGS.codec().encode(booking));
    assertTrue(e.getMessage().contains("show_name"), e.getMessage());
  }

  private static <T extends SpecificRecord> void sameAsAvro(Topic<T> topic) throws Exception {
    sameAsAvro(topic, SampleRecords.sample(topic.valueClass(), 5));
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> void sameAsAvro(Topic<T> topic, SpecificRecord record) throws Exception {
    T value = (T) record;
    var avro = new org.apache.avro.message.BinaryMessageEncoder<T>(
        org.apache.avro.specific.SpecificData.getForClass(topic.valueClass()), topic.schema());
    java.nio.ByteBuffer expected = avro.encode(value);
    byte[] bytes = new byte[expected.remaining()];
    expected.get(bytes);
    assertArrayEquals(bytes, topic.codec().encode(value), topic.toString());
  }

  @Test
  void garbageFailsWithTheTopicNamed() {
    AvroDeserializer<Booking> deserializer = new AvroDeserializer<>(Booking.class);
    SerializationException e = assertThrows(SerializationException.class,
        () -> deserializer.deserialize("bookings", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("topic bookings"), e.getMessage());
    assertTrue(e.getMessage().contains("not Avro single-object encoding"), e.getMessage());
  }

  @Test
  void unknownFingerprintAndTruncatedBodyFailClearly() {
    byte[] valid = Topics.BOOKINGS.codec().encode(SampleRecords.sample(Booking.class, 1));
    byte[] unknown = valid.clone();
    unknown[5] ^= 0x55;
    AvroDecodeException e1 = assertThrows(AvroDecodeException.class, () -> Topics.BOOKINGS.codec().decode(unknown));
    assertTrue(e1.getMessage().contains("Booking"), e1.getMessage());
    byte[] truncated = Arrays.copyOf(valid, 14);
    assertThrows(AvroDecodeException.class, () -> Topics.BOOKINGS.codec().decode(truncated));
    assertThrows(AvroDecodeException.class, () -> Topics.BOOKINGS.codec().decode(null));
  }

  /** The codec's header (marker and fingerprint) of a topic, then {@code body}. */
  private static <T extends SpecificRecord> byte[] withHeader(Topic<T> topic, byte[] body) {
    byte[] valid = topic.codec().encode(SampleRecords.sample(topic.valueClass(), 1));
    byte[] out = Arrays.copyOf(valid, 10 + body.length);
    System.arraycopy(body, 0, out, 10, body.length);
    return out;
  }

  private static byte[] avroLong(long v) {
    byte[] buf = new byte[10];
    return Arrays.copyOf(buf, org.apache.avro.io.BinaryData.encodeLong(v, buf, 0));
  }

  @Test
  void aLengthNoRecordCouldHaveFailsTheDecodeWithoutAllocatingIt() {
    // a 15-byte record announcing a string of a billion bytes: Avro allocated it first (OutOfMemoryError
    // in a small heap, past the decoder's error handling); now Avro's limit refuses it
    AvroDecodeException string = assertThrows(AvroDecodeException.class,
        () -> Topics.BOOKINGS.codec().decode(withHeader(Topics.BOOKINGS, avroLong(1_000_000_000L))));
    assertTrue(string.getMessage().contains("exceeds maximum allowed"), string.getMessage());
    // an order whose items array announces 200 million items after three empty strings
    byte[] body = new byte[3 + 5];
    int n = org.apache.avro.io.BinaryData.encodeLong(200_000_000L, body, 3);
    AvroDecodeException items = assertThrows(AvroDecodeException.class,
        () -> Topics.ORDERS.codec().decode(withHeader(Topics.ORDERS, Arrays.copyOf(body, 3 + n))));
    assertTrue(items.getMessage().contains("exceeds maximum allowed"), items.getMessage());
  }

  @Test
  void bytesAfterTheRecordAreNotOneRecord() {
    byte[] valid = Topics.BOOKINGS.codec().encode(SampleRecords.sample(Booking.class, 1));
    byte[] trailer = Arrays.copyOf(valid, valid.length + 4);
    AvroDecodeException e = assertThrows(AvroDecodeException.class, () -> Topics.BOOKINGS.codec().decode(trailer));
    assertTrue(e.getMessage().contains("4 bytes follow the record"), e.getMessage());
    byte[] two = Arrays.copyOf(valid, valid.length * 2);
    System.arraycopy(valid, 0, two, valid.length, valid.length);
    assertThrows(AvroDecodeException.class, () -> Topics.BOOKINGS.codec().decode(two), "two records run together");
    assertEquals(SampleRecords.sample(Booking.class, 1), Topics.BOOKINGS.codec().decode(valid));
  }

  @Test
  void aUnionOfTwoNonNullTypesGetsNoCompiledWriter() {
    org.apache.avro.Schema union = new org.apache.avro.Schema.Parser().parse("{\"type\": \"record\", \"name\": \"U\", "
        + "\"fields\": [{\"name\": \"v\", \"type\": [\"string\", \"int\"]}]}");
    assertTrue(CompiledRecordWriter.of(union).isEmpty(), "the compiled writer took branch 1 for null");
  }

  @Test
  void poisonRecordNamesTopicPartitionAndOffset() {
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>("payments", 2, 1234L, new byte[0], new byte[] {1, 2, 3});
    PoisonRecordException e = assertThrows(PoisonRecordException.class,
        () -> new AvroDeserializer<>(io.streamlake.events.ticketing.Payment.class).decode(record));
    assertEquals("payments", e.topic());
    assertEquals(2, e.partition());
    assertEquals(1234L, e.offset());
    assertTrue(e.getMessage().contains("topic payments partition 2 offset 1234"), e.getMessage());
  }

  @Test
  void registryNamesEveryTopicOnce() {
    assertEquals(Topics.all().size(), Topics.all().stream().map(Topic::name).distinct().count());
    assertEquals(Topics.PAYMENTS, Topics.byName("payments").orElseThrow());
    assertTrue(Topics.byName("nope").isEmpty());
  }
}
