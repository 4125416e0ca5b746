#!/usr/bin/env bash
# Benchmark: generator -> Kafka vs a plain producer sending the same pre-encoded bytes (A-B-B-A pairs, each run a
# fresh JVM with the same fixed, pre-touched heap, large enough that the plain side's records do not keep G1
# marking; see GeneratorBenchmark).
# usage: scripts/bench-generators.sh [EVENTS] [PAIRS]   (starts the local broker if it is not running)
#   BENCH_CHILD_JAVA_OPTS  JVM options of every measured run, both sides (default -Xms3g -Xmx3g -XX:+AlwaysPreTouch)
source "$(dirname "$0")/lib.sh"
ensure_built
"$ROOT/scripts/kafka-local.sh" start >/dev/null
child=() # the default is GeneratorBenchmark's own
[[ -n "${BENCH_CHILD_JAVA_OPTS:-}" ]] && child=(-Dbench.childJvmOptions="$BENCH_CHILD_JAVA_OPTS")
exec java -Xmx256m "${child[@]}" -cp "$(module_classpath generators)" io.streamlake.generators.bench.GeneratorBenchmark \
  "127.0.0.1:${KAFKA_PORT:-9092}" "${1:-200000}" "${2:-3}"
