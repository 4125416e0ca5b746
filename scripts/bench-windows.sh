#!/usr/bin/env bash
# Benchmark (not a test): page views/s of the windows pipeline (the 5-minute page-view aggregation, with the alerts that
# read the same page views) over a preloaded web-shop topic, as a bounded replay (--readMode=REPLAY) with Kafka and
# warehouse writes off, on Flink's MiniCluster by default. In the same run: a plain consumer computing the same 5-minute
# rows (the baseline) and the pipeline over empty topics (its fixed cost). Prints rates, ratios and counters.
# usage: scripts/bench-windows.sh [EVENTS] [RUNNER]
#   EVENTS   page views to preload, once per size (default 100000; topics bench-windows-EVENTS-*)
#   RUNNER   FlinkRunner (default) | DirectRunner | SparkRunner
#   Reuses a broker already answering on 127.0.0.1:KAFKA_PORT (default 9092); otherwise starts the local one and stops
#   it at the end. PIPELINE_JAVA_OPTS (default -Xmx2g).
source "$(dirname "$0")/lib.sh"
EVENTS="${1:-100000}"
RUNNER="${2:-FlinkRunner}"
[[ "$EVENTS" =~ ^[1-9][0-9]*$ ]] || die "EVENTS must be a positive number, got '$EVENTS'"
ensure_built
BOOTSTRAP="127.0.0.1:${KAFKA_PORT:-9092}"
DEVCP="$(module_classpath devservices)"
GENCP="$(module_classpath generators)"
if java -cp "$DEVCP" io.streamlake.devservices.LocalKafka await "$BOOTSTRAP" 2 >/dev/null 2>&1; then
  log "reusing the broker at $BOOTSTRAP"
else
  "$ROOT/scripts/kafka-local.sh" start >/dev/null
  trap '"$ROOT/scripts/kafka-local.sh" stop' EXIT
fi

PREFIX="bench-windows-$EVENTS-"
EMPTY_PREFIX="bench-windows-empty-"
REF="$LOCAL/bench-windows/$EVENTS/reference"
GEN=(java -cp "$GENCP" io.streamlake.generators.Generate shop --bootstrap-servers "$BOOTSTRAP" --topic-prefix "$PREFIX"
  --rate 100 --seed 42 --speedup 0 --base-time 2026-01-01T00:00:00Z --progress-seconds 30 --reference-dir "$REF")
for prefix in "$PREFIX" "$EMPTY_PREFIX"; do
  java -cp "$DEVCP" io.streamlake.devservices.LocalKafka create-topics "$BOOTSTRAP" "$prefix" >/dev/null
done
loaded="$(java -cp "$GENCP" io.streamlake.generators.Inspect --bootstrap-servers "$BOOTSTRAP" --topic-prefix "$PREFIX" 2>/dev/null \
  | awk -v t="${PREFIX}pageviews" '$1==t {print $2}')"
if [[ "${loaded:-0}" == "0" ]]; then
  log "preloading $EVENTS page views of the web shop into ${PREFIX}* and its reference data into $REF (once per size)"
  "${GEN[@]}" --events "$EVENTS" >/dev/null || die "preloading failed"
elif [[ "$loaded" != "$EVENTS" ]]; then
  die "${PREFIX}pageviews holds $loaded records, not $EVENTS (an interrupted preload?); delete the bench-windows-$EVENTS-*" \
    "topics (or .local/kafka with the broker stopped) and run again"
elif [[ ! -f "$REF/users.jsonl" || ! -f "$REF/vip.json" ]]; then
  # the reference files are a pure function of seed and base time; --events 0 only resends the catalogue topics
  log "writing the reference data into $REF"
  "${GEN[@]}" --events 0 >/dev/null || die "writing the reference data failed"
else
  log "${PREFIX}pageviews already holds $EVENTS page views"
fi

mkdir -p "$LOCAL/bench-windows"
OUT="$LOCAL/bench-windows/last-run.log"
log "running the windows pipeline on $RUNNER (replay, no Kafka or warehouse writes) and the plain baseline (full log: $OUT)"
"$ROOT/scripts/run-pipeline.sh" bench-windows --runner="$RUNNER" --bootstrapServers="$BOOTSTRAP" --topicPrefix="$PREFIX" \
  --emptyTopicPrefix="$EMPTY_PREFIX" --usersFile="$REF/users.jsonl" --vipFile="$REF/vip.json" \
  --flinkMaster='[local]' --parallelism=2 --sparkMaster='local[2]' 2>&1 \
  | tee "$OUT" | grep -E "^(windows|plain|5-min|rows|counters|error|Exception)" || die "the benchmark failed"
