package io.streamlake.pipelines.common;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The SQL warehouse a pipeline writes to. The password never comes from the command line. */
public interface WarehouseOptions extends PipelineOptions {
  @Description("JDBC URL of the warehouse: jdbc:duckdb:PATH (the default, an embedded file; one writing process"
      + " per file) or jdbc:postgresql://HOST:PORT/DB")
  @Default.String("jdbc:duckdb:.local/warehouse.duckdb")
  String getJdbcUrl();

  void setJdbcUrl(String value);

  @Description("Warehouse user (PostgreSQL); may also be given in the URL")
  String getJdbcUser();

  void setJdbcUser(String value);

  @Description("Name of the environment variable that holds the warehouse password")
  @Default.String("STREAMLAKE_JDBC_PASSWORD")
  String getJdbcPasswordEnv();

  void setJdbcPasswordEnv(String value);

  @Description("Rows per JDBC batch when writing to the warehouse")
  @Default.Integer(1000)
  Integer getJdbcBatchSize();

  void setJdbcBatchSize(Integer value);
}
