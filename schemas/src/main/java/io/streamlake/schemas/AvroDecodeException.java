package io.streamlake.schemas;

/** Bytes that are not a valid single-object Avro record of the expected type. */
public class AvroDecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AvroDecodeException(String message) {
    super(message);
  }

  public AvroDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
