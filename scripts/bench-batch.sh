#!/usr/bin/env bash
# Benchmark (not a test): rows/s the hourly batch loads into the warehouse (its gold and batch_topic_stats rows: staged
# with COPY / the DuckDB Appender in one transaction, then swapped in with the data checks) against the database's own
# bulk path for the same rows, in the same run: PostgreSQL COPY (CopyManager) and DuckDB INSERT INTO ... SELECT FROM
# read_parquet(...). Prints both rates and the ratio (io.streamlake.pipelines.bench.BatchLoadBenchmark, whose Javadoc
# defines every figure), at two sizes: the generators' lake (~1,340 loaded rows per hour) and a busy retail hour
# (BENCH_CUSTOMERS customers, default 30000: ~33,000 loaded rows).
# usage: scripts/bench-batch.sh [HOURS] [RUNNER] [more BatchLoadBenchmark options, e.g. --runs=3 --warehouses=postgres]
#   HOURS    hours of generated events in the bronze lake, all loaded (default 1; built once per size under
#            .local/bench-batch/HOURSh: generators -> Kafka topics bench-batch-HOURSh-* -> lake writer, REPLAY;
#            per hour ~1,800 bookings, 900 moviegoers, 7,200 page views, 1,800 invoices: ~30,000 silver rows)
#   RUNNER   DirectRunner (default, as scripts/hourly-batch.sh) | FlinkRunner | SparkRunner
#   BENCH_CUSTOMERS  size of the busy retail hour (0: skip it); its lake is written directly (no Kafka) under
#            .local/bench-batch/retail-CUSTOMERS
#   BUSY_RUNNER  runner for the busy hour (default FlinkRunner: the Direct runner's watermark bookkeeping takes over
#            10 minutes for an hour with 30,000 customer keys, before the load step even starts)
#   BENCH_SMALL=0  skip the generators' lake (only the busy hour)
#   PostgreSQL: a throwaway server from the machine's binaries (/usr/lib/postgresql/*/bin, or PG_BIN), or --postgresUrl=...
#   Kafka is needed only to build the lake: a broker answering on 127.0.0.1:KAFKA_PORT (default 9092) is reused,
#   otherwise the local one (scripts/kafka-local.sh, same KAFKA_PORT / KAFKA_CONTROLLER_PORT) is started and stopped
#   again. PIPELINE_JAVA_OPTS (default -Xmx2g).
source "$(dirname "$0")/lib.sh"
HOURS="${1:-1}"
RUNNER="${2:-DirectRunner}"
shift $(( $# < 2 ? $# : 2 ))
[[ "$HOURS" =~ ^[1-9][0-9]?$ ]] || die "HOURS must be 1..99, got '$HOURS'"
ensure_built
BENCH="$LOCAL/bench-batch/${HOURS}h"
LAKE="$BENCH/lake"
TOPICS="bookings,payments,boxoffice,retail-invoice-lines,orders"
BASE="2026-01-01T00:00:00Z"
FROM="2026-01-01T00"
TO="$(date -u -d "2026-01-01 00:00 UTC + $((HOURS - 1)) hours" +%Y-%m-%dT%H)"

mkdir -p "$BENCH"
if [[ ! -f "$LAKE/.bronze-complete" ]]; then
  BOOTSTRAP="127.0.0.1:${KAFKA_PORT:-9092}"
  DEVCP="$(module_classpath devservices)"
  GENCP="$(module_classpath generators)"
  started=""
  if java -cp "$DEVCP" io.streamlake.devservices.LocalKafka await "$BOOTSTRAP" 2 >/dev/null 2>&1; then
    log "reusing the broker at $BOOTSTRAP"
  else
    "$ROOT/scripts/kafka-local.sh" start >/dev/null
    started=yes
    trap '"$ROOT/scripts/kafka-local.sh" stop' EXIT
  fi
  PREFIX="bench-batch-${HOURS}h-"
  java -cp "$DEVCP" io.streamlake.devservices.LocalKafka create-topics "$BOOTSTRAP" "$PREFIX" >/dev/null
  loaded="$(java -cp "$GENCP" io.streamlake.generators.Inspect --bootstrap-servers "$BOOTSTRAP" --topic-prefix "$PREFIX" 2>/dev/null \
    | awk -v t="${PREFIX}retail-invoice-lines" '$1==t {print $2}')"
  if [[ "${loaded:-0}" == "0" ]]; then
    # per scenario, primary events per second of event time: bookings, moviegoers, page views, invoices (~15 lines each)
    for spec in "ticketing 0.5" "boxoffice 0.25" "shop 2" "retail 0.5"; do
      read -r scenario rate <<<"$spec"
      log "generating $HOURS h of $scenario at $rate/s into ${PREFIX}*"
      java -cp "$GENCP" io.streamlake.generators.Generate "$scenario" --bootstrap-servers "$BOOTSTRAP" --topic-prefix "$PREFIX" \
        --rate "$rate" --duration "${HOURS}h" --seed 7 --speedup 0 --base-time "$BASE" --progress-seconds 60 >/dev/null \
        || die "generating $scenario failed"
    done
  else
    log "${PREFIX}* already loaded ($loaded invoice lines)"
  fi
  log "landing ${PREFIX}{${TOPICS}} in the bronze lake $LAKE (lake writer, REPLAY)"
  rm -rf "$LAKE"
  "$ROOT/scripts/run-pipeline.sh" lake --readMode=REPLAY --bootstrapServers="$BOOTSTRAP" --topicPrefix="$PREFIX" \
    --lakeRoot="$LAKE" --topics="$TOPICS" >"$BENCH/lake-writer.log" 2>&1 \
    || { tail -20 "$BENCH/lake-writer.log" >&2; die "the lake writer failed; see $BENCH/lake-writer.log"; }
  touch "$LAKE/.bronze-complete"
  if [[ -n "$started" ]]; then
    "$ROOT/scripts/kafka-local.sh" stop
    trap - EXIT
  fi
fi

export SPARK_LOCAL_IP=127.0.0.1
CP="$(module_classpath pipelines):$ROOT/devservices/target/classes"
bench() { # LOG, then BatchLoadBenchmark options
  local logfile="$1"
  shift
  # devservices' classes (PostgresServer only; no dependencies) for the throwaway PostgreSQL server
  # shellcheck disable=SC2086 # option lists
  java ${PIPELINE_JAVA_OPTS:--Xmx2g} $SPARK_JAVA_OPTS -cp "$CP" io.streamlake.pipelines.bench.BatchLoadBenchmark \
    --flinkMaster='[local]' --parallelism=2 --sparkMaster='local[2]' "$@" 2>&1 \
    | tee "$logfile" | grep -vE '^[0-9:.]+ \[|^(SLF4J|WARNING|\s+at )' || die "the benchmark failed; see $logfile"
}

runner_opts() { # the Direct runner's immutability and encodability checks double its time and do not touch the load
  [[ "$1" == DirectRunner ]] && echo "--enforceImmutability=false --enforceEncodability=false"
  return 0
}

if [[ "${BENCH_SMALL:-1}" != 0 ]]; then
  log "bronze lake $LAKE: $(find "$LAKE/bronze" -name '*.parquet' | wc -l) files; running the benchmark on $RUNNER (hours $FROM .. $TO); $(uptime)"
  # shellcheck disable=SC2046 # option list
  bench "$BENCH/last-run.log" --runner="$RUNNER" $(runner_opts "$RUNNER") --lakeRoot="$LAKE" --from="$FROM" --to="$TO" \
    --topics="$TOPICS" --lockFile="$BENCH/batch.lock" --duckDbFile="$BENCH/warehouse.duckdb" --scratchDir="$BENCH/baseline" "$@"
fi

CUSTOMERS="${BENCH_CUSTOMERS:-30000}"
[[ "$CUSTOMERS" =~ ^[0-9]+$ ]] || die "BENCH_CUSTOMERS must be a number, got '$CUSTOMERS'"
if (( CUSTOMERS > 0 )); then
  BUSY="$LOCAL/bench-batch/retail-$CUSTOMERS"
  if [[ ! -f "$BUSY/lake/.bronze-complete" ]]; then
    rm -rf "$BUSY/lake"
    java -cp "$CP" io.streamlake.pipelines.bench.BatchLoadBenchmark --lakeRoot="$BUSY/lake" --from="$FROM" --to="$FROM" \
      --topics=retail-invoice-lines --writeRetailLake="$CUSTOMERS" 2>&1 | grep -vE '^(SLF4J|WARNING)' || die "writing $BUSY failed"
    touch "$BUSY/lake/.bronze-complete"
  fi
  BUSY_RUNNER="${BUSY_RUNNER:-FlinkRunner}"
  log "busy retail hour $BUSY ($CUSTOMERS customers) on $BUSY_RUNNER; $(uptime)"
  # shellcheck disable=SC2046 # option list
  bench "$BUSY/last-run.log" --runner="$BUSY_RUNNER" $(runner_opts "$BUSY_RUNNER") --lakeRoot="$BUSY/lake" --from="$FROM" --to="$FROM" --topics=retail-invoice-lines \
    --lockFile="$BUSY/batch.lock" --duckDbFile="$BUSY/warehouse.duckdb" --scratchDir="$BUSY/baseline" "$@"
fi
