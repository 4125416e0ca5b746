package io.streamlake.pipelines.batch;

import io.streamlake.pipelines.lake.LakeLayout;
import java.io.Serializable;
import java.time.Instant;

/**
 * One bronze folder a batch run reads: {@code LAKE/bronze/TOPIC/dt=.../hour=...}. A lookahead folder
 * is the next hour's, read only so that this hour's joins see what belongs to them (payments made in
 * the first minutes of the next hour for bookings of this one); its records never reach this hour's
 * silver and its problems are the next hour's to report.
 */
public record BronzeSource(String topic, String directory, Instant hour, boolean lookahead) implements Serializable {

  public static BronzeSource of(String lakeRoot, String topic, Hour hour, boolean lookahead) {
    return new BronzeSource(topic, LakeLayout.hourDir(lakeRoot, LakeLayout.BRONZE, topic, hour.start()),
        hour.start(), lookahead);
  }
}
