#!/usr/bin/env bash
# Replays a CSV file in the Online Retail format to the ingest API at a given rate, printing progress.
# usage: scripts/replay-retail-csv.sh --file FILE [--rate 100] [--batch 50] [--url http://127.0.0.1:8088] [--limit N]
#                                     [--charset UTF-8] [--token-env STREAMLAKE_INGEST_TOKEN] [--stop-on-invalid]
#   Rejected lines are reported (invoice#line, CSV row, field errors) and skipped; 503s are retried with the same ids.
source "$(dirname "$0")/lib.sh"
ensure_built
exec java ${INGEST_JAVA_OPTS:--Xmx512m} -cp "$(module_classpath ingest)" io.streamlake.ingest.client.ReplayCsv "$@"
