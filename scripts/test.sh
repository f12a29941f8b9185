#!/usr/bin/env bash
# Quick-start command 2: install what is missing (scripts/setup.sh), start a single-node Slurm for the integration tests
# (scripts/slurm-local.sh, installed with apt when missing; stopped again on exit), then run the whole test suite.
# LORA_SKIP_SLURM_TESTS=1 skips the Slurm part (its tests then skip themselves). A local Slurm that was already running
# is used and left running.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$(nproc)}"
if [ "${LORA_SKIP_SLURM_TESTS:-0}" != 1 ]; then
  if ! scripts/slurm-local.sh status >/dev/null 2>&1; then
    scripts/slurm-local.sh start >/dev/null
    # Quietly, so swift test's summary stays the last lines of the output.
    trap 'scripts/slurm-local.sh stop >/dev/null 2>&1 || true' EXIT
  fi
  export SLURM_CONF="${LORA_SLURM_DIR:-/tmp/lora-slurm}/etc/slurm.conf"
fi
swift test "$@"
