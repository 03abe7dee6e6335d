#!/usr/bin/env bash
# The guide's Performance Comparison Matrix, measured (issue 14, part 7): builds bench/generator_matrix.cpp in its
# own build folder, runs each of its cases (a hand loop and the guide's seven generator types) and the same cases of
# bench/python/generator_matrix.py, one process per case and language, in interleaved rounds, and writes the section
# "Generator types" of docs/PERFORMANCE.md (bench/report.py --only generator_matrix; the other sections are left as
# they are). About three minutes.
#
#   bash bench/generator_matrix.sh
#
# Environment: N (items per C++ case, default 10^7), PY_N (per CPython case, default 10^6: CPython's time per item
# does not depend on n here, and 10^7 would take minutes), REPETITIONS (per process, default 7), ROUNDS (processes
# per case and language, interleaved, default 5: every figure is the minimum over ROUNDS × REPETITIONS), BUILD_DIR
# (default build/h-matrix), BUILD_JOBS (default 2), MAX_VM_KIB (default 4 GiB), REPORT (default 1; 0 skips
# writing docs/PERFORMANCE.md).
set -euo pipefail
cd "$(dirname "$0")/.."

n=${N:-10000000}
py_n=${PY_N:-1000000}
repetitions=${REPETITIONS:-7}
rounds=${ROUNDS:-5}
build_dir=${BUILD_DIR:-build/h-matrix}
results=bench/results # ignored by git
out=$results/generator_matrix.jsonl
cases=(hand_loop function expression builtin coroutine async recursive chained async_bare) # async_bare: C++ only
mkdir -p "$results"

if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build_dir" --target generator_matrix -j "${BUILD_JOBS:-2}"
program=$build_dir/bench/generator_matrix

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$out.tmp"
# Each process's address space is capped, so that a runaway (a leaking generator) fails fast on a shared machine.
for ((round = 1; round <= rounds; round++)); do
  for c in "${cases[@]}"; do
    printf 'generator_matrix: round %d/%d, %-10s' "$round" "$rounds" "$c"
    (ulimit -v "${MAX_VM_KIB:-4194304}" && "$program" --case "$c" --n "$n" --repetitions "$repetitions") >>"$out.tmp"
    printf ' c++ done,'
    if [[ $c != async_bare ]]; then
      (ulimit -v "${MAX_VM_KIB:-4194304}" &&
        python3 bench/python/generator_matrix.py --case "$c" --n "$py_n" --repetitions "$repetitions") >>"$out.tmp"
      printf ' python done'
    fi
    printf '\n'
  done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# The first line describes the run; every other line is one process's result.
python3 - "$out.tmp" "$out" "$load_start" "$load_end" "$rounds" "$build_dir" <<'EOF'
import datetime, json, os, platform, subprocess, sys
tmp, path, load_start, load_end, rounds, build_dir = sys.argv[1:]
def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"
meta = {"meta": True, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(), "rounds": int(rounds), "build_dir": build_dir, "cpus": os.cpu_count(),
        "kernel": platform.release(), "load_average_start": [float(x) for x in load_start.split()],
        "load_average_end": [float(x) for x in load_end.split()]}
with open(path, "w") as f:
    f.write(json.dumps(meta) + "\n")
    f.write(open(tmp).read())
os.remove(tmp)
EOF
echo "generator_matrix: wrote $out"

if [[ ${REPORT:-1} != 0 ]]; then
  python3 bench/report.py --only generator_matrix --results "$results" --build-dir "$build_dir" --out docs/PERFORMANCE.md
  echo "generator_matrix: wrote its section of docs/PERFORMANCE.md"
fi
