#!/usr/bin/env bash
# Benchmark: the Beam pipelines on the Flink runner vs native Flink 1.19 DataStream baselines, side by side.
#
# usage: scripts/bench.sh [--quick|--medium] [--pairs N] [--jobs join,windows,generators,batch,direct]
#   --quick   about 400k events (100k bookings + their payments, 200k page views; under 10 minutes on 2 cores)
#   --medium  about 2M events (500k bookings + payments, 1M page views); default: about 10M (2.5M + 5M)
#   --pairs   A-B pairs per job (default 3), run in the order A B B A A B ...; each run is a fresh JVM
#   --jobs    what to run (default all; --quick leaves out direct): join (BookingJoinPipeline vs NativeJoinJob), windows (the page-view
#             aggregation of WindowsPipeline vs NativePageViewWindowJob), and the rows of the other
#             benchmarks: generators (scripts/bench-generators.sh: generator -> Kafka vs a plain producer),
#             batch (scripts/bench-batch.sh: hourly batch load vs PostgreSQL COPY and DuckDB read_parquet),
#             direct (scripts/bench-direct.sh: each pipeline on the DirectRunner over 100k events)
# environment:
#   BENCH_HEAP (2g quick, 4g medium, 14g full) and BENCH_PARALLELISM (2): the same for both sides. The heap is
#                fixed and touched when the JVM starts (-XX:+AlwaysPreTouch), before any measurement: on this VM a
#                page's first touch is dear, and a run that touched fresh heap as it allocated paid for it inside its
#                span (the quick windows job, about 2 s native: 54,569 events/s with fresh pages, 106,690 pre-touched);
#                BENCH_JAVA_OPTS=-XX:-AlwaysPreTouch turns it off
#   BEAM_ARGS    Beam options for the Flink runner; default "--streaming=true --fasterCopy=true" (the runner's
#                streaming translation of the same bounded replay: same results as batch, less copying); set it
#                empty for the runner's defaults (batch translation of the REPLAY read)
#   NATIVE_ARGS  options of the native jobs; default "--mode=STREAMING --holdWatermark=true" (the same
#                execution: no watermark until the input ends, so every record is on time, as in the replay);
#                "--mode=BATCH" is Flink's batch mode (same results, slower here); "--mode=STREAMING" alone
#                has real watermarks (faster, but late/orphan records then differ from the replay's)
#   BENCH_JAVA_OPTS  extra JVM options for every run (e.g. a JFR recording)
#   KAFKA_PORT (9192), KAFKA_CONTROLLER_PORT (9193), KAFKA_DIR (.local/bench-kafka): a broker of its own, so
#   other work on the default broker neither disturbs the figures nor sees the benchmark's topics
#
# The data set is generated once per size (fixed seed and base time) and kept in that broker. Each run reads
# the whole input topics (earliest to latest offsets: the Beam side in REPLAY mode, the native side with a
# bounded KafkaSource) and writes its results to Kafka (output topics deleted and created empty before each run,
# so the broker keeps one run's outputs, not every run's); the figures are from the first record read to the
# last result written, and the process CPU over the same span (/proc/self/stat).
# Prints a table, writes it as JSON under bench-results/ and exits non-zero when the two sides' results differ.
source "$(dirname "$0")/lib.sh"

SIZE=full
PAIRS=3
JOBS=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) SIZE=quick ;;
    --medium) SIZE=medium ;;
    --pairs) PAIRS="${2:?--pairs needs a number}"; shift ;;
    --jobs) JOBS="${2:?--jobs needs a list}"; shift ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

# --quick leaves out the DirectRunner rows (about 8 minutes on their own: the join alone takes minutes there)
[[ -n "$JOBS" ]] || if [[ "$SIZE" == quick ]]; then JOBS="join,windows,generators,batch"; else JOBS="join,windows,generators,batch,direct"; fi
export KAFKA_PORT="${KAFKA_PORT:-9192}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9193}"
export KAFKA_DIR="${KAFKA_DIR:-$LOCAL/bench-kafka}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
# a replay holds the watermark until the input ends, so every key's state stays until then: the full size needs
# a big heap on both sides (the Beam join garbage-collected for minutes in 6g)
case "$SIZE" in quick) default_heap=2g ;; medium) default_heap=4g ;; *) default_heap=14g ;; esac
HEAP="${BENCH_HEAP:-$default_heap}"
BEAM_ARGS="${BEAM_ARGS---streaming=true --fasterCopy=true}"
NATIVE_ARGS="${NATIVE_ARGS---mode=STREAMING --holdWatermark=true}"
PARALLELISM="${BENCH_PARALLELISM:-2}"
case "$SIZE" in
  quick) BOOKINGS=100000 VIEWS=200000 ;;
  medium) BOOKINGS=500000 VIEWS=1000000 ;;
  full) BOOKINGS=2500000 VIEWS=5000000 ;;
esac
RESULTS="$ROOT/bench-results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUNS="$RESULTS/runs-$SIZE-$STAMP.jsonl"
LOGS="$RESULTS/logs-$SIZE-$STAMP"
mkdir -p "$RESULTS" "$LOGS"
STARTED=$SECONDS

"$ROOT/scripts/bench-build.sh"
CP="$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt")"

"$ROOT/scripts/kafka-local.sh" start >&2
PREFIX="$("$ROOT/scripts/bench-data.sh" "$SIZE" "$BOOKINGS" "$VIEWS")"

