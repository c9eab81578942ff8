#!/usr/bin/env bash
# The main job: installs missing Debian packages, builds tx (release) and
# draws a t-SNE map of the embedded digits data to digits_tsne.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
swift build -c release --product tx
.build/release/tx examples/tsne_digits.tx "${1:-digits_tsne.png}"
