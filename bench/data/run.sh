#!/usr/bin/env bash
# Builds tx (release) and times its data loaders beside NumPy; prints ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/deps.sh
swift build -c release --product tx
python3 bench/data/compare.py .build/release/tx
