#!/usr/bin/env bash
# The main job: installs missing Debian packages, builds tx (release) and
# runs the headline example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
swift build -c release --product tx
.build/release/tx examples/tour.tx
