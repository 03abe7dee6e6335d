#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/<name>_fuzz.cpp, each with AddressSanitizer, leak detection and
# UndefinedBehaviorSanitizer) with clang 16 and runs each one for a while on a fresh copy of its seed
# corpus. Exits non-zero if any target finds a crash, a sanitizer report, a leak, a hang (an input
# that runs longer than 10 s) or an out-of-memory, and prints where the input was saved.
#
#   bash scripts/fuzz.sh [seconds-per-target] [target...]
#
# Defaults: 600 s per target, every fuzz/*_fuzz.cpp. A target is named with or without "_fuzz"
# (log_record_fuzz or log_record). Its seeds are fuzz/corpus/<key>/ and its dictionary fuzz/<key>.dict,
# where <key> is the name without "_fuzz" or, failing that, its first word (log_record_fuzz: log).
# Each run lives in build/fuzz/runs/<target>/: fuzz.log, the grown corpus, the saved inputs.
# Environment: FUZZ_MAX_LEN (largest input, 4096), FUZZ_TIMEOUT (seconds per input, 10),
# FUZZ_RSS_LIMIT_MB (2048), FUZZ_BUILD_JOBS (parallel compilations, nproc).
#
# Not part of scripts/setup.sh or scripts/test.sh: CI does not fuzz, so clang 16 and its runtime
# are installed here, when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
if [[ ! $seconds =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "usage: bash scripts/fuzz.sh [seconds-per-target] [target...]" >&2
  exit 2
fi
shift $(($# > 0 ? 1 : 0))
max_len=${FUZZ_MAX_LEN:-4096}
timeout=${FUZZ_TIMEOUT:-10}
rss_limit=${FUZZ_RSS_LIMIT_MB:-2048}

# --- what the library needs (scripts/setup.sh), then clang 16, its sanitizer and fuzzer runtimes and
# llvm-symbolizer (the same check as scripts/setup.sh)
bash scripts/setup.sh
packages=(clang-16 libclang-rt-16-dev llvm-16)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "fuzz: installing ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- the targets
mapfile -t all < <(find fuzz -maxdepth 1 -name '*_fuzz.cpp' -printf '%f\n' | sed 's/\.cpp$//' | sort)
if (($# == 0)); then
  targets=("${all[@]}")
else
  targets=()
  for t in "$@"; do
    t=${t%_fuzz}_fuzz
    if [[ ! -f fuzz/$t.cpp ]]; then
      echo "fuzz: no target $t (known: ${all[*]})" >&2
      exit 2
    fi
    targets+=("$t")
  done
fi
if ((${#targets[@]} == 0)); then
  echo "fuzz: no fuzz/*_fuzz.cpp" >&2
  exit 2
fi

# --- build (CMake globs fuzz/*_fuzz.cpp: a new target needs no edit anywhere)
build=build/fuzz
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-16 >/dev/null
fi
cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-$(nproc)}" --target "${targets[@]}"

# --- run
symbolizer=/usr/lib/llvm-16/bin/llvm-symbolizer
export ASAN_SYMBOLIZER_PATH=$symbolizer UBSAN_SYMBOLIZER_PATH=$symbolizer
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for t in "${targets[@]}"; do
  key=""
  for k in "${t%_fuzz}" "${t%%_*}"; do
    if [[ -d fuzz/corpus/$k || -f fuzz/$k.dict ]]; then
      key=$k
      break
    fi
  done
  run=$build/runs/$t
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/artifacts"
  # A fresh copy: libFuzzer adds to the corpus it is given, and the seeds in git stay as written.
  if [[ -n $key && -d fuzz/corpus/$key ]]; then cp -R "fuzz/corpus/$key/." "$run/corpus/"; fi
  args=(-max_total_time="$seconds" -max_len="$max_len" -timeout="$timeout" -rss_limit_mb="$rss_limit"
        -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$run/artifacts/")
  if [[ -n $key && -f fuzz/$key.dict ]]; then args+=(-dict="fuzz/$key.dict"); fi

  echo "=== $t: ${seconds} s, seeds: $(find "$run/corpus" -type f | wc -l) from fuzz/corpus/${key:-<none>}, log: $run/fuzz.log"
  status=0
  "$build/$t" "${args[@]}" "$run/corpus" >"$run/fuzz.log" 2>&1 || status=$?

  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$run/fuzz.log" | sed 's/^/  /' || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$run/fuzz.log" | sed 's/^/  /' || true
  mapfile -t saved < <(find "$run/artifacts" -type f ! -name 'slow-unit-*' | sort)
  if ((status != 0 || ${#saved[@]} > 0)); then
    failed+=("$t")
    echo "  FINDING (exit status $status); the end of the report:"
    grep -v -E '^#[0-9]+[[:space:]]' "$run/fuzz.log" | tail -n 60 | sed 's/^/  | /'
    for f in "${saved[@]}"; do
      echo "  input saved to $f"
      echo "    reproduce: $build/$t $f"
      echo "    minimise:  $build/$t -minimize_crash=1 -max_total_time=60 -exact_artifact_path=$f.min $f"
    done
  else
    echo "  no finding"
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no finding in ${targets[*]} (${seconds} s each)"
