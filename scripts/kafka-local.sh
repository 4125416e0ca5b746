#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft, one combined node) on 127.0.0.1, run from Kafka's Maven jars.
# usage: scripts/kafka-local.sh start|stop|status
#   KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (default 9093), KAFKA_DIR (default .local/kafka)
source "$(dirname "$0")/lib.sh"
PORT="${KAFKA_PORT:-9092}"
CPORT="${KAFKA_CONTROLLER_PORT:-9093}"
DIR="${KAFKA_DIR:-$LOCAL/kafka}"
PIDFILE="$DIR/broker.pid"
BOOTSTRAP="127.0.0.1:$PORT"

running_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  # only our broker: the pid must still be a kafka.Kafka process started with our config
  # (a literal match: the folder may hold regex characters such as [ ])
  if pid_alive "$pid" && [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"$DIR/server.properties"* ]]; then
    echo "$pid"
  fi
}

start() {
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    log "Kafka already running (pid $pid) at $BOOTSTRAP"
    return 0
  fi
  # another broker (or anything) on our ports: ours would die on bind while that one answered for it
  port_in_use "$PORT" && die "port $PORT is in use by another process, not this script's broker (set KAFKA_PORT)"
  port_in_use "$CPORT" && die "port $CPORT is in use by another process (set KAFKA_CONTROLLER_PORT)"
  ensure_built
  local cp
  cp="$(module_classpath devservices)"
  mkdir -p "$DIR"
  java -cp "$cp" io.streamlake.devservices.LocalKafka config "$DIR" "$PORT" "$CPORT"
  if [[ ! -f "$DIR/data/meta.properties" ]]; then
    log "formatting storage in $DIR/data"
    java -cp "$cp" kafka.tools.StorageTool format --ignore-formatted \
      -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid)" -c "$DIR/server.properties" >"$DIR/format.log" 2>&1 \
      || { cat "$DIR/format.log" >&2; die "cannot format Kafka storage"; }
  fi
  log "starting Kafka at $BOOTSTRAP (log: $DIR/broker.log)"
  nohup java -Xms256m -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=info -cp "$cp" \
    kafka.Kafka "$DIR/server.properties" >"$DIR/broker.log" 2>&1 &
  pid=$!
  echo "$pid" >"$PIDFILE"
  if ! java -cp "$cp" io.streamlake.devservices.LocalKafka await "$BOOTSTRAP" 60 || ! pid_alive "$pid"; then
    tail -20 "$DIR/broker.log" >&2
    # a broker that did not come up is stopped, so the next start does not take it for a running one
    if pid_alive "$pid"; then stop_process Kafka "$pid" "$PIDFILE"; else rm -f "$PIDFILE"; fi
    die "Kafka did not start; see $DIR/broker.log"
  fi
  java -cp "$cp" io.streamlake.devservices.LocalKafka create-topics "$BOOTSTRAP" "${TOPIC_PREFIX:-}"
  log "Kafka ready at $BOOTSTRAP (pid $(cat "$PIDFILE"))"
}

stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    log "Kafka is not running"
    rm -f "$PIDFILE"
    return 0
  fi
  stop_process Kafka "$pid" "$PIDFILE"
}

status() {
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    echo "Kafka running (pid $pid) at $BOOTSTRAP"
    java -cp "$(module_classpath devservices)" io.streamlake.devservices.LocalKafka describe "$BOOTSTRAP"
  else
    echo "Kafka not running"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
