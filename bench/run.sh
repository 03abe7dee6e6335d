#!/usr/bin/env bash
# Builds the release preset, runs the core and iter benchmarks and their CPython counterparts, each with its
# peak RSS recorded, and writes docs/PERFORMANCE.md from the results (bench/report.py). Takes a few minutes.
#
#   bash bench/run.sh
#
# Environment: PY_N (elements for the CPython script, default 10^8 like the C++ benchmark; 10^7 roughly
# divides its time by ten), PY_ITER_N (elements per list for the CPython iter pipelines, default 10^6, a
# tenth of the C++ side: see bench/python/iter_pipelines.py), REPETITIONS (default 3), BUILD_JOBS (default 2),
# MAX_VM_KIB (default 4 GiB).
set -euo pipefail
cd "$(dirname "$0")/.."

repetitions=${REPETITIONS:-3}
py_n=${PY_N:-100000000}
py_iter_n=${PY_ITER_N:-1000000}
results=bench/results  # ignored by git
mkdir -p "$results"

bash scripts/setup.sh
CMAKE_BUILD_PARALLEL_LEVEL=${BUILD_JOBS:-2} bash scripts/build.sh release

# Runs a command with its stdout to $1 and its peak RSS (KiB) to $2: /usr/bin/time -v when installed,
# otherwise getrusage(RUSAGE_CHILDREN) from Python. The core benchmarks need a few MiB, the iter benchmarks
# about 160 MiB (two vectors of 10^7 long longs), the CPython pipelines about 80 MiB: the address space is
# capped (MAX_VM_KIB, default 4 GiB) so that a runaway (a leaking generator) fails fast instead of
# exhausting a shared machine's memory.
with_peak_rss() (
  local stdout_file=$1 rss_file=$2
  shift 2
  ulimit -v "${MAX_VM_KIB:-4194304}"
  if [[ -x /usr/bin/time ]]; then
    local status=0
    /usr/bin/time -v -o "$rss_file.time" "$@" >"$stdout_file" || status=$?
    awk -F': ' '/Maximum resident set size/ {print $2}' "$rss_file.time" >"$rss_file"
    if ((status != 0)); then
      echo "run: $1 failed ($(head -1 "$rss_file.time")), peak RSS $(cat "$rss_file") KiB" >&2
      return "$status"
    fi
  else
    python3 -c 'import resource, subprocess, sys
code = subprocess.call(sys.argv[2:], stdout=open(sys.argv[1], "w"))
open(sys.argv[1] + ".rss", "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) + "\n")
sys.exit(code)' "$stdout_file" "$@"
    mv "$stdout_file.rss" "$rss_file"
  fi
)

echo "run: core_bench, $repetitions repetitions (about $((repetitions * 40 / 60 + 1)) min)"
with_peak_rss "$results/core_bench.json" "$results/core_bench.rss" \
  build/release/bench/yieldpipe_core_bench --benchmark_format=json --benchmark_repetitions="$repetitions"

echo "run: CPython generator, n = $py_n, $repetitions repetitions"
with_peak_rss "$results/python.json" "$results/python.rss" \
  python3 bench/python/generator_sum_squares.py --n "$py_n" --repetitions "$repetitions"

echo "run: iter_bench, $repetitions repetitions (about $((repetitions * 40 / 60 + 1)) min)"
with_peak_rss "$results/iter_bench.json" "$results/iter_bench.rss" \
  build/release/bench/yieldpipe_iter_bench --benchmark_format=json --benchmark_repetitions="$repetitions"

echo "run: CPython iter pipelines, n = $py_iter_n, $repetitions repetitions"
with_peak_rss "$results/python_iter.json" "$results/python_iter.rss" \
  python3 bench/python/iter_pipelines.py --n "$py_iter_n" --repetitions "$repetitions"

python3 bench/report.py --results "$results" --build-dir build/release --out docs/PERFORMANCE.md
echo "run: wrote docs/PERFORMANCE.md"
