#!/usr/bin/env bash
# Sets up ganforge on a fresh Debian/Ubuntu machine: system packages (libtorch, OpenBLAS, the PyTorch
# reference, Fashion-MNIST), then `npm ci`, which builds the native addon and compiles the TypeScript.
# Safe to run again: installed packages are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

# libopenblas0-pthread matters: without it libtorch falls back to Debian's reference BLAS, ~25x slower.
# chromium is for the report test (headless, driven by playwright-core; no browser is ever downloaded).
# libgloo-dev: the Gloo headers that libtorch's c10d headers include (distributed training, native/src/dist.cc);
# without it the addon still builds, without distributed support.
PACKAGES=(libtorch-dev libgloo-dev libopenblas0-pthread python3-torch python3-numpy python3-pil dataset-fashion-mnist chromium)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: no apt-get here; install libtorch yourself and set LIBTORCH (see README)" >&2
  fi
fi

echo "setup: npm ci (builds the native addon against libtorch, then compiles TypeScript)"
# onnxruntime-node (optional: ONNX feature extractors) bundles its CPU binaries; skip its download of CUDA extras.
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
