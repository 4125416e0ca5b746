#!/usr/bin/env bash
# Benchmark (not a test): invoice lines/s accepted by the ingest API under concurrent load from a second process on
# loopback, with p50/p99 request latency, and in the same run the rate of a plain Kafka producer (same settings, same
# lines) from the load process; prints the API/producer ratio. Starts the local broker if it is not running.
# usage: scripts/bench-ingest.sh [LINES_PER_RUN] [LINES_PER_REQUEST] [CONCURRENCY] [PAIRS]
#   defaults 100000 100 8 2; BENCH_API_PORT (default 18088); KAFKA_PORT as for scripts/kafka-local.sh
source "$(dirname "$0")/lib.sh"
LINES="${1:-100000}"
BATCH="${2:-100}"
CONCURRENCY="${3:-8}"
PAIRS="${4:-2}"
API_PORT="${BENCH_API_PORT:-18088}"
ensure_built
"$ROOT/scripts/kafka-local.sh" start >/dev/null
BOOTSTRAP="127.0.0.1:${KAFKA_PORT:-9092}"
for prefix in bench-ingest- bench-plain-; do
  java -cp "$(module_classpath devservices)" io.streamlake.devservices.LocalKafka create-topics "$BOOTSTRAP" "$prefix" >/dev/null
done
mkdir -p "$LOCAL"
API_LOG="$LOCAL/bench-ingest-api.log"
log "starting the API on 127.0.0.1:$API_PORT (log: $API_LOG)"
java ${INGEST_JAVA_OPTS:--Xmx1g} -cp "$(module_classpath ingest)" io.streamlake.ingest.IngestApi --port "$API_PORT" \
  --bootstrap-servers "$BOOTSTRAP" --topic-prefix bench-ingest- >"$API_LOG" 2>&1 &
API_PID=$!
trap 'kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$API_PORT/health" >/dev/null 2>&1 && break
  pid_alive "$API_PID" || { tail -20 "$API_LOG" >&2; die "the API did not start"; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$API_PORT/health" >/dev/null || die "the API is not healthy; see $API_LOG"
log "load: $LINES lines per run, $BATCH per request, $CONCURRENCY clients, $PAIRS A-B-B-A pairs"
java -Xmx1g -cp "$(module_classpath ingest)" io.streamlake.ingest.bench.IngestBenchmark --url "http://127.0.0.1:$API_PORT" \
  --bootstrap-servers "$BOOTSTRAP" --plain-topic-prefix bench-plain- --lines "$LINES" --batch "$BATCH" \
  --concurrency "$CONCURRENCY" --pairs "$PAIRS"
