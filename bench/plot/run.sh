#!/usr/bin/env bash
# Builds tx (release) and times its scatter PNGs beside matplotlib's (see run.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product tx
python3 bench/plot/run.py .build/release/tx "$@"
