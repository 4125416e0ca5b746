#!/usr/bin/env bash
# What cron calls once an hour: the hourly batch (io.streamlake.pipelines.batch.HourlyBatch) turns the last
# complete hour of the bronze lake into silver Parquet and gold warehouse tables (docs/warehouse.md).
# usage: scripts/hourly-batch.sh [HourlyBatch options]
#   (no option)                                  the last complete hour (an hour ends, then --settleMinutes=20 pass)
#   --hour=2026-03-01T09                         one hour (UTC); rerunning an hour replaces exactly that hour
#   --from=2026-03-01T00 --to=2026-03-01T23      a backfill, in order, stopping at the first failed hour
#   --lakeRoot=.local/lake --jdbcUrl=jdbc:duckdb:.local/warehouse.duckdb --runner=DirectRunner|FlinkRunner|SparkRunner
# environment:
#   STREAMLAKE_BATCH_LOG   log file every run appends to (default .local/logs/hourly-batch.log); a run that
#                          cannot start (no build, no log folder) says why there too, or in syslog (logger)
#   STREAMLAKE_BATCH_LOCK  lock file; a run that finds it held exits 75 (default .local/hourly-batch.lock;
#                          --lockFile=... wins); relative paths are relative to where the script is started
#   STREAMLAKE_JDBC_PASSWORD  the warehouse password, if any; PIPELINE_JAVA_OPTS (default -Xmx2g)
# exit codes: 0 done; 1 failed (a data check, the pipeline, the warehouse); 2 bad options;
#   3 done, but something was quarantined (see the log and batch_quarantine); 75 another run holds the lock.
# The build must exist (mvn -DskipTests package): cron never builds.
source "$(dirname "$0")/lib.sh"
# absolute before the cd below, so relative paths mean where the script was started
LOG="$(realpath -m -- "${STREAMLAKE_BATCH_LOG:-$LOCAL/logs/hourly-batch.log}")"
LOCK="$(realpath -m -- "${STREAMLAKE_BATCH_LOCK:-$LOCAL/hourly-batch.lock}")"

# A run that cannot start says why in the log, or in syslog when the log cannot be written: cron
# usually discards the output (crontab.example), so stderr alone would leave no trace.
cannot_start() {
  local line
  line="$(printf '=== %s pid %s cannot start: %s' "$(date -u +%FT%TZ)" "$$" "$1")"
  echo "$line" >&2
  { echo "$line" >>"$LOG"; } 2>/dev/null || logger -t streamlake-hourly-batch -- "$line" 2>/dev/null || true
  exit 1
}
mkdir -p "$(dirname "$LOG")" 2>/dev/null || cannot_start "cannot create the log folder $(dirname "$LOG")"
cd "$ROOT"

CP="$(module_classpath pipelines 2>&1)" || cannot_start "$CP"
export SPARK_LOCAL_IP=127.0.0.1
lock=(--lockFile="$LOCK")
for arg in "$@"; do
  [[ "$arg" == --lockFile=* ]] && lock=() # the caller's lock file wins
done

# the arguments as logged: a password in them (the batch refuses a JDBC URL with one) is masked
logged_args="$(sed -E 's/((ssl)?password=)[^&;[:space:]]*/\1***/Ig' <<<"$*")"
{ printf '=== %s start pid %s: %s\n' "$(date -u +%FT%TZ)" "$$" "$logged_args" >>"$LOG"; } 2>/dev/null \
  || cannot_start "cannot write the log $LOG"
set +e
# the JVM runs in the background, its output through tee into the log, and an INT or TERM sent to this
# script is passed on to it: a background job ignores Ctrl-C, and a batch left running after its
# script was stopped would keep the lock and the warehouse file. tee is started on its own, so that its
# pid is known and the end line waits for its last lines.
exec {to_log}> >(trap '' INT TERM; exec tee -a "$LOG") # a Ctrl-C stops the JVM, not its last lines
tee_pid=$!
# shellcheck disable=SC2086 # option lists
java ${PIPELINE_JAVA_OPTS:--Xmx2g} $SPARK_JAVA_OPTS -cp "$CP" io.streamlake.pipelines.batch.HourlyBatch \
  "${lock[@]}" "$@" >&"$to_log" 2>&1 &
batch=$!
exec {to_log}>&- # the JVM holds the only writer now: tee ends when the JVM does
trap 'kill -TERM "$batch" 2>/dev/null' INT TERM
wait "$batch"
rc=$?
while kill -0 "$batch" 2>/dev/null; do # wait returned early, for a signal: wait for the JVM to end
  wait "$batch"
  rc=$?
done
trap - INT TERM
for _ in $(seq 50); do # tee's last lines (at most 5 s: a child of the JVM may still hold its output)
  kill -0 "$tee_pid" 2>/dev/null || break
  sleep 0.1
done
set -e
case "$rc" in
  0) what="done" ;;
  1) what="FAILED" ;;
  2) what="bad options" ;;
  3) what="done, something was quarantined" ;;
  75) what="refused: another run holds the lock $LOCK" ;;
  *) what="FAILED (java exited $rc)" ;;
esac
printf '=== %s end pid %s: exit %s (%s)\n' "$(date -u +%FT%TZ)" "$$" "$rc" "$what" | tee -a "$LOG" >&2
exit "$rc"
