#!/usr/bin/env bash
# The test command: installs missing Debian packages, builds tx and its
# tests (debug), and runs the whole suite (tensor, language golden scripts,
# every example, REPL on a pseudo-terminal).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
swift build --build-tests
swift test --skip-build
