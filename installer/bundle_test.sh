#!/usr/bin/env bash
# Build the Linux bundle and smoke-test it as a clerk would (installer/smoke_test.py through its pytest test).
# CI runs it after installer/test.sh (.ci/run), so an installer regression cannot land unseen.
#   bash installer/bundle_test.sh                       # ≈3–6 min here: build ≈1–4 min, checks ≈1 min
#   PERFEVAL_SMOKE_WINE=1 bash installer/bundle_test.sh # also the Windows installer under Wine (installs wine64)
# The glibc-2.31 build in a Debian 11 chroot is a separate command: bash installer/linux/build_bullseye.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. installer/setup-env.sh
# shellcheck disable=SC2086
install_debs $RUNTIME_DEBS $TEST_DEBS $BUILD_DEBS
if [ "${PERFEVAL_SMOKE_WINE:-0}" = 1 ]; then
    # shellcheck disable=SC2086
    install_debs $WINE_DEBS
fi
ensure_venv
.venv/bin/python -m pip install -q -e ".[test,build]"
export QT_QPA_PLATFORM=offscreen
echo "== bundle build + smoke test"
.venv/bin/python -m pytest -m slow tests/installer -p no:cacheprovider "$@"
