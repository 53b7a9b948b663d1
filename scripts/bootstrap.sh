#!/usr/bin/env bash
# Installs the Debian 12 packages fencedep builds against, when any is missing.
# Idempotent and quiet: does nothing when everything is present.
set -euo pipefail

packages=(
  cmake ninja-build
  clang-16 libclang-16-dev llvm-16-dev clang-tidy-16
  libboost-graph-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libbenchmark-dev
  graphviz libclang-rt-16-dev libxxhash-dev libunwind-dev
  libtracecmd-dev libtraceevent-dev trace-cmd zlib1g-dev liblzma-dev libzstd-dev pkg-config
  zstd xz-utils
  libdrm-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
