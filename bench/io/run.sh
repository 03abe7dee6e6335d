#!/usr/bin/env bash
# shellcheck disable=SC2016  # the '... "$1" ...' below are bash -c scripts, $1 their argument
# The io benchmark (issue 4, point 8): MB/s and peak RSS of reading one page-cached file — lines, CSV to
# typed fields, JSON lines, gz and zst inputs — by yieldpipe (build/release/bench/io_throughput) and by its
# peers: `cat` and `wc -l` (the physical limits), zcat / zstd -dc, CPython (csv, json, line iteration),
# DuckDB (read_csv, read_json) and Polars (scanCSV, scanJson), both with one thread, from the npm registry
# (bench/node/package.json). Writes bench/results/io.json, which bench/report.py turns into the io section of
# docs/PERFORMANCE.md. With the default 700 MB it takes 15-25 minutes on a shared 2-core machine.
#
#   bash bench/io/run.sh                  # then: python3 bench/report.py
#   SIZE=50 REPETITIONS=1 bash bench/io/run.sh
#
# Environment:
#   SIZE         MB (10^6 bytes) of CSV to generate (default 700: `yieldpipe gen sensors --size 700MB`);
#                ROWS, when set, replaces it with a row count (`--rows`). SEED (default 42).
#   IO_CSV       use this existing sensors CSV instead of generating one (its header must name the columns
#                value, temperature, humidity, quality_score); the JSON lines, gz and zst copies are made from it.
#   DATA_DIR     where the data files go (default bench/results/io-data, ignored by git); kept between runs
#                and remade only when the generator's command line or the CSV changes.
#   REPETITIONS  runs of every command (default 3; the best wall time is the headline), interleaved: round 1
#                runs every command once, then round 2, ... so that a burst of load elsewhere hits all of them.
#   BUILD        1 (default) builds the release preset first (scripts/build.sh, BUILD_JOBS jobs, default 2).
#   IO_THROUGHPUT  the yieldpipe program (default build/release/bench/io_throughput); YIELDPIPE the command
#                that generates the data (default build/release/yieldpipe).
#   PEERS_ONLY   1 runs the peers without yieldpipe, for when build/release/bench/io_throughput does not
#                exist yet; io.json and the report then say that yieldpipe was not measured. Without it a
#                missing program stops the script.
#
# Every command runs under /usr/bin/time -v (user and system CPU time, peak RSS: for a pipeline the largest
# of its processes), its wall time taken around it from $EPOCHREALTIME. Every peer prints one line of JSON
# with its answer — the "csv typed" task: rows, sum_value, sum_temperature, count_humidity (non-empty),
# sum_quality_score; "lines": lines (as `wc -l`) — and bench/io/collect.py checks that all answers agree
# (integers exactly, sums to 1e-9 relative) in every repetition: the script fails when they do not.
set -euo pipefail
cd "$(dirname "$0")/../.."

repetitions=${REPETITIONS:-3}
size_mb=${SIZE:-700}
rows=${ROWS:-}
seed=${SEED:-42}
data_dir=${DATA_DIR:-bench/results/io-data}
results=bench/results  # ignored by git
peers_only=${PEERS_ONLY:-0}
yieldpipe=${YIELDPIPE:-build/release/yieldpipe}
io_throughput=${IO_THROUGHPUT:-build/release/bench/io_throughput}
mkdir -p "$results" "$data_dir"

# --- tools ----------------------------------------------------------------------------------------------
# shellcheck source=bench/common.sh
source bench/common.sh
# Debian packages this benchmark needs beyond scripts/setup.sh's: the compressors and GNU time; then Node with
# DuckDB and Polars (bench/node).
bench_install_missing io gzip zstd time util-linux
bench_node_peers io

if [[ ${BUILD:-1} == 1 ]]; then
  bash scripts/setup.sh
  CMAKE_BUILD_PARALLEL_LEVEL=${BUILD_JOBS:-2} bash scripts/build.sh release
fi

# ==== yieldpipe: the program must exist (checked before minutes are spent on the data and the peers) ========
if [[ $peers_only != 1 && ! -x $io_throughput ]]; then
  echo "io: $io_throughput is missing: build it (bench/CMakeLists.txt, target io_throughput; it takes MODE FILE," >&2
  echo "io: MODE lines|csv|jsonl, and prints one line of JSON with the answer, like bench/io/peer_python_csv.py)," >&2
  echo "io: or run the peers alone with PEERS_ONLY=1" >&2
  exit 1
