package io.streamlake.pipelines.lake;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Parquet and Avro plumbing of the lake. Records in the lake are Avro {@link GenericRecord}s of the
 * current schema of their topic with timestamps as plain {@code long} millis (the Parquet columns keep
 * the {@code timestamp-millis} annotation); in a pipeline they travel as single-object bytes.
 */
public final class ParquetFiles {
  private ParquetFiles() {}

  private static final Map<Schema, BinaryMessageDecoder<GenericRecord>> DECODERS = new ConcurrentHashMap<>();
  private static final Map<Schema, BinaryMessageEncoder<GenericRecord>> ENCODERS = new ConcurrentHashMap<>();

  /** Single-object bytes (written with {@code schema}) as a generic record of {@code schema}. */
  public static GenericRecord toGeneric(byte[] singleObject, Schema schema) {
    try {
      return DECODERS.computeIfAbsent(schema, s -> new BinaryMessageDecoder<>(GenericData.get(), s)).decode(singleObject);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A generic record of {@code schema} as single-object bytes (what {@code AvroCodec} decodes). */
  public static byte[] toSingleObject(GenericRecord record, Schema schema) {
    try {
      ByteBuffer buffer = ENCODERS.computeIfAbsent(schema, s -> new BinaryMessageEncoder<>(GenericData.get(), s))
          .encode(record);
      byte[] out = new byte[buffer.remaining()];
      buffer.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads every record of a Parquet file (any Beam filesystem) as a generic record of {@code schema}
   * (columns matched by name; fields missing from the file take their defaults) and returns how many.
   *
   * @throws IOException or a runtime exception from Parquet when the file is not readable Parquet
   */
  public static long read(ResourceId file, Schema schema, Consumer<GenericRecord> action) throws IOException {
    try (ReadableByteChannel channel = FileSystems.open(file)) {
      InputFile input = channel instanceof SeekableByteChannel s ? new ChannelInputFile(s) : new BytesInputFile(readAll(channel));
      Configuration conf = new Configuration(false);
      AvroReadSupport.setRequestedProjection(conf, schema);
      AvroReadSupport.setAvroReadSchema(conf, schema);
      try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(input)
          .withDataModel(GenericData.get()).withConf(conf).build()) {
        long n = 0;
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          action.accept(r);
          n++;
        }
        return n;
      }
    }
  }

  private static byte[] readAll(ReadableByteChannel channel) throws IOException {
    try (InputStream in = Channels.newInputStream(channel)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  /** A Parquet input over a seekable Beam channel. */
  private static final class ChannelInputFile implements InputFile {
    private final SeekableByteChannel channel;

    ChannelInputFile(SeekableByteChannel channel) {
      this.channel = channel;
    }

    @Override
    public long getLength() throws IOException {
      return channel.size();
    }

    @Override
    public SeekableInputStream newStream() {
      return new DelegatingSeekableInputStream(Channels.newInputStream(channel)) {
        @Override
        public long getPos() throws IOException {
          return channel.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
          channel.position(newPos);
        }
      };
    }
  }

  /** A Parquet input over bytes in memory (for filesystems whose channels cannot seek). */
  private static final class BytesInputFile implements InputFile {
    private final byte[] bytes;

    BytesInputFile(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public long getLength() {
      return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
      SeekableBytes in = new SeekableBytes(bytes);
      return new DelegatingSeekableInputStream(in) {
        @Override
        public long getPos() {
          return in.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
          if (newPos < 0 || newPos > bytes.length) {
            throw new EOFException("seek to " + newPos + " of " + bytes.length);
          }
          in.position((int) newPos);
        }
      };
    }
  }

  /** A byte array stream whose position can be read and set. */
  private static final class SeekableBytes extends java.io.ByteArrayInputStream {
    SeekableBytes(byte[] bytes) {
      super(bytes);
    }

    synchronized long position() {
      return pos;
    }

    synchronized void position(int newPos) {
      pos = newPos;
    }
  }
}
