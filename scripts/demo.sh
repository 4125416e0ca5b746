#!/usr/bin/env bash
# The main job, end to end, on this machine:
#   1. builds if needed and starts the local Kafka broker (unless one is running);
#   2. runs every generator (five scenarios) for --duration of event time ending about an hour ago, at
#      --rate events/s per scenario, sent as fast as the broker takes them (about a minute by default);
#   3. runs the streaming pipelines (join, windows and alerts, lake writer) together on --runner until
#      their results stop changing, then cancels them (Spark: bounded replays, see the runner matrix);
#   4. runs the hourly batch over every hour produced (bronze -> silver -> gold in the warehouse);
#   5. prints the warehouse (row counts and headlines) and where the lake and warehouse are.
# Stops everything it started, on success, failure or Ctrl-C; can be run again (each run uses new topics,
# a fresh lake and a fresh warehouse under .local/demo).
# usage: scripts/demo.sh [--duration 2h] [--rate 1] [--runner FlinkRunner|DirectRunner|SparkRunner] [--keep-kafka]
source "$(dirname "$0")/lib.sh"
source "$ROOT/scripts/prereqs.sh" # what a fresh machine lacks: Java 17, Maven
DURATION=2h
RATE=1
RUNNER=FlinkRunner
KEEP_KAFKA=0
while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --runner) RUNNER="$2"; shift 2 ;;
    --keep-kafka) KEEP_KAFKA=1; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
case "$RUNNER" in DirectRunner|FlinkRunner|SparkRunner) ;; *) die "--runner must be DirectRunner, FlinkRunner or SparkRunner" ;; esac
[[ "$DURATION" =~ ^([0-9]+)h$ ]] || die "--duration takes whole hours, e.g. 2h (the hourly batch loads whole hours)"
HOURS="${BASH_REMATCH[1]}"
((HOURS >= 1 && HOURS <= 24)) || die "--duration between 1h and 24h"

started_kafka=0
child=""
cleanup() {
  local code=$?
  if [[ -n "$child" ]] && pid_alive "$child"; then kill "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  if ((started_kafka && !KEEP_KAFKA)); then "$ROOT/scripts/kafka-local.sh" stop || true; fi
  exit $code
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# Runs a command in the background and waits for it, so Ctrl-C reaches cleanup() while it runs.
run() {
  "$@" &
  child=$!
  local rc=0
  wait "$child" || rc=$?
  child=""
  return $rc
}

ensure_built
if ! "$ROOT/scripts/kafka-local.sh" status >/dev/null 2>&1; then
  started_kafka=1 # before the start: an interrupted or failed start is stopped too (stop is safe when nothing runs)
  "$ROOT/scripts/kafka-local.sh" start
fi
BOOTSTRAP="127.0.0.1:${KAFKA_PORT:-9092}"
CP="$(module_classpath generators)"
DEMO="$LOCAL/demo"
RUN="demo$(date +%s)-"
WAREHOUSE="$DEMO/warehouse.duckdb"
LAKE="$DEMO/lake"
REFERENCE="$DEMO/reference"
# whole hours that ended at least an hour ago, so the hourly batch may load every one of them
FIRST_HOUR_EPOCH=$(( ($(date -u +%s) / 3600 - HOURS - 1) * 3600 ))
BASE_TIME="$(date -u -d "@$FIRST_HOUR_EPOCH" +%Y-%m-%dT%H:00:00Z)"
FROM_HOUR="$(date -u -d "@$FIRST_HOUR_EPOCH" +%Y-%m-%dT%H)"
TO_HOUR="$(date -u -d "@$((FIRST_HOUR_EPOCH + (HOURS - 1) * 3600))" +%Y-%m-%dT%H)"
rm -rf "$WAREHOUSE" "$WAREHOUSE.wal" "$LAKE" "$DEMO/hourly-batch.lock"
mkdir -p "$DEMO" "$REFERENCE"
java -cp "$(module_classpath devservices)" io.streamlake.devservices.LocalKafka create-topics "$BOOTSTRAP" "$RUN" >/dev/null

log "1/5 generating every scenario: $DURATION of event time from $BASE_TIME at $RATE events/s each (topics $RUN*)"
run java -Xmx1g -cp "$CP" io.streamlake.generators.Generate all --bootstrap-servers "$BOOTSTRAP" --topic-prefix "$RUN" \
  --rate "$RATE" --duration "$DURATION" --base-time "$BASE_TIME" --speedup 0 --seed 42 \
  --out-of-order 0.05 --out-of-order-max 20s --duplicates 0.01 --poison 0.002 --reference-dir "$REFERENCE"
log "what arrived in Kafka:"
java -cp "$CP" io.streamlake.generators.Inspect --bootstrap-servers "$BOOTSTRAP" --topic-prefix "$RUN"

KAFKA_ARGS=(--runner="$RUNNER" --bootstrapServers="$BOOTSTRAP" --topicPrefix="$RUN")
DEMO_TIMEOUT=600
case "$RUNNER" in
  FlinkRunner) KAFKA_ARGS+=(--flinkMaster='[local]' --parallelism=1) ;;
  SparkRunner) KAFKA_ARGS+=(--sparkMaster='local[2]') ;;
  # the Direct runner checks every element's immutability and encoding (twice the time), and even without
  # the checks its lake writer took over ten minutes for the retail topic's ~90,000 lines on 2 cores
  DirectRunner) KAFKA_ARGS+=(--enforceImmutability=false --enforceEncodability=false); DEMO_TIMEOUT=1800 ;;
