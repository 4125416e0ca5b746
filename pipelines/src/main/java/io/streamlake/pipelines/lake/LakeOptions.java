package io.streamlake.pipelines.lake;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where the data lake lives. Shared by the lake writer and the hourly batch. */
public interface LakeOptions extends PipelineOptions {
  @Description("Root of the data lake: a local folder (the default) or any Beam filesystem URI, e.g."
      + " gs://bucket/lake; bronze/, silver/ and quarantine/ live under it")
  @Default.String(".local/lake")
  String getLakeRoot();

  void setLakeRoot(String value);
}
