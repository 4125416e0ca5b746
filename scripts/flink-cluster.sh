#!/usr/bin/env bash
# A Flink 1.19 session cluster on 127.0.0.1 from Flink's Maven jars (module flinkcluster; there is no Flink
# tarball here): a JobManager (StandaloneSessionClusterEntrypoint) and a TaskManager (TaskManagerRunner) as
# two background JVMs, REST API and web UI on http://127.0.0.1:8081. Submit jobs with scripts/run-on-flink.sh.
# usage: scripts/flink-cluster.sh start|stop|status
#   FLINK_REST_PORT (8081), FLINK_RPC_PORT (6123), FLINK_DIR (.local/flink: config, logs, checkpoints, savepoints),
#   FLINK_JM_MEMORY (768m), FLINK_TM_MEMORY (1536m), FLINK_TM_SLOTS (4), FLINK_PARALLELISM (1),
#   FLINK_STATE_BACKEND (hashmap | rocksdb: the default for jobs that do not pass --stateBackend)
#   STREAMLAKE_JDBC_PASSWORD (or the variable a job's --jdbcPasswordEnv names): the warehouse password, read by
#   the TaskManager from its own environment, so export it before start (docs/flink.md)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-flink.sh"
RPC_PORT="${FLINK_RPC_PORT:-6123}"
CONF="$FLINK_DIR/conf"
JM_PIDFILE="$FLINK_DIR/jobmanager.pid"
TM_PIDFILE="$FLINK_DIR/taskmanager.pid"
JM_MAIN=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
TM_MAIN=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
# what Flink's own config.yaml passes to every Flink JVM on Java 17 (env.java.opts.all)
JAVA17_OPTS="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED \
--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

# The pid in a pid file, if it is still our process: that entry point, started with our config folder.
running_pid() {
  local pidfile="$1" main="$2" pid
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  # (a literal match: the folder may hold regex characters such as [ ])
  if pid_alive "$pid" && [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"$main"*"--configDir $CONF"* ]]; then
    echo "$pid"
  fi
}

write_config() {
  mkdir -p "$CONF" "$FLINK_DIR/log" "$FLINK_DIR/tmp" "$FLINK_DIR/plugins" "$FLINK_DIR/checkpoints" "$FLINK_DIR/savepoints"
  cat >"$CONF/config.yaml" <<EOF
# Written by scripts/flink-cluster.sh on every start; change the FLINK_* variables instead of this file.
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $RPC_PORT
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: ${FLINK_JM_MEMORY:-768m}
jobmanager.memory.jvm-overhead.min: 128m
jobmanager.execution.failover-strategy: region
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.resource-id: streamlake-taskmanager-1
taskmanager.memory.process.size: ${FLINK_TM_MEMORY:-1536m}
taskmanager.memory.jvm-metaspace.size: 320m
# streaming jobs keep state on the heap by default (hashmap); RocksDB and batch sorting use managed memory
taskmanager.memory.managed.fraction: 0.1
taskmanager.numberOfTaskSlots: ${FLINK_TM_SLOTS:-4}
parallelism.default: ${FLINK_PARALLELISM:-1}
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $FLINK_REST_PORT
# defaults for jobs that enable checkpointing (run-on-flink.sh ... --checkpointingInterval=MS) without a path
state.backend.type: ${FLINK_STATE_BACKEND:-hashmap}
state.checkpoints.dir: file://$FLINK_DIR/checkpoints
state.savepoints.dir: file://$FLINK_DIR/savepoints
state.checkpoints.num-retained: 3
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 3
restart-strategy.fixed-delay.delay: 10 s
io.tmp.dirs: $FLINK_DIR/tmp
blob.storage.directory: $FLINK_DIR/tmp
web.tmpdir: $FLINK_DIR/tmp
web.upload.dir: $FLINK_DIR/tmp
EOF
  cat >"$CONF/log4j.properties" <<'EOF'
# Written by scripts/flink-cluster.sh: one rolling file per process (-Dlog.file), as Flink's distribution does.
monitorInterval = 30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.pekko.name = org.apache.pekko
logger.pekko.level = WARN
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = OFF
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 50MB
appender.main.policies.startup.type = OnStartupTriggeringPolicy
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 5
EOF
}

# Flink's own memory calculation (what its shell scripts do): line 1 the JVM options (-Xmx, metaspace,
# direct memory), line 2 the dynamic properties (-D ...) that pin every memory pool for the process.
resource_params() {
  local command="$1" cp="$2" out
  out="$(java -Xmx128m -cp "$cp" org.apache.flink.runtime.util.bash.BashJavaUtils "$command" --configDir "$CONF" 2>&1)" \
    || { printf '%s\n' "$out" >&2; die "Flink rejected the memory configuration in $CONF/config.yaml"; }
  printf '%s\n' "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' | tail -2
}

