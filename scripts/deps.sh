#!/usr/bin/env bash
# Installs the Debian packages tx builds against, when any is missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail
need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
for pc in openblas:libopenblas-dev libedit:libedit-dev libpng:libpng-dev cairo:libcairo2-dev zlib:zlib1g-dev libturbojpeg:libturbojpeg0-dev fftw3f:libfftw3-dev; do
  mod=${pc%%:*}; pkg=${pc##*:}
  pkg-config --exists "$mod" 2>/dev/null || need+=("$pkg")
done
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "swift is not on PATH: install a Swift 6 toolchain first" >&2; exit 1; }
