#!/usr/bin/env bash
# Install everything and start PerfEval Desk (first start shows the sample packet of seed 000, read-only).
set -euo pipefail
cd "$(dirname "$0")/.."
. installer/setup-env.sh
# shellcheck disable=SC2086
install_debs $RUNTIME_DEBS
ensure_venv
.venv/bin/python -m pip install -q -e .
exec .venv/bin/perfeval "$@"
