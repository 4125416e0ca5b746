# Shared by flink-cluster.sh and run-on-flink.sh (sourced after lib.sh, not run).
#   FLINK_REST_PORT (default 8081): the cluster's REST API and web UI, on 127.0.0.1
#   FLINK_REST (default 127.0.0.1:$FLINK_REST_PORT): where run-on-flink.sh submits to and lists jobs
#   FLINK_DIR (default .local/flink): the cluster's config, logs, pid files, checkpoints and savepoints
FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
FLINK_REST="${FLINK_REST:-127.0.0.1:$FLINK_REST_PORT}"
FLINK_DIR="${FLINK_DIR:-$LOCAL/flink}"

# Classpath of the cluster (module flinkcluster: Flink's jars and the FlinkRest client), built with
# `mvn package` (never install) when it is missing or older than the module's sources.
flink_cluster_classpath() {
  local cpfile="$ROOT/flinkcluster/target/classpath.txt"
  if [[ ! -f "$cpfile" ]] || [[ -n "$(find "$ROOT/flinkcluster/src" "$ROOT/flinkcluster/pom.xml" "$ROOT/pom.xml" \
      -newer "$cpfile" -print -quit 2>/dev/null)" ]]; then
    log "building the Flink cluster classpath (mvn -pl flinkcluster package) ..."
    (cd "$ROOT" && mvn -B -q -pl flinkcluster package) >&2 || die "build of module flinkcluster failed"
    touch "$cpfile"
  fi
  module_classpath flinkcluster
}

# Runs io.streamlake.flinkcluster.FlinkRest against the cluster: await|overview|list|job-id|cancel|stop|checkpoint.
flink_rest() {
  java -Xmx64m -cp "$(flink_cluster_classpath)" io.streamlake.flinkcluster.FlinkRest "$FLINK_REST" "$@"
}
