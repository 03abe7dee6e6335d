#!/usr/bin/env bash
# Installs the Debian packages yieldpipe needs that are missing. Idempotent: when everything is
# present it installs nothing and does not touch the network.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev
  zlib1g-dev libzstd-dev libsimdjson-dev libtbb-dev libasio-dev libcurl4-openssl-dev nginx-light
  libsqlite3-dev sqlite3 libpq-dev postgresql
  python3 python3-aiohttp python3-aiofiles
  clang-format-16
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
