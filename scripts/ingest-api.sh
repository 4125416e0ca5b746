#!/usr/bin/env bash
# Runs the HTTP ingest API for retail invoice lines in the foreground (Ctrl-C / SIGTERM stop it gracefully).
# usage: scripts/ingest-api.sh [--port 8088] [--bind 127.0.0.1] [--bootstrap-servers 127.0.0.1:9092] [--topic-prefix P]
#                              [--max-body-bytes 1048576] [--produce-timeout-ms 10000] [--token-env STREAMLAKE_INGEST_TOKEN]
#   The bearer token is read from the variable named by --token-env (STREAMLAKE_INGEST_TOKEN by default); unset or
#   empty = no token required. It is never taken from the command line, nor printed.
#   e.g. STREAMLAKE_INGEST_TOKEN=... scripts/ingest-api.sh --port 8088
#   POST /v1/retail/invoice-lines (application/json or application/x-ndjson), GET /health, GET /metrics
source "$(dirname "$0")/lib.sh"
ensure_built
exec java ${INGEST_JAVA_OPTS:--Xmx1g} -cp "$(module_classpath ingest)" io.streamlake.ingest.IngestApi "$@"
