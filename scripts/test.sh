#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite twice: the release build and
# the AddressSanitizer + UndefinedBehaviorSanitizer build; then the threaded layers' tests (core's
# async steps, query, exec, async and the command) a third time under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "=== format: every C++ file follows .clang-format"
bash scripts/format.sh --check
for preset in release asan tsan; do
  echo "=== $preset: build"
  bash scripts/build.sh "$preset"
  echo "=== $preset: test"
  ctest --preset "$preset" -j "$(nproc)"
done
