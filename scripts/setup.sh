#!/usr/bin/env bash
# Installs the Debian 12 packages bbs-dse builds and tests with. Safe to run again.
set -euo pipefail
packages=(build-essential cmake ninja-build git
  libboost-graph-dev libeigen3-dev libsqlite3-dev libsqlitecpp-dev
  libbenchmark-dev libgtest-dev libgmock-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libxxhash-dev pkgconf
  python3 python3-matplotlib python3-onnx python3-numpy sqlite3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
