#!/usr/bin/env bash
# Where the time goes in one benchmark run: runs BenchRun under JFR (execution samples) and prints the hottest
# methods (self time) and the share of samples under chosen frames (inclusive), per thread kind.
# usage: scripts/bench-profile.sh beam|native join|windows [extra job options]     (after scripts/bench.sh has
#        generated a data set; BENCH_DATA=quick|full picks it, default quick)
source "$(dirname "$0")/lib.sh"
SIDE="${1:?beam or native}"
JOB="${2:?join or windows}"
shift 2
export KAFKA_PORT="${KAFKA_PORT:-9192}" KAFKA_DIR="${KAFKA_DIR:-$LOCAL/bench-kafka}"
MARKER="$( (ls "$KAFKA_DIR"/bench-data-"${BENCH_DATA:-quick}"-*.done 2>/dev/null || true) | head -1)"
[[ -n "$MARKER" ]] || die "no ${BENCH_DATA:-quick} data set yet: run scripts/bench.sh$([[ "${BENCH_DATA:-quick}" == full ]] || echo " --${BENCH_DATA:-quick}") first"
PREFIX="$(cat "$MARKER")"
"$ROOT/scripts/bench-build.sh"
OUT="$ROOT/bench-results/profile-$JOB-$SIDE-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
CP="$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt")"
OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.time=ALL-UNNAMED"
# shellcheck disable=SC2086
java -Xms"${BENCH_HEAP:-2g}" -Xmx"${BENCH_HEAP:-2g}" -XX:+UseParallelGC $OPENS \
  -XX:StartFlightRecording=filename="$OUT/run.jfr",settings=profile -cp "$CP" io.streamlake.bench.harness.BenchRun \
  "$SIDE" "$JOB" --bootstrapServers="127.0.0.1:$KAFKA_PORT" --topicPrefix="$PREFIX" \
  --parallelism="${BENCH_PARALLELISM:-2}" "$@" >"$OUT/run.log" 2>&1 || { tail -20 "$OUT/run.log"; die "run failed"; }
grep '^RESULT ' "$OUT/run.log" | cut -c1-300
jfr print --json --stack-depth 96 --events jdk.ExecutionSample "$OUT/run.jfr" >"$OUT/samples.json"
python3 "$ROOT/scripts/bench-profile.py" "$OUT/samples.json" | tee "$OUT/summary.txt"
log "profile: $OUT (run.jfr, summary.txt)"
