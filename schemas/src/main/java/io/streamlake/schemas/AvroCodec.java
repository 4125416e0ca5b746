package io.streamlake.schemas;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one Avro-generated class in Avro single-object encoding (the two marker
 * bytes {@code C3 01}, the writer schema's 8-byte CRC-64-AVRO fingerprint, then the binary body).
 *
 * <p>The decoder knows every released version of the schema ({@link SchemaHistory}), so a record
 * written with an older version is resolved into the current class. Instances are thread-safe.
 */
public final class AvroCodec<T extends SpecificRecord> {
  private static final Map<Class<?>, AvroCodec<?>> CACHE = new ConcurrentHashMap<>();

  static {
    AvroLimits.apply(); // a garbage length fails the decode instead of allocating what it claims
  }

  private final Class<T> type;
  private final byte[] header;
  private final ThreadLocal<EncodeBuffer<T>> encodeBuffers;
  /**
   * The buffer of the thread that encoded last, so that one thread encoding many values (a
   * generator) skips the thread-local lookup (a fifth of an encode's samples in a profile of the
   * generator).
   */
  private volatile EncodeBuffer<T> lastBuffer;
  private final BinaryMessageDecoder<T> decoder;

  private AvroCodec(Class<T> type) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    Schema schema = model.getSchema(type);
    this.header = header(schema);
    Optional<CompiledRecordWriter> compiled = CompiledRecordWriter.of(schema);
    this.encodeBuffers = ThreadLocal.withInitial(() -> new EncodeBuffer<>(compiled.orElse(null),
        new SpecificDatumWriter<>(schema, model)));
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    for (Schema previous : SchemaHistory.previousVersions(schema.getFullName())) {
      decoder.addSchema(previous);
    }
  }

  /** The shared codec of a generated class. */
  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return (AvroCodec<T>) CACHE.computeIfAbsent(type, t -> new AvroCodec<>(type));
  }

  public Class<T> type() {
    return type;
  }

  /** Single-object bytes of a value. */
  public byte[] encode(T value) {
    try {
      EncodeBuffer<T> buffer = lastBuffer;
      if (buffer == null || buffer.owner != Thread.currentThread()) {
        buffer = encodeBuffers.get();
        lastBuffer = buffer;
      }
      return buffer.encode(header, value);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot encode " + type.getSimpleName() + " as Avro: " + e.getMessage(), e);
    }
  }

  /** The single-object header: marker C3 01, then the schema's CRC-64-AVRO fingerprint, little-endian. */
  private static byte[] header(Schema schema) {
    long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    ByteBuffer header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    header.put((byte) 0xC3).put((byte) 0x01).putLong(fingerprint);
    return header.array();
  }

  /**
   * Per-thread encoding state, reused across records: the same bytes as Avro's
   * BinaryMessageEncoder, written into one reused array, with no allocation but the result. The
   * body is written by the schema's {@link CompiledRecordWriter} when there is one, else by Avro's
   * {@code SpecificDatumWriter}.
   */
  private static final class EncodeBuffer<T extends SpecificRecord> {
    /** The thread this buffer belongs to (thread-locals are made on their own thread). */
    final Thread owner = Thread.currentThread();
    private final CompiledRecordWriter compiled;
    private final SpecificDatumWriter<T> writer;
    private final ArrayBinaryEncoder encoder = new ArrayBinaryEncoder();

    EncodeBuffer(CompiledRecordWriter compiled, SpecificDatumWriter<T> writer) {
      this.compiled = compiled;
      this.writer = writer;
    }

    byte[] encode(byte[] header, T value) throws IOException {
      encoder.reset();
      encoder.writeFixed(header, 0, header.length);
      if (compiled != null) {
        compiled.write(value, encoder);
      } else {
        writer.write(value, encoder);
      }
      return encoder.toByteArray();
    }
  }

  /**
   * Decodes single-object bytes.
   *
   * @throws AvroDecodeException when the bytes are not single-object Avro of a known version of
   *     this schema; the message says why
   */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      throw new AvroDecodeException("value is null (a tombstone), expected a " + type.getSimpleName());
    }
    if (bytes.length < 10 || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
      throw new AvroDecodeException(
          "not Avro single-object encoding (no C3 01 header) for " + type.getSimpleName()
              + ", " + bytes.length + " bytes");
    }
    try {
      // from a stream, to see what is left after the record: single-object bytes are one record, so
      // anything more (two records run together, a trailer) is not a valid record either
      ByteArrayInputStream in = new ByteArrayInputStream(bytes);
      T value = decoder.decode(in, null);
      if (in.available() > 0) {
        throw new AvroDecodeException("not one " + type.getSimpleName() + ": " + in.available() + " bytes follow the"
            + " record (of " + bytes.length + ")");
      }
      return value;
    } catch (IOException | RuntimeException e) {
      if (e instanceof AvroDecodeException decodeError) {
        throw decodeError;
      }
      throw new AvroDecodeException(
          "cannot decode " + type.getSimpleName() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
