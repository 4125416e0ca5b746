# Shared helpers for the scripts (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"

# Whether a --runner value names RUNNER (e.g. FlinkRunner) as Beam reads it: the class's simple name in any
# case, or its full name (org.apache.beam.runners.flink.FlinkRunner).
runner_is() {
  local want="${1,,}" given="${2##*.}"
  [[ "${given,,}" == "$want" ]]
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Builds the modules (skipping tests) when a jar or classpath file is missing or older than the sources.
ensure_built() {
  local stamp="$ROOT/pipelines/target/.built"
  if [[ ! -f "$stamp" ]] || [[ -n "$(find "$ROOT"/schemas/src "$ROOT"/devservices/src "$ROOT"/generators/src "$ROOT"/ingest/src "$ROOT"/pipelines/src "$ROOT"/pom.xml "$ROOT"/*/pom.xml -newer "$stamp" -print -quit 2>/dev/null)" ]]; then
    log "building (mvn -DskipTests install) ..."
    (cd "$ROOT" && mvn -B -q -DskipTests install) || die "build failed"
    touch "$stamp"
  fi
}

# Classpath of a module's runtime dependencies plus its own jar.
module_classpath() {
  local module="$1"
  local cpfile="$ROOT/$module/target/classpath.txt"
  [[ -f "$cpfile" ]] || die "missing $cpfile: run the build first"
  printf '%s:%s' "$ROOT/$module/target/classes" "$(cat "$cpfile")"
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
# Whether something answers on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Stops process PID, called NAME in messages: TERM, up to 30 s for it to end, then KILL; removes PIDFILE.
stop_process() {
  local name="$1" pid="$2" pidfile="$3"
  log "stopping $name (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 60); do
    pid_alive "$pid" || break
    sleep 0.5
  done
  if pid_alive "$pid"; then
    log "$name did not stop in 30 s; killing it"
    kill -9 "$pid"
  fi
  rm -f "$pidfile"
}

# The pipelines by name, for run-pipeline.sh, run-on-flink.sh and run-on-spark.sh: one place maps names to main classes.
PIPELINE_NAMES="join windows lake hourly-batch retail-oltp summary bench-join bench-windows bench-batch"
pipeline_main() {
  case "${1:-}" in
    join) echo io.streamlake.pipelines.join.BookingJoinPipeline ;;
    windows) echo io.streamlake.pipelines.windows.WindowsPipeline ;;
    lake) echo io.streamlake.pipelines.lake.LakeWriterPipeline ;;
    hourly-batch) echo io.streamlake.pipelines.batch.HourlyBatch ;;
    retail-oltp) echo io.streamlake.pipelines.retail.RetailOltpPipeline ;;
    summary) echo io.streamlake.pipelines.common.WarehouseSummary ;;
    bench-join) echo io.streamlake.pipelines.bench.JoinBenchmark ;;
    bench-windows) echo io.streamlake.pipelines.bench.WindowsBenchmark ;;
    bench-batch) echo io.streamlake.pipelines.bench.BatchLoadBenchmark ;;
    *) return 1 ;;
  esac
}

# JVM options every pipeline JVM gets: the opens Spark needs on Java 17 (harmless for the other runners),
# Spark bound to loopback without its UI.
SPARK_JAVA_OPTS="--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED \
-Dspark.ui.enabled=false -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1"

# Path of the runner-complete jar (every pipeline, every runner), built with -Pshaded when it is missing
# or older than the sources. Progress goes to stderr, the path to stdout.
shaded_jar() {
  local jar
  jar="$(ls "$ROOT"/pipelines/target/streamlake-pipelines-*-shaded.jar 2>/dev/null | head -1 || true)"
  if [[ -z "$jar" ]] || [[ -n "$(find "$ROOT"/schemas/src "$ROOT"/pipelines/src "$ROOT"/pom.xml "$ROOT"/*/pom.xml \
      -newer "$jar" -print -quit 2>/dev/null)" ]]; then
    log "building the runner-complete jar (mvn -Pshaded -pl pipelines -am install -DskipTests, about a minute) ..."
    (cd "$ROOT" && mvn -B -q -Pshaded -pl pipelines -am install -DskipTests) >&2 || die "build of the shaded jar failed"
    jar="$(ls "$ROOT"/pipelines/target/streamlake-pipelines-*-shaded.jar 2>/dev/null | head -1 || true)"
    [[ -n "$jar" ]] || die "the build did not produce pipelines/target/streamlake-pipelines-*-shaded.jar"
  fi
  printf '%s' "$jar"
}
