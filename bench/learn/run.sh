#!/usr/bin/env bash
# Builds a release tx and runs the training/probe benchmarks beside PyTorch and scikit-learn.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product tx >/dev/null
python3 bench/learn/run.py .build/release/tx "$@"
