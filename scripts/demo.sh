#!/usr/bin/env bash
# Installs what is missing, builds the release preset and runs `yieldpipe demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
exec build/release/yieldpipe demo "$@"