esac
JOIN_ARGS=("${KAFKA_ARGS[@]}" --jdbcUrl="jdbc:duckdb:$WAREHOUSE")
WINDOWS_ARGS=("${JOIN_ARGS[@]}" --usersFile="$REFERENCE/users.jsonl" --vipFile="$REFERENCE/vip.json")
LAKE_ARGS=("${KAFKA_ARGS[@]}" --lakeRoot="$LAKE" --closeFilesEverySeconds=10)
if [[ "$RUNNER" == SparkRunner ]]; then
  # the runner matrix: Beam 2.62's Spark runner cannot run the join and windows in streaming mode
  log "2/5 Spark: streaming is refused for these pipelines (README, runner matrix); running them as bounded replays"
  run "$ROOT/scripts/run-pipeline.sh" join --readMode=REPLAY "${JOIN_ARGS[@]}"
  run "$ROOT/scripts/run-pipeline.sh" windows --readMode=REPLAY "${WINDOWS_ARGS[@]}"
  run "$ROOT/scripts/run-pipeline.sh" lake --readMode=REPLAY "${LAKE_ARGS[@]}"
else
  log "2/5 streaming: join, windows and alerts, lake writer on $RUNNER, until their results stop changing"
  # shellcheck disable=SC2086 # option lists
  run java ${PIPELINE_JAVA_OPTS:--Xmx3g} $SPARK_JAVA_OPTS -cp "$(module_classpath pipelines)" \
    io.streamlake.pipelines.demo.StreamingDemo "${WINDOWS_ARGS[@]}" --lakeRoot="$LAKE" --closeFilesEverySeconds=10 \
    --idleTimeoutMs=5000 --demoTimeoutSeconds="$DEMO_TIMEOUT"
fi

log "3/5 hourly batch over $FROM_HOUR .. $TO_HOUR (bronze -> silver -> gold) on $RUNNER"
batch_args=(--from="$FROM_HOUR" --to="$TO_HOUR" --lakeRoot="$LAKE" --jdbcUrl="jdbc:duckdb:$WAREHOUSE" --runner="$RUNNER")
[[ "$RUNNER" == DirectRunner ]] && batch_args+=(--enforceImmutability=false --enforceEncodability=false)
[[ "$RUNNER" == SparkRunner ]] && batch_args+=(--sparkMaster='local[2]')
[[ "$RUNNER" == FlinkRunner ]] && batch_args+=(--flinkMaster='[local]' --parallelism=1)
rc=0
STREAMLAKE_BATCH_LOCK="$DEMO/hourly-batch.lock" STREAMLAKE_BATCH_LOG="$DEMO/hourly-batch.log" \
  run "$ROOT/scripts/hourly-batch.sh" "${batch_args[@]}" || rc=$?
((rc == 0 || rc == 3)) || die "the hourly batch failed (exit $rc); its log: $DEMO/hourly-batch.log"

log "4/5 the warehouse:"
"$ROOT/scripts/run-pipeline.sh" summary "jdbc:duckdb:$WAREHOUSE"
log "5/5 where things are:"
printf '  warehouse (DuckDB)   %s\n  lake (Parquet)       %s/{bronze,silver}/<topic>/dt=YYYY-MM-DD/hour=HH/\n' "$WAREHOUSE" "$LAKE"
printf '  reference data       %s (users, products, VIP list)\n  batch log            %s\n' "$REFERENCE" "$DEMO/hourly-batch.log"
printf '  Kafka topics         %s* on %s\n' "$RUN" "$BOOTSTRAP"
