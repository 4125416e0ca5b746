#!/usr/bin/env bash
# Each pipeline on the DirectRunner over a fixed data set of about EVENTS events per pipeline (goal: under
# 60 s each): the join (EVENTS/2 bookings and their payments), the windows and alerts (EVENTS page views and
# the ratings they cause), the lake writer (both scenarios) and the hourly batch (the hour that holds them).
# Each time is the wall time of the whole run as a user starts it: JVM start, pipeline build, run, teardown.
# usage: scripts/bench-direct.sh [EVENTS]     (default 100000; uses the benchmark's broker, KAFKA_PORT 9192)
# Prints a table and the line "DIRECT pipeline=... records=... seconds=..." per pipeline (read by bench.sh).
source "$(dirname "$0")/lib.sh"
EVENTS="${1:-100000}"
[[ "$EVENTS" =~ ^[0-9]+$ ]] || die "usage: $0 [EVENTS]"
export KAFKA_PORT="${KAFKA_PORT:-9192}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9193}"
export KAFKA_DIR="${KAFKA_DIR:-$LOCAL/bench-kafka}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
DIR="$LOCAL/bench-direct/$EVENTS"
BASE_TIME=2026-01-01T00:00:00Z
HOUR=2026-01-01T00
ensure_built
"$ROOT/scripts/kafka-local.sh" start >&2
mkdir -p "$DIR"

# The data set: generated once per size (a marker names its topic prefix), at 30 events/s of event time so
# that every event falls in the first hour.
prefix=""
if [[ -f "$DIR/prefix" ]]; then
  prefix="$(cat "$DIR/prefix")"
  [[ -d "$KAFKA_DIR/data/${prefix}bookings-0" && -f "$DIR/reference/users.jsonl" ]] || prefix=""
fi
if [[ -z "$prefix" ]]; then
  rm -f "$DIR/prefix"
  prefix="bench-direct-$EVENTS-$(date -u +%s)-"
  log "generating the data set into ${prefix}*: $((EVENTS / 2)) bookings and their payments, $EVENTS page views"
  java -cp "$(module_classpath devservices)" io.streamlake.devservices.LocalKafka create-topics "$BOOTSTRAP" "$prefix" >/dev/null
  common=(--bootstrap-servers "$BOOTSTRAP" --topic-prefix "$prefix" --rate 30 --speedup 0 --seed 7 --base-time "$BASE_TIME"
    --out-of-order 0.05 --out-of-order-max 30s --duplicates 0.01 --poison 0.001 --progress-seconds 60)
  java -Xmx1g -cp "$(module_classpath generators)" io.streamlake.generators.Generate ticketing --events "$((EVENTS / 2))" \
    "${common[@]}" >&2 || die "generating ticketing failed"
  java -Xmx1g -cp "$(module_classpath generators)" io.streamlake.generators.Generate shop --events "$EVENTS" \
    --reference-dir "$DIR/reference" "${common[@]}" >&2 || die "generating shop failed"
  echo "$prefix" >"$DIR/prefix"
fi
INSPECT="$(java -cp "$(module_classpath generators)" io.streamlake.generators.Inspect --bootstrap-servers "$BOOTSTRAP" \
  --topic-prefix "$prefix" 2>/dev/null)"
records() { # topics...: the records in them
  local sum=0 t n
  for t in "$@"; do
    n="$(awk -v t="$prefix$t" '$1 == t { print $2 }' <<<"$INSPECT")"
    sum=$((sum + ${n:-0}))
  done
  echo "$sum"
}

RESULTS=()
timed() { # name records command...
  local name="$1" n="$2" start end secs logf="$DIR/$1.log"
  shift 2
  log "$name on the DirectRunner: $n records ..."
  start="$(date +%s%N)"
  "$@" >"$logf" 2>&1 || { tail -30 "$logf" >&2; die "$name failed (log: $logf)"; }
  end="$(date +%s%N)"
  secs="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
  RESULTS+=("$name $n $secs")
  echo "DIRECT pipeline=$name records=$n seconds=$secs"
}

rm -rf "$DIR/lake" "$DIR"/warehouse-*.duckdb*
KAFKA_ARGS=(--runner=DirectRunner --bootstrapServers="$BOOTSTRAP" --topicPrefix="$prefix" --readMode=REPLAY)
timed join "$(records bookings payments)" "$ROOT/scripts/run-pipeline.sh" join "${KAFKA_ARGS[@]}" \
  --jdbcUrl="jdbc:duckdb:$DIR/warehouse-join.duckdb"
timed windows "$(records pageviews ratings boxoffice flights)" "$ROOT/scripts/run-pipeline.sh" windows "${KAFKA_ARGS[@]}" \
  --jdbcUrl="jdbc:duckdb:$DIR/warehouse-windows.duckdb" --usersFile="$DIR/reference/users.jsonl" \
  --vipFile="$DIR/reference/vip.json"
timed lake "$(records bookings payments shop-users shop-products pageviews ratings orders)" \
  "$ROOT/scripts/run-pipeline.sh" lake "${KAFKA_ARGS[@]}" --lakeRoot="$DIR/lake"
timed hourly-batch "$(records bookings payments shop-users shop-products pageviews ratings orders)" \
  "$ROOT/scripts/run-pipeline.sh" hourly-batch --runner=DirectRunner --hour="$HOUR" --lakeRoot="$DIR/lake" \
  --jdbcUrl="jdbc:duckdb:$DIR/warehouse-batch.duckdb"

printf '\nEach pipeline on the DirectRunner (wall time of the whole run; goal: under 60 s each)\n'
printf '%-14s %10s %10s %12s  %s\n' pipeline records seconds records/s goal
for r in "${RESULTS[@]}"; do
  set -- $r
  printf '%-14s %10d %10s %12.0f  %s\n' "$1" "$2" "$3" "$(awk -v n="$2" -v s="$3" 'BEGIN { print n / s }')" \
    "$(awk -v s="$3" 'BEGIN { print (s < 60 ? "met" : "not met") }')"
done
