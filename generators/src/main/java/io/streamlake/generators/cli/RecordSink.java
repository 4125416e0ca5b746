package io.streamlake.generators.cli;

import io.streamlake.generators.core.GeneratedRecord;

/** Where generated records go: Kafka in production, a list in tests. */
public interface RecordSink extends AutoCloseable {
  /** Sends one record asynchronously; failures are counted, not thrown. */
  void send(GeneratedRecord record);

  /** Blocks until every record sent so far is acknowledged or has failed. */
  void flush();

  /** Records acknowledged so far. */
  long acknowledged();

  /** Records that failed to send so far. */
  long failed();

  /** The first send error, if any, for the final report. */
  String firstError();

  @Override
  void close();
}