fi

# --- data ---------------------------------------------------------------------------------------------------
csv=$data_dir/sensors.csv
if [[ -n ${IO_CSV:-} ]]; then
  csv=$IO_CSV
  gen_command="(given: IO_CSV=$IO_CSV)"
  [[ -f $csv ]] || { echo "io: IO_CSV=$csv does not exist" >&2; exit 1; }
else
  if [[ -n $rows ]]; then
    gen_args=(--rows "$rows" --seed "$seed")
  else
    gen_args=(--size "${size_mb}MB" --seed "$seed")
  fi
  gen_command="yieldpipe gen sensors ${gen_args[*]}"
  if ! "$yieldpipe" gen --help >/dev/null 2>&1; then
    echo "io: '$yieldpipe gen' is not available (build the release preset with the gen command)," >&2
    echo "io: or give an existing sensors CSV with IO_CSV=FILE" >&2
    exit 1
  fi
  if [[ ! -f $csv || "$(cat "$csv.stamp" 2>/dev/null)" != "$gen_command; $("$yieldpipe" --version)" ]]; then
    echo "io: $gen_command -o $csv"
    rm -f "$csv.stamp"
    "$yieldpipe" gen sensors "${gen_args[@]}" -o "$csv"
    echo "$gen_command; $("$yieldpipe" --version)" >"$csv.stamp"
  fi
fi
base=$data_dir/$(basename "$csv" .csv)
jsonl=$base.jsonl
gz=$base.csv.gz
zst=$base.csv.zst
if [[ ! -f $jsonl || $csv -nt $jsonl ]]; then
  echo "io: JSON lines copy ($jsonl, bench/io/csv_to_jsonl.py; a minute or two per 700 MB)"
  python3 bench/io/csv_to_jsonl.py "$csv" "$jsonl"
fi
if [[ ! -f $gz || $csv -nt $gz ]]; then
  echo "io: gzip -6 copy ($gz)"
  gzip -6 -c "$csv" >"$gz.tmp" && mv "$gz.tmp" "$gz"
fi
if [[ ! -f $zst || $csv -nt $zst ]]; then
  echo "io: zstd -3 copy ($zst)"
  # (zstd gives its output the input's mtime: touch it, so that it is newer than the CSV it was made from)
  zstd -q -3 -T2 -f "$csv" -o "$zst.tmp" && mv "$zst.tmp" "$zst" && touch "$zst"
fi

tiny=$base.one-row.csv
head -n 2 "$csv" >"$tiny"

# --- the runs -----------------------------------------------------------------------------------------------
# One line per command in $manifest: name, kind (limit, peer, yieldpipe, startup), task (lines, csv, jsonl,
# none, startup),
# the file read, the file whose size is the MB/s basis (the uncompressed data), and the command, shell-quoted.
work=$(mktemp -d "${TMPDIR:-/tmp}/yieldpipe-io.XXXXXX")
trap 'rm -rf "$work"' EXIT
manifest=$work/manifest.tsv
: >"$manifest"
entry() { bench_entry "$manifest" 5 "$@"; }

