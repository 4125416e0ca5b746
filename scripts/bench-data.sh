#!/usr/bin/env bash
# The benchmark's data set: generated once per size into the broker at 127.0.0.1:$KAFKA_PORT and kept there.
# usage: scripts/bench-data.sh SIZE BOOKINGS PAGE_VIEWS     prints the topic prefix of the data set
#
# Fixed seed and base time, so every machine generates the same records: ticketing (bookings and their
# payments) and shop (page views, plus the ratings and orders they cause), each with 5 % sent out of order
# (up to 30 s), 1 % sent twice and 0.1 % followed by a record that is not valid Avro. A data set is used
# only once its generation has finished (a marker file in $KAFKA_DIR); an interrupted one is left behind
# and the next call generates a new one under a new prefix.
source "$(dirname "$0")/lib.sh"
SIZE="${1:?size name}"
BOOKINGS="${2:?bookings}"
VIEWS="${3:?page views}"
BOOTSTRAP="127.0.0.1:${KAFKA_PORT:-9092}"
DIR="${KAFKA_DIR:-$LOCAL/kafka}"
MARKER="$DIR/bench-data-$SIZE-$BOOKINGS-$VIEWS.done"
if [[ -f "$MARKER" ]]; then
  prefix="$(cat "$MARKER")"
  # the broker's data may have been wiped since: the topics' partition folders must still be there
  if [[ -d "$DIR/data/${prefix}bookings-0" && -d "$DIR/data/${prefix}pageviews-0" ]]; then
    log "data set $SIZE: ${prefix}* (generated before)"
    echo "$prefix"
    exit 0
  fi
  rm -f "$MARKER"
fi
prefix="bench-$SIZE-$(date -u +%s)-"
log "generating the $SIZE data set into ${prefix}*: $BOOKINGS bookings and their payments, $VIEWS page views"
java -cp "$(module_classpath devservices)" io.streamlake.devservices.LocalKafka create-topics "$BOOTSTRAP" "$prefix" >/dev/null
for scenario in "ticketing $BOOKINGS" "shop $VIEWS"; do
  set -- $scenario
  java -Xmx1g -cp "$(module_classpath generators)" io.streamlake.generators.Generate "$1" --bootstrap-servers "$BOOTSTRAP" \
    --topic-prefix "$prefix" --events "$2" --rate 20 --speedup 0 --seed 7 --base-time 2026-01-01T00:00:00Z \
    --out-of-order 0.05 --out-of-order-max 30s --duplicates 0.01 --poison 0.001 --progress-seconds 60 >&2 \
    || die "generating $1 failed"
done
echo "$prefix" >"$MARKER"
echo "$prefix"
