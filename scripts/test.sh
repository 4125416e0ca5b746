#!/usr/bin/env bash
# Runs every test of every module (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh postgres # what a fresh machine lacks: Java 17, Maven, PostgreSQL's binaries
exec mvn -B -ntp verify "$@"
