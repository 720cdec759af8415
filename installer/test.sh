#!/usr/bin/env bash
# Install the test dependencies and run the whole test suite (lint, types, tests).
set -euo pipefail
cd "$(dirname "$0")/.."
. installer/setup-env.sh
# shellcheck disable=SC2086
install_debs $RUNTIME_DEBS $TEST_DEBS
ensure_venv
.venv/bin/python -m pip install -q -e ".[test]"
export QT_QPA_PLATFORM=offscreen
echo "== ruff";  .venv/bin/ruff check app tests benchmarks installer
echo "== mypy";  .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest "$@"
