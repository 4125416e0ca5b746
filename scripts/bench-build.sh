#!/usr/bin/env bash
# Builds the bench module and what it needs (offline when ~/.m2 has everything) when its classpath file or
# classes are missing or older than the sources of bench, schemas, generators, devservices or pipelines.
# usage: scripts/bench-build.sh      (used by scripts/bench.sh)
source "$(dirname "$0")/lib.sh"
stamp="$ROOT/bench/target/classpath.txt"
for f in "$ROOT"/generators/target/classpath.txt "$ROOT"/devservices/target/classpath.txt "$stamp"; do
  [[ -f "$f" ]] || { stale=missing; break; }
done
if [[ -z "${stale:-}" ]] && [[ -n "$(find "$ROOT"/bench/src "$ROOT"/bench/pom.xml "$ROOT"/schemas/src "$ROOT"/pipelines/src \
    "$ROOT"/generators/src "$ROOT"/devservices/src -newer "$stamp" -print -quit 2>/dev/null)" ]]; then
  stale=older
fi
if [[ -n "${stale:-}" ]]; then
  log "building bench, generators and devservices (mvn install -DskipTests) ..."
  (cd "$ROOT" && { mvn -B -q -o install -DskipTests -pl bench,generators,devservices -am \
      || mvn -B -q install -DskipTests -pl bench,generators,devservices -am; }) >&2 || die "build failed"
  touch "$stamp"
fi