# The physical limits: read the page-cached file and throw it away; count its lines.
entry cat-csv limit none "$csv" "$csv" bash -c 'cat -- "$1" >/dev/null' cat "$csv"
entry wc-csv limit lines "$csv" "$csv" wc -l "$csv"
entry cat-jsonl limit none "$jsonl" "$jsonl" bash -c 'cat -- "$1" >/dev/null' cat "$jsonl"
entry wc-jsonl limit lines "$jsonl" "$jsonl" wc -l "$jsonl"
entry zcat limit none "$gz" "$csv" bash -c 'zcat -- "$1" >/dev/null' zcat "$gz"
entry zcat-wc limit lines "$gz" "$csv" bash -c 'zcat -- "$1" | wc -l' zcat "$gz"
entry zstd limit none "$zst" "$csv" bash -c 'zstd -q -dc -- "$1" >/dev/null' zstd "$zst"
entry zstd-wc limit lines "$zst" "$csv" bash -c 'zstd -q -dc -- "$1" | wc -l' zstd "$zst"
# CPython, the guide's way.
entry python-lines peer lines "$csv" "$csv" python3 bench/io/peer_python_lines.py "$csv"
entry python-gzip-lines peer lines "$gz" "$csv" python3 bench/io/peer_python_lines.py "$gz"
entry python-csv peer csv "$csv" "$csv" python3 bench/io/peer_python_csv.py "$csv"
entry python-json peer jsonl "$jsonl" "$jsonl" python3 bench/io/peer_python_jsonl.py "$jsonl"
# DuckDB and Polars, one thread each (POLARS_MAX_THREADS is exported below, before any node starts).
entry duckdb-csv peer csv "$csv" "$csv" node bench/io/peer_duckdb.mjs csv "$csv"
entry duckdb-csv-auto peer csv "$csv" "$csv" node bench/io/peer_duckdb.mjs csv-auto "$csv"
entry polars-csv peer csv "$csv" "$csv" node bench/io/peer_polars.mjs csv "$csv" in-memory
entry polars-csv-streaming peer csv "$csv" "$csv" node bench/io/peer_polars.mjs csv "$csv" streaming
entry duckdb-jsonl peer jsonl "$jsonl" "$jsonl" node bench/io/peer_duckdb.mjs jsonl "$jsonl"
entry duckdb-jsonl-auto peer jsonl "$jsonl" "$jsonl" node bench/io/peer_duckdb.mjs jsonl-auto "$jsonl"
entry polars-jsonl peer jsonl "$jsonl" "$jsonl" node bench/io/peer_polars.mjs jsonl "$jsonl" in-memory
entry polars-jsonl-streaming peer jsonl "$jsonl" "$jsonl" node bench/io/peer_polars.mjs jsonl "$jsonl" streaming
# Their fixed cost (interpreter, Node and native module start-up, DuckDB's instance): the same commands on a
# file of one row, reported next to the tables, not compared.
entry startup-python-csv startup startup "$tiny" "$tiny" python3 bench/io/peer_python_csv.py "$tiny"
entry startup-duckdb-csv startup startup "$tiny" "$tiny" node bench/io/peer_duckdb.mjs csv "$tiny"
entry startup-polars-csv startup startup "$tiny" "$tiny" node bench/io/peer_polars.mjs csv "$tiny" in-memory

# ==== yieldpipe ================================================================================================
# build/release/bench/io_throughput MODE FILE reads FILE (gz and zst by their suffix) and prints one line of
# JSON: {"tool": ..., "task": MODE, "answer": {...}, "how": ...} with the answer keys of the peers above —
# lines: {"lines": N}, N as `wc -l`; csv and jsonl: {"rows", "sum_value", "sum_temperature", "count_humidity",
# "sum_quality_score"}, rows not counting the CSV header, count_humidity the non-empty (non-null) humidities.
if [[ $peers_only != 1 ]]; then
  entry yieldpipe-lines yieldpipe lines "$csv" "$csv" "$io_throughput" lines "$csv"
  entry yieldpipe-csv yieldpipe csv "$csv" "$csv" "$io_throughput" csv "$csv"
  entry yieldpipe-jsonl yieldpipe jsonl "$jsonl" "$jsonl" "$io_throughput" jsonl "$jsonl"
  entry yieldpipe-lines-gz yieldpipe lines "$gz" "$csv" "$io_throughput" lines "$gz"
  entry yieldpipe-lines-zst yieldpipe lines "$zst" "$csv" "$io_throughput" lines "$zst"
  entry startup-yieldpipe-csv startup startup "$tiny" "$tiny" "$io_throughput" csv "$tiny"
fi
# ===============================================================================================================

export POLARS_MAX_THREADS=1

bench_warm_cache io "$csv" "$jsonl" "$gz" "$zst"

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
runs=$work/runs.tsv
: >"$runs"
bench_rounds io "$repetitions" "$manifest" "$runs" "$work"
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

python3 bench/io/collect.py --manifest "$manifest" --runs "$runs" --out "$results/io.json" \
  --repetitions "$repetitions" --generator "$gen_command" --csv "$csv" --jsonl "$jsonl" --gz "$gz" --zst "$zst" \
  --started "$started" --load-start "$load_start" --load-end "$load_end" \
  --yieldpipe "$([[ $peers_only == 1 ]] && echo "not measured: PEERS_ONLY=1" || echo measured)"
echo "io: wrote $results/io.json; python3 bench/report.py writes docs/PERFORMANCE.md from it"
