#!/usr/bin/env bash
# The main job, end to end, on this machine: builds if needed, starts the local Kafka broker, runs every
# generator (two hours of event time, sent as fast as the broker takes it), prints what arrived per topic,
# runs the booking/payment join over the topics (replay mode) into the DuckDB warehouse, and prints the
# warehouse tables. Stops the broker it started, on success, failure or Ctrl-C; can be run again.
# usage: scripts/demo.sh [--duration 2h] [--rate 1] [--runner DirectRunner|FlinkRunner|SparkRunner] [--keep-kafka]
source "$(dirname "$0")/lib.sh"
DURATION=2h
RATE=1
RUNNER=DirectRunner
KEEP_KAFKA=0
while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --runner) RUNNER="$2"; shift 2 ;;
    --keep-kafka) KEEP_KAFKA=1; shift ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

started_kafka=0
cleanup() {
  local code=$?
  if ((started_kafka && !KEEP_KAFKA)); then "$ROOT/scripts/kafka-local.sh" stop || true; fi
  exit $code
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

ensure_built
if ! "$ROOT/scripts/kafka-local.sh" status >/dev/null 2>&1; then
  "$ROOT/scripts/kafka-local.sh" start
  started_kafka=1
fi
BOOTSTRAP="127.0.0.1:${KAFKA_PORT:-9092}"
CP="$(module_classpath generators)"
mkdir -p "$LOCAL/reference"


RUN="demo$(date +%s)-"
WAREHOUSE="$LOCAL/demo/warehouse.duckdb"
BASE_TIME="$(date -u -d '-3 hours' +%Y-%m-%dT%H:00:00Z)"
mkdir -p "$LOCAL/demo"
rm -f "$WAREHOUSE" "$WAREHOUSE.wal"
java -cp "$(module_classpath devservices)" io.streamlake.devservices.LocalKafka create-topics "$BOOTSTRAP" "$RUN" >/dev/null

log "generating every scenario: $DURATION of event time from $BASE_TIME at $RATE events/s each (topics $RUN*)"
java -Xmx1g -cp "$CP" io.streamlake.generators.Generate all --bootstrap-servers "$BOOTSTRAP" --topic-prefix "$RUN" \
  --rate "$RATE" --duration "$DURATION" --base-time "$BASE_TIME" --speedup 0 --seed 42 \
  --out-of-order 0.05 --out-of-order-max 20s --duplicates 0.01 --poison 0.002 --reference-dir "$LOCAL/reference"
log "what arrived in Kafka:"
java -cp "$CP" io.streamlake.generators.Inspect --bootstrap-servers "$BOOTSTRAP" --topic-prefix "$RUN"

log "joining bookings with payments on $RUNNER (replay of the topics) into $WAREHOUSE"
"$ROOT/scripts/run-pipeline.sh" join --runner="$RUNNER" --readMode=REPLAY --bootstrapServers="$BOOTSTRAP" \
  --topicPrefix="$RUN" --jdbcUrl="jdbc:duckdb:$WAREHOUSE"
log "window aggregations and alerts (web shop, box office, flights) on $RUNNER into $WAREHOUSE"
"$ROOT/scripts/run-pipeline.sh" windows --runner="$RUNNER" --readMode=REPLAY --bootstrapServers="$BOOTSTRAP" \
  --topicPrefix="$RUN" --jdbcUrl="jdbc:duckdb:$WAREHOUSE" --usersFile="$LOCAL/reference/users.jsonl" \
  --vipFile="$LOCAL/reference/vip.json"
log "the warehouse:"
"$ROOT/scripts/run-pipeline.sh" summary "jdbc:duckdb:$WAREHOUSE"
log "reference data (users, products, VIP list): $LOCAL/reference; warehouse: $WAREHOUSE"
