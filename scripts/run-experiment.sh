#!/usr/bin/env bash
# Quick-start command 1: install what is missing (scripts/setup.sh), then run an experiment spec
# (default specs/qv-rank.json) with an optimised build: swift run -c release experiment <spec> [options].
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$(nproc)}"
if [ $# -eq 0 ]; then set -- specs/qv-rank.json; fi
exec swift run -c release experiment "$@"
