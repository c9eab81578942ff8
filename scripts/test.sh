#!/usr/bin/env bash
# The test command: installs missing Debian packages, builds tx and its
# tests (debug), and runs the whole suite (tensor, language golden scripts,
# every example, REPL on a pseudo-terminal).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
swift build --build-tests
# Suites run in parallel threads; several of them calling OpenBLAS's thread
# pool at once has been seen to hang (0.3.21). One BLAS thread per caller
# avoids that; tests check results, not speed.
OPENBLAS_NUM_THREADS=1 swift test --skip-build
