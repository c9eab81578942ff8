#!/usr/bin/env bash
# Builds tx (release) and runs it beside its peers; prints ratios.
# Run on a quiet machine: other load distorts these numbers (see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
swift build -c release --product tx
python3 bench/compare.py .build/release/tx "$@"
