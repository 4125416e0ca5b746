#!/usr/bin/env bash
# Submits a pipeline to the Flink session cluster (scripts/flink-cluster.sh start) as the runner-complete jar,
# and lists, cancels or stops the cluster's jobs. docs/flink.md has the whole story (checkpoints, restarts).
# usage: scripts/run-on-flink.sh PIPELINE [pipeline options]   submit (PIPELINE: see PIPELINE_NAMES in lib.sh)
#        scripts/run-on-flink.sh list                          the cluster's jobs
#        scripts/run-on-flink.sh cancel JOBID                  cancel a job (its retained checkpoint, if any, stays)
#        scripts/run-on-flink.sh stop JOBID [DIR]              stop a job with a savepoint; prints its path
#        scripts/run-on-flink.sh checkpoint JOBID              path of a job's latest completed checkpoint
#   e.g. scripts/run-on-flink.sh join --bootstrapServers=127.0.0.1:9092 --jdbcUrl=jdbc:postgresql://127.0.0.1:5432/dw \
#          --checkpointingInterval=10000 --externalizedCheckpointsEnabled=true --retainExternalizedCheckpointsOnCancellation=true
# Streaming jobs (any run without --readMode=REPLAY) are submitted detached (--attachedMode=false): the script
# returns once the job runs and prints its id. Pass --attachedMode=true to wait for a job instead. Relative
# paths in options are relative to the repository root, the working directory of the cluster's processes.
#   FLINK_REST (127.0.0.1:8081), PIPELINE_JAVA_OPTS (-Xmx1g, the submitting JVM)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-flink.sh"

usage() { sed -n '4,8p' "$0" | sed 's/^# *//' >&2; exit 2; }

submit() {
  local pipeline="$1" main jar jobname="" detached=0 a
  shift
  main="$(pipeline_main "$pipeline")" || die "unknown pipeline '$pipeline'; one of: $PIPELINE_NAMES"
  flink_rest overview >/dev/null || exit 3
  jar="$(shaded_jar)"
  local extra=()
  has_option() { local o; for o in "${@:2}"; do [[ "$o" == "$1"* ]] && return 0; done; return 1; }
  if has_option --runner= "$@"; then
    for a in "$@"; do
      if [[ "$a" == --runner=* ]] && ! runner_is FlinkRunner "${a#--runner=}"; then
        die "run-on-flink.sh runs pipelines on the FlinkRunner (use run-pipeline.sh or run-on-spark.sh for other runners)"
      fi
    done
  else
    extra+=(--runner=FlinkRunner)
  fi
  # Beam builds this backend in the client, and its Flink runner leaves flink-statebackend-rocksdb out
  has_option --stateBackend=rocksdb "$@" && die "--stateBackend=rocksdb cannot be built from the shaded jar; start the cluster with FLINK_STATE_BACKEND=rocksdb instead (docs/flink.md)"
  if has_option --fasterCopy=true "$@" && has_option --checkpointingInterval= "$@"; then
    log "warning: --fasterCopy=true with checkpoints on the heap state backend can let a checkpoint see state changed after it (docs/flink.md, Checkpoints and state)"
  fi
  has_option --flinkMaster= "$@" || extra+=("--flinkMaster=$FLINK_REST")
  has_option --filesToStage= "$@" || extra+=("--filesToStage=$jar")
  if has_option --jobName= "$@"; then
    for a in "$@"; do [[ "$a" == --jobName=* ]] && jobname="${a#--jobName=}"; done
  else
    jobname="$pipeline-$(date +%Y%m%d-%H%M%S)"
    extra+=("--jobName=$jobname")
  fi
  if ! has_option --attachedMode= "$@" && ! has_option --readMode=REPLAY "$@"; then
    extra+=(--attachedMode=false)
    detached=1
  fi
  log "submitting $pipeline ($main) to Flink at $FLINK_REST as job '$jobname'"
  cd "$ROOT"
  export SPARK_LOCAL_IP=127.0.0.1
  # shellcheck disable=SC2086 # option lists
  java ${PIPELINE_JAVA_OPTS:--Xmx1g} $SPARK_JAVA_OPTS -cp "$jar" "$main" "${extra[@]}" "$@"
  if ((detached)); then
    local id
    id="$(flink_rest job-id "$jobname" 60)" || die "the job '$jobname' did not show up on the cluster"
    flink_rest await-running "$id" 120 >/dev/null || die "the job $id ($jobname) did not start; see http://$FLINK_REST"
    log "job $id ($jobname) is running: scripts/run-on-flink.sh cancel $id, or stop $id for a savepoint"
    echo "$id"
  fi
}

# The latest completed checkpoint of a job: from the cluster, or (after a cluster restart, which forgets
# finished jobs) the newest retained chk-N folder under $FLINK_DIR/checkpoints/JOBID.
latest_checkpoint() {
  local id="$1" dir
  flink_rest checkpoint "$id" 2>/dev/null && return 0
  dir="$(ls -d "$FLINK_DIR/checkpoints/$id"/chk-* 2>/dev/null | sort -V | tail -1 || true)"
  [[ -n "$dir" && -f "$dir/_metadata" ]] || die "no completed checkpoint of job $id in the cluster or under $FLINK_DIR/checkpoints"
  echo "file:$dir"
}

case "${1:-}" in
  ""|-h|--help) usage ;;
  list) flink_rest list ;;
  cancel) [[ -n "${2:-}" ]] || usage; flink_rest cancel "$2" ;;
  stop) [[ -n "${2:-}" ]] || usage; flink_rest stop "$2" ${3:+"$(realpath -m "$3")"} ;;
  checkpoint) [[ -n "${2:-}" ]] || usage; latest_checkpoint "$2" ;;
  *) submit "$@" ;;
esac
