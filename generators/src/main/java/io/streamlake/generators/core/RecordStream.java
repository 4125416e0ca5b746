package io.streamlake.generators.core;

import java.time.Instant;

/** Records in release order, with the release time of the next one visible for pacing and merging. */
public interface RecordStream {
  boolean hasNext();

  /** Release (send) time of the next record, in event-time terms. */
  Instant peekReleaseTime();

  GeneratedRecord next();
}
