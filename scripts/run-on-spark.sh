#!/usr/bin/env bash
# Runs a pipeline with the Spark runner in this JVM, Spark local[N] (default local[2]), from the same
# runner-complete jar that run-on-flink.sh submits (built on demand: mvn -Pshaded).
# usage: scripts/run-on-spark.sh PIPELINE [pipeline options]   (PIPELINE: see PIPELINE_NAMES in scripts/lib.sh)
#   e.g. scripts/run-on-spark.sh join --readMode=REPLAY --bootstrapServers=127.0.0.1:9092 \
#          --jdbcUrl=jdbc:duckdb:.local/warehouse.duckdb
#   --sparkMaster=local[4] for more threads. A streaming run of a stateful pipeline (the join without
#   --readMode=REPLAY) stops at once with the reason: Beam 2.62's Spark runner cannot run it.
#   The jar also runs under spark-submit:
#     spark-submit --master 'local[2]' --class MAIN_CLASS pipelines/target/streamlake-pipelines-*-shaded.jar --runner=SparkRunner ...
#   PIPELINE_JAVA_OPTS (default -Xmx2g; Spark wants at least ~512 MiB)
source "$(dirname "$0")/lib.sh"
pipeline="${1:-}"; shift || true
main="$(pipeline_main "$pipeline")" || die "usage: $0 PIPELINE [options], PIPELINE one of: $PIPELINE_NAMES"
extra=()
runner_given=0
for a in "$@"; do
  case "$a" in
    --runner=*)
      runner_is SparkRunner "${a#--runner=}" \
        || die "run-on-spark.sh runs pipelines on the SparkRunner (use run-pipeline.sh or run-on-flink.sh for other runners)"
      runner_given=1 ;;
  esac
done
((runner_given)) || extra+=(--runner=SparkRunner)
[[ " $* " == *" --sparkMaster="* ]] || extra+=("--sparkMaster=local[2]")
jar="$(shaded_jar)"
export SPARK_LOCAL_IP=127.0.0.1
# shellcheck disable=SC2086 # option lists
exec java ${PIPELINE_JAVA_OPTS:--Xmx2g} $SPARK_JAVA_OPTS -cp "$jar" "$main" "${extra[@]}" "$@"
