package io.streamlake.schemas;

import java.lang.reflect.Method;
import org.apache.avro.SystemLimitException;

/**
 * Bounds on what one Avro record may claim, so that a record whose length field is garbage (a string
 * of a billion bytes announced in a 15-byte record) fails to decode instead of making the reader
 * allocate what it claims: Avro allocates a string, bytes value or array at its announced size before
 * reading it, and an {@code OutOfMemoryError} escaped the decoder and stopped the consumer, with no
 * dead letter.
 *
 * <p>Avro's own limits ({@link SystemLimitException}'s system properties), set for this JVM unless
 * already set (a {@code -D} on the command line wins): strings up to {@value #MAX_STRING_BYTES} bytes,
 * bytes values up to {@value #MAX_BYTES} bytes, arrays and maps up to {@value #MAX_COLLECTION_ITEMS}
 * items; far above any record of ours (Kafka refuses messages over 1 MB by default). Avro reads the
 * properties once, when the class is first used; if another part of the JVM used it already, its
 * package-private {@code resetLimits()} makes it read them again.
 */
final class AvroLimits {
  static final int MAX_STRING_BYTES = 16 << 20;
  static final int MAX_BYTES = 64 << 20;
  static final int MAX_COLLECTION_ITEMS = 1_000_000;

  private AvroLimits() {}

  private static boolean applied;

  /** Sets the limits for this JVM (once; properties already set are kept). */
  static synchronized void apply() {
    if (applied) {
      return;
    }
    setIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_STRING_BYTES);
    setIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_BYTES);
    setIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_COLLECTION_ITEMS);
    try {
      Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
      reset.setAccessible(true);
      reset.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // another Avro version: the properties still apply if Avro had not read them yet
    }
    applied = true;
  }

  private static void setIfAbsent(String property, int value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, Integer.toString(value));
    }
  }
}
