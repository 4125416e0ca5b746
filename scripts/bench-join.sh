#!/usr/bin/env bash
# Benchmark: the booking/payment join over preloaded topics (bounded replay), on Flink by default.
# usage: scripts/bench-join.sh [BOOKINGS] [RUNNER]     (starts the local broker if it is not running)
source "$(dirname "$0")/lib.sh"
BOOKINGS="${1:-100000}"
RUNNER="${2:-FlinkRunner}"
ensure_built
"$ROOT/scripts/kafka-local.sh" start >/dev/null
BOOTSTRAP="127.0.0.1:${KAFKA_PORT:-9092}"
PREFIX="bench-join-$BOOKINGS-"
java -cp "$(module_classpath devservices)" io.streamlake.devservices.LocalKafka create-topics "$BOOTSTRAP" "$PREFIX" >/dev/null
log "preloading $BOOKINGS bookings and their payments into ${PREFIX}* (once per size)"
java -cp "$(module_classpath generators)" io.streamlake.generators.Inspect --bootstrap-servers "$BOOTSTRAP" --topic-prefix "$PREFIX" \
  | awk -v t="${PREFIX}bookings" '$1==t {print $2}' | grep -qx "$BOOKINGS" \
  || java -cp "$(module_classpath generators)" io.streamlake.generators.Generate ticketing --bootstrap-servers "$BOOTSTRAP" \
       --topic-prefix "$PREFIX" --events "$BOOKINGS" --rate 50 --speedup 0 --base-time 2026-01-01T00:00:00Z --progress-seconds 30 >/dev/null
log "running the join on $RUNNER"
"$ROOT/scripts/run-pipeline.sh" bench-join --runner="$RUNNER" --bootstrapServers="$BOOTSTRAP" --topicPrefix="$PREFIX" \
  --flinkMaster='[local]' --parallelism=2 2>&1 | grep -E "^(join|facts)"
