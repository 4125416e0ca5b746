#!/usr/bin/env bash
# Runs a pipeline in this JVM with the runner of your choice (default: the Direct runner).
# usage: scripts/run-pipeline.sh PIPELINE [--runner=DirectRunner|FlinkRunner|SparkRunner] [pipeline options]
#   PIPELINE: join | windows | lake | hourly-batch | retail-oltp | summary (prints the warehouse tables) | bench-join
#   e.g. scripts/run-pipeline.sh join --readMode=REPLAY --bootstrapServers=127.0.0.1:9092
#   PIPELINE_JAVA_OPTS (default -Xmx2g)
# Runs in the repository root, as hourly-batch.sh and run-on-flink.sh do: relative paths in options (and the
# defaults, such as the DuckDB file .local/warehouse.duckdb) are relative to it, wherever it is started.
source "$(dirname "$0")/lib.sh"
pipeline="${1:-}"; shift || true
main="$(pipeline_main "$pipeline")" || die "usage: $0 PIPELINE [options], PIPELINE one of: $PIPELINE_NAMES (see the README for each pipeline's options)"
ensure_built
cd "$ROOT"
export SPARK_LOCAL_IP=127.0.0.1
# shellcheck disable=SC2086 # option lists
exec java ${PIPELINE_JAVA_OPTS:--Xmx2g} $SPARK_JAVA_OPTS -cp "$(module_classpath pipelines)" "$main" "$@"