# Starts one cluster process in the background (in the repository root, so relative paths in job options
# mean the same on the client and in the cluster) and records its pid.
launch() {
  local name="$1" main="$2" pidfile="$3" cp="$4" params="$5" jvm dynamic
  jvm="$(sed -n 1p <<<"$params")"
  dynamic="$(sed -n 2p <<<"$params")"
  log "starting the $name (log: $FLINK_DIR/log/$name.log)"
  # shellcheck disable=SC2086 # the JVM options and dynamic properties are word lists
  (cd "$ROOT" && FLINK_PLUGINS_DIR="$FLINK_DIR/plugins" exec nohup java $jvm $JAVA17_OPTS -XX:+IgnoreUnrecognizedVMOptions \
    -Dlog.file="$FLINK_DIR/log/$name.log" -Dlog4j.configurationFile="file:$CONF/log4j.properties" \
    -cp "$cp" "$main" --configDir "$CONF" $dynamic >"$FLINK_DIR/log/$name.out" 2>&1) &
  echo $! >"$pidfile"
}

start() {
  local jm tm cp
  jm="$(running_pid "$JM_PIDFILE" "$JM_MAIN")"
  tm="$(running_pid "$TM_PIDFILE" "$TM_MAIN")"
  if [[ -n "$jm" && -n "$tm" ]]; then
    log "Flink already running (JobManager pid $jm, TaskManager pid $tm) at http://$FLINK_REST"
    return 0
  fi
  if [[ -n "$jm" || -n "$tm" ]]; then
    log "only half of the cluster is running; restarting it"
    stop
  fi
  port_in_use "$FLINK_REST_PORT" && die "port $FLINK_REST_PORT is in use by another process (set FLINK_REST_PORT)"
  port_in_use "$RPC_PORT" && die "port $RPC_PORT is in use by another process (set FLINK_RPC_PORT)"
  cp="$(flink_cluster_classpath)"
  write_config
  # both memory checks before either process starts: a failing one must not leave the other running alone
  local jm_params tm_params
  jm_params="$(resource_params GET_JM_RESOURCE_PARAMS "$cp")"
  tm_params="$(resource_params GET_TM_RESOURCE_PARAMS "$cp")"
  launch jobmanager "$JM_MAIN" "$JM_PIDFILE" "$cp" "$jm_params"
  launch taskmanager "$TM_MAIN" "$TM_PIDFILE" "$cp" "$tm_params"
  if ! flink_rest await 120; then
    tail -20 "$FLINK_DIR/log/jobmanager.log" "$FLINK_DIR/log/taskmanager.log" "$FLINK_DIR"/log/*.out >&2 2>/dev/null || true
    stop
    die "Flink did not start; see $FLINK_DIR/log/"
  fi
  log "Flink ready: web UI and REST at http://$FLINK_REST (JobManager pid $(cat "$JM_PIDFILE"), TaskManager pid $(cat "$TM_PIDFILE"))"
}

stop_one() {
  local name="$1" pidfile="$2" main="$3" pid
  pid="$(running_pid "$pidfile" "$main")"
  if [[ -z "$pid" ]]; then
    rm -f "$pidfile"
    return 0
  fi
  stop_process "the $name" "$pid" "$pidfile"
}

stop() {
  if [[ -z "$(running_pid "$JM_PIDFILE" "$JM_MAIN")$(running_pid "$TM_PIDFILE" "$TM_MAIN")" ]]; then
    log "Flink is not running"
    rm -f "$JM_PIDFILE" "$TM_PIDFILE"
    return 0
  fi
  # jobs still running are lost with the cluster (restart them from a checkpoint or savepoint: docs/flink.md)
  stop_one taskmanager "$TM_PIDFILE" "$TM_MAIN"
  stop_one jobmanager "$JM_PIDFILE" "$JM_MAIN"
}

status() {
  local jm tm
  jm="$(running_pid "$JM_PIDFILE" "$JM_MAIN")"
  tm="$(running_pid "$TM_PIDFILE" "$TM_MAIN")"
  if [[ -z "$jm" && -z "$tm" ]]; then
    echo "Flink not running"
    return 3
  fi
  echo "Flink JobManager: ${jm:+pid }${jm:-not running}, TaskManager: ${tm:+pid }${tm:-not running}, REST http://$FLINK_REST"
  flink_rest overview && flink_rest list
  [[ -n "$jm" && -n "$tm" ]] || { echo "only half of the cluster runs: scripts/flink-cluster.sh start restarts it"; return 1; }
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
