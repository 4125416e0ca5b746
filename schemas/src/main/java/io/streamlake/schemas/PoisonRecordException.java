package io.streamlake.schemas;

/** A Kafka record whose value is not valid single-object Avro for its topic. */
public class PoisonRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private final int partition;
  private final long offset;

  public PoisonRecordException(String topic, int partition, long offset, Throwable cause) {
    super("undecodable record at topic " + topic + " partition " + partition + " offset " + offset
        + ": " + cause.getMessage(), cause);
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }
}
