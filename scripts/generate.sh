#!/usr/bin/env bash
# Runs the event generators: scripts/generate.sh SCENARIOS [options]; scripts/generate.sh --help for all options.
source "$(dirname "$0")/lib.sh"
ensure_built
exec java ${GENERATOR_JAVA_OPTS:--Xmx1g} -cp "$(module_classpath generators)" io.streamlake.generators.Generate "$@"