# Flink 1.19 and Kryo on Java 17 reflect into these packages
OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.time=ALL-UNNAMED"
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"

run_one() { # side job run-number
  local side="$1" job="$2" n="$3" extra line log="$LOGS/$2-$1-$3.log"
  if [[ "$side" == beam ]]; then extra="$BEAM_ARGS"; else extra="$NATIVE_ARGS"; fi
  # shellcheck disable=SC2086
  java -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch -XX:+UseParallelGC $OPENS -Dbench.clkTck="$CLK_TCK" ${BENCH_JAVA_OPTS:-} \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.streamlake.bench.harness.BenchRun "$side" "$job" \
      --bootstrapServers="$BOOTSTRAP" --topicPrefix="$PREFIX" --parallelism="$PARALLELISM" $extra >"$log" 2>&1 \
    || { tail -30 "$log" >&2; die "$job on $side failed (log: $log)"; }
  line="$( (grep '^RESULT ' "$log" || true) | tail -1 | cut -c8-)"
  [[ -n "$line" ]] || die "$job on $side printed no result (log: $log)"
  echo "$line" >>"$RUNS"
  log "$(printf '%-7s %-6s run %d: %s' "$job" "$side" "$n" \
    "$(sed -E 's/.*"records":([0-9]+).*"firstReadToLastWriteMs":([0-9]+).*"cpuFromFirstReadSec":([0-9.]+).*"loadAvg1m":([0-9.]+).*/\1 records, \2 ms first read -> last write, \3 CPU-s, load \4/' <<<"$line")")"
}

log "load before the runs: $(cut -d' ' -f1-3 /proc/loadavg); heap $HEAP, parallelism $PARALLELISM, $PAIRS pairs per job"
IFS=',' read -r -a JOB_LIST <<<"$JOBS"
OTHERS=()
for job in "${JOB_LIST[@]}"; do
  case "$job" in
    join|windows) ;;
    generators|batch|direct) OTHERS+=("$job"); continue ;;
    *) die "unknown job: $job (join, windows, generators, batch or direct)" ;;
  esac
  for ((i = 1; i <= PAIRS; i++)); do
    if ((i % 2 == 1)); then run_one beam "$job" "$i"; run_one native "$job" "$i"
    else run_one native "$job" "$i"; run_one beam "$job" "$i"; fi
  done
done

# The other benchmarks of the table, each its own script (its full output in the logs folder)
OTHER_LINES=()
for job in "${OTHERS[@]}"; do
  out="$LOGS/$job.log"
  case "$job" in
    generators)
      case "$SIZE" in quick) args=(200000 2) ;; medium) args=(300000 3) ;; *) args=(1000000 3) ;; esac
      log "generators: scripts/bench-generators.sh ${args[*]} ..."
      "$ROOT/scripts/bench-generators.sh" "${args[@]}" >"$out" 2>&1 || { tail -20 "$out" >&2; die "bench-generators.sh failed"; }
      OTHER_LINES+=("$(grep -E '^(generator -> Kafka|plain producer|ratio generator)' "$out" | sed 's/  */ /g')") ;;
    batch)
      # quick: a smaller busy hour and one run per side
      if [[ "$SIZE" == quick ]]; then customers=10000 batch_args=(1 DirectRunner --runs=1); else customers=30000 batch_args=(); fi
      log "batch: BENCH_CUSTOMERS=$customers scripts/bench-batch.sh ${batch_args[*]} ..."
      BENCH_CUSTOMERS=$customers "$ROOT/scripts/bench-batch.sh" "${batch_args[@]}" >"$out" 2>&1 \
        || { tail -20 "$out" >&2; die "bench-batch.sh failed"; }
      OTHER_LINES+=("$(grep -E '^RESULT ' "$out" | sed 's/^RESULT /hourly batch load: /')") ;;
    direct)
      log "direct: scripts/bench-direct.sh 100000 ..."
      "$ROOT/scripts/bench-direct.sh" 100000 >"$out" 2>&1 || { tail -20 "$out" >&2; die "bench-direct.sh failed"; }
      OTHER_LINES+=("$(sed -n '/^Each pipeline on the DirectRunner/,$p' "$out")") ;;
  esac
done

LABEL="$SIZE data set ${PREFIX}*, heap $HEAP, parallelism $PARALLELISM, $PAIRS pairs A-B-B-A, \
BEAM_ARGS='$BEAM_ARGS' NATIVE_ARGS='$NATIVE_ARGS'"
status=0
if [[ -s "$RUNS" ]]; then
  java -cp "$CP" io.streamlake.bench.harness.BenchReport "$RUNS" "$RESULTS/bench-$SIZE-$STAMP.json" "$LABEL" || status=$?
fi
if ((${#OTHER_LINES[@]} > 0)); then
  printf '\nThe other rows (each from its own script; full outputs in %s)\n' "$LOGS"
  printf '%s\n' "${OTHER_LINES[@]}" | tee "$RESULTS/bench-others-$SIZE-$STAMP.txt"
fi
log "done in $((SECONDS - STARTED)) s; load now $(cut -d' ' -f1-3 /proc/loadavg); runs: $RUNS, logs: $LOGS"
[[ $status -eq 0 ]] || die "the Beam and native jobs did not write the same results (see above)"
