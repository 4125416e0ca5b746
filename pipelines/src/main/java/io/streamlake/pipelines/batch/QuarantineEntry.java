package io.streamlake.pipelines.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;

/**
 * Something a batch run set aside: an unreadable bronze file ({@code FILE}: moved to the quarantine
 * folder) or an invalid record ({@code RECORD}: written, with the file it came from, to the run's
 * quarantine list). One JSON object per line in {@code LAKE/quarantine/records/dt=.../hour=.../run-RUN*.jsonl}.
 *
 * @param path the bronze file (Beam resource spec)
 * @param eventId the record's event id (RECORD only)
 * @param record the record as JSON (RECORD only)
 */
public record QuarantineEntry(Kind kind, String topic, String path, String eventId, String reason, String record)
    implements Serializable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What was quarantined. */
  public enum Kind { FILE, RECORD }

  public static QuarantineEntry file(String topic, String path, String reason) {
    return new QuarantineEntry(Kind.FILE, topic, path, null, reason, null);
  }

  public static QuarantineEntry record(String topic, String path, String eventId, String reason, String record) {
    return new QuarantineEntry(Kind.RECORD, topic, path, eventId, reason, record);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static QuarantineEntry fromJson(String line) {
    try {
      return JSON.readValue(line, QuarantineEntry.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a quarantine entry: " + line, e);
    }
  }

  /** One line for the run's report. */
  public String describe() {
    return kind == Kind.FILE
        ? "file " + path + ": " + reason
        : "record " + eventId + " of " + topic + " in " + path + ": " + reason;
  }
}
