#!/usr/bin/env bash
# shellcheck disable=SC2016,SC1010  # '$...' are scripts of bash -c, Miller and rg; `then` chains Miller verbs
# The command benchmark (issue 5, point 11; issue 11, point 8): the `yieldpipe` command against its peers on four
# tasks, each tool given the same data in the same run and its answer checked equal to ours:
#   T1  `yieldpipe stats`: the sensor readings with status "active", quality_score >= 0.8, temperature in
#       [-50, 100] and a humidity in [0, 100], then count, mean, min and max of value by category;
#   T2  `yieldpipe logs`: the ERROR and CRITICAL lines (by their level field) counted per hour and level, over
#       several log files;
#   T3  `yieldpipe anomalies`: per sensor, the rolling z-score of value over its last 100 values (the new one
#       included, population standard deviation, none before 11 values), anomalies above 2.5, counted by category;
#   T4  `yieldpipe stats --by id --agg count,mean:value`: one group per row (10 M groups at the default size),
#       written sorted by the key's text to a file; T4' (task t4b) the same by timestamp and sensor (two text keys);
#       against DuckDB's COPY (... GROUP BY ... ORDER BY ...) TO and Polars' groupBy().agg().sort() writeCSV only;
#       T4m (task t4m) is T4 in 256 MB: yieldpipe with --max-memory 256MB (it spills sorted runs to $TMPDIR) against
#       DuckDB with SET memory_limit='256MB' (it spills to its temp_directory); Polars has no such limit;
#   T5  `yieldpipe filter`: the readings with value > 50, written out as CSV to a file with the columns id, sensor,
#       value and a computed temp_f = temperature * 1.8 + 32 (null when temperature is);
#       against DuckDB's COPY (SELECT ...) TO and Polars' writeCSV / sinkCSV only.
# Peers: CPython running the guide's generator pipelines (bench/cli/peer_python.py), pandas with chunked read_csv
# (Debian's python3-pandas, bench/cli/peer_pandas.py), DuckDB and Polars from the npm registry (bench/node), Polars
# with its in-memory and its streaming engine (bench/cli/peer_duckdb.mjs, peer_polars.mjs), Miller, mawk
# (bench/cli/peer_mawk_t*.awk, peer_mlr_t3.mlr), and for T2 grep and rg pipelines (`... | sort | uniq -c`, the
# pattern anchored on the level field).
# Two thread columns. yieldpipe, DuckDB and Polars each run twice per task: on one thread (entries TOOL-TASK:
# `yieldpipe CMD ... --threads 1`, DuckDB threads=1, POLARS_MAX_THREADS=1) and at their default (entries
# TOOL-default-TASK: no --threads flag, which is as many threads as cores once every command has the flag; no SET
# threads; no POLARS_MAX_THREADS). A yieldpipe command whose --help does not mention --threads runs without the flag
# in the one-thread column too, with a warning (recorded in the results). The single-threaded peers (CPython,
# pandas, Miller, mawk, grep, `rg -j1`) run once; the report puts them in both columns. Then yieldpipe alone on T1
# over a ten times larger input streamed from `yieldpipe gen` (no file), for its peak RSS. While the rounds run, the
# 1-minute load average is sampled every 10 s (the report gives its maximum: the machine is shared, and the figures
# are only as steady as it was). Writes bench/results/cli.json (with the core count, nproc), which bench/report.py
# turns into the command's section of docs/PERFORMANCE.md. With the default sizes it takes well over an hour on a
# shared 2-core machine (CPython and Miller take minutes per run of T3).
#
#   bash bench/cli/run.sh                 # then: python3 bench/report.py
#   SIZE=50 LOG_SIZE=20 REPETITIONS=1 bash bench/cli/run.sh
#
# Environment:
#   SIZE         MB (10^6 bytes) of sensor readings for T1, T3 and T5 (default 700: `yieldpipe gen sensors --size
#                700MB --seed $SEED`, SEED default 42).
#   LOG_SIZE     MB per log file for T2 (default 250); LOG_FILES files (default 4), seeds 1, 2, ...
#   LARGE_SIZE   MB of the larger T1 input (default 10 x SIZE); 0 skips that run.
#   DATA_DIR     where the data files go (default bench/results/cli-data, ignored by git); kept between runs and
#                remade only when the generator's command line or yieldpipe's version changes. T5's outputs are
#                written to DATA_DIR/t5-out and each deleted once read.
#   REPETITIONS  runs of every command (default 3), interleaved: round 1 runs every command once, then round 2,
#                ... so that a burst of load elsewhere hits all of them. Best wall time and least CPU time are the
#                headline figures.
#   TASKS        the tasks to run (default "t1 t2 t3 t4 t4b t4m t5"); PEERS the peers (default "python pandas duckdb polars mlr
#                mawk grep rg"); yieldpipe always runs.
#   YIELDPIPE    the command (default build/release/yieldpipe; this script does not build it). In a shared tree,
#                copy the binary elsewhere and give the copy, so that a rebuild cannot replace it mid-run.
#
# Every command runs under /usr/bin/time -v (user and system CPU time, peak RSS: for a pipeline the largest of its
# processes), its wall time taken around it from $EPOCHREALTIME (bench/common.sh). yieldpipe writes its usual CSV,
# the Node and Python peers and mawk one line of JSON with their answer, Miller the same CSV as yieldpipe, the grep
# and rg pipelines `uniq -c` lines; bench/cli/collect.py reads each into its task's answer and checks that all equal
# yieldpipe's one-thread answer (counts exactly, means, minima and maxima to 1e-9 relative) in every repetition: the
# script fails when one does not. T5's file is read right after each run, outside the timing (collect.py --digest:
# the header, the rows, and a checksum of the rows with every number rewritten in one form), then deleted; the
# header, row count and checksum must equal yieldpipe's.
set -euo pipefail
cd "$(dirname "$0")/../.."

repetitions=${REPETITIONS:-3}
size_mb=${SIZE:-700}
log_mb=${LOG_SIZE:-250}
log_files=${LOG_FILES:-4}
large_mb=${LARGE_SIZE:-$((10 * size_mb))}
seed=${SEED:-42}
data_dir=${DATA_DIR:-bench/results/cli-data}
results=bench/results  # ignored by git
tasks=" ${TASKS:-t1 t2 t3 t4 t4b t4m t5} "
peers=" ${PEERS:-python pandas duckdb polars mlr mawk grep rg} "
yieldpipe=${YIELDPIPE:-build/release/yieldpipe}
mkdir -p "$results" "$data_dir"

# --- tools ------------------------------------------------------------------------------------------------------
# shellcheck source=bench/common.sh
source bench/common.sh
bench_install_missing cli time util-linux miller ripgrep python3-pandas mawk grep coreutils
bench_node_peers cli
if ! "$yieldpipe" --version >/dev/null 2>&1; then
  echo "cli: $yieldpipe is missing: build the release preset (or give YIELDPIPE=...)" >&2
  exit 1
fi
version=$("$yieldpipe" --version)
cores=$(nproc)

# Which commands take --threads (every one will; until then, one without it runs at its default in the one-thread
# column too, and the results say so).
declare -A threads_flag threads_help
for cmd in stats logs anomalies filter; do
  help=$("$yieldpipe" "$cmd" --help 2>&1 || true)  # whole, not piped to grep -q (SIGPIPE under pipefail)
  if [[ $help == *--threads* ]]; then
    threads_flag[$cmd]=yes
    threads_help[$cmd]=$(grep -m1 -- --threads <<<"$help" | sed 's/^ *//; s/  */ /g')
  else
    threads_flag[$cmd]=no
    echo "cli: warning: \`$yieldpipe $cmd --help\` does not mention --threads: its one-thread entry runs without" \
      "the flag (at its default)" >&2
  fi
done

# --- data -------------------------------------------------------------------------------------------------------
# generate KIND FILE ARGS...: `yieldpipe gen KIND ARGS... -o FILE`, unless FILE was made by the same command line
# and the same yieldpipe (its .stamp says so).
generate() {
  local kind=$1 file=$2
  shift 2
  local stamp="yieldpipe gen $kind $*; $version"
  if [[ ! -f $file || "$(cat "$file.stamp" 2>/dev/null)" != "$stamp" ]]; then
    echo "cli: yieldpipe gen $kind $* -o $file"
    rm -f "$file.stamp"
    "$yieldpipe" gen "$kind" "$@" -o "$file"
    echo "$stamp" >"$file.stamp"
  fi
}
csv=$data_dir/sensors.csv
generate sensors "$csv" --size "${size_mb}MB" --seed "$seed"
logs=()
for ((i = 1; i <= log_files; i++)); do
  logs+=("$data_dir/app-$i.log")
  generate logs "$data_dir/app-$i.log" --size "${log_mb}MB" --seed "$i"
done
csv_bytes=$(stat -c %s "$csv")
csv_lines=$(wc -l <"$csv")
log_bytes=$(cat "${logs[@]}" | wc -c)
log_lines=$(cat "${logs[@]}" | wc -l)

# --- the runs ---------------------------------------------------------------------------------------------------
# One line per command in $manifest: name, kind (yieldpipe or peer), task, output format (json, csv, uniq-c,
# csv-file; see bench/cli/collect.py), input bytes (the MB/s basis), the inputs (space-separated), the command.
work=$(mktemp -d "${TMPDIR:-/tmp}/yieldpipe-cli.XXXXXX")
t5_out=$data_dir/t5-out  # beside the data, not in TMPDIR: a T5 output is about a quarter of the sensors file
rm -rf "$t5_out"
mkdir -p "$t5_out"
trap 'rm -rf "$work" "$t5_out"' EXIT
manifest=$work/manifest.tsv
: >"$manifest"
# entry NAME KIND TASK FORMAT COMMAND...: one command; a word {OUT} in it is the file it writes
# ($t5_out/NAME.csv, the csv-file format).
entry() {
  local name=$1 kind=$2 task=$3 format=$4
  shift 4
  [[ $tasks == *" $task "* ]] || return 0
  [[ $kind == yieldpipe || $peers == *" ${name%%-*} "* ]] || return 0
  local words=("${@//\{OUT\}/$t5_out/$name.csv}")
  if [[ $task == t2 ]]; then
    bench_entry "$manifest" 6 "$name" "$kind" "$task" "$format" "$log_bytes" "${logs[*]}" "${words[@]}"
  else
    bench_entry "$manifest" 6 "$name" "$kind" "$task" "$format" "$csv_bytes" "$csv" "${words[@]}"
  fi
}
# yieldpipe_entries TASK FORMAT COMMAND ARGS...: yieldpipe-TASK, `yieldpipe COMMAND ARGS... --threads 1` (without
# the flag when COMMAND does not take it yet), and yieldpipe-default-TASK, `yieldpipe COMMAND ARGS...` (its default
# thread count). bench/cli/collect.py takes yieldpipe-TASK's answer as the one every other must equal.
yieldpipe_entries() {
  local task=$1 format=$2 command=$3
  shift 3
  local one=(--threads 1)
  [[ ${threads_flag[$command]} == yes ]] || one=()
  entry "yieldpipe-$task" yieldpipe "$task" "$format" "$yieldpipe" "$command" "$@" "${one[@]}"
  entry "yieldpipe-default-$task" yieldpipe "$task" "$format" "$yieldpipe" "$command" "$@"
}
# node_entries TOOL TASK FORMAT SCRIPT ARGS...: TOOL-TASK, `node SCRIPT ARGS... threads=1`, and TOOL-default-TASK,
# `node SCRIPT ARGS... threads=default` (DuckDB and Polars at their own default thread count: see the scripts).
node_entries() {
  local tool=$1 task=$2 format=$3
  shift 3
  entry "$tool-$task" peer "$task" "$format" node "$@" threads=1
  entry "$tool-default-$task" peer "$task" "$format" node "$@" threads=default
}
# After each run of a T4, T4' or T5 command: its file digested (collect.py --digest appends one line of JSON to its stdout
# file, which is what collect.py later reads as its answer), then deleted.
bench_after_run() {
  local name=$1 out=$3
  [[ $name == *-t4 || $name == *-t4b || $name == *-t4m || $name == *-t5 ]] || return 0
  local file=$t5_out/$name.csv
  if [[ ! -f $file ]]; then
    echo "cli: $name wrote no $file" >&2
    exit 1
  fi
  python3 bench/cli/collect.py --digest "$file" >>"$out"
  rm -f "$file"
}

t1_where='status == "active" and quality_score >= 0.8 and -50 <= temperature <= 100'
t1_where+=' and humidity is not null and 0 <= humidity <= 100'
t1_agg=count,mean:value,min:value,max:value

# T1
yieldpipe_entries t1 csv stats "$csv" --where "$t1_where" --by category --agg "$t1_agg"
entry python-t1 peer t1 json python3 bench/cli/peer_python.py t1 "$csv"
entry pandas-t1 peer t1 json /usr/bin/python3 bench/cli/peer_pandas.py t1 "$csv"
node_entries duckdb t1 json bench/cli/peer_duckdb.mjs t1 "$csv"
node_entries polars t1 json bench/cli/peer_polars.mjs t1 "$csv" in-memory
node_entries polars-streaming t1 json bench/cli/peer_polars.mjs t1 "$csv" streaming
t1_mlr_filter='$status == "active" && $quality_score >= 0.8 && $temperature >= -50 && $temperature <= 100'
t1_mlr_filter+=' && is_not_empty($humidity) && $humidity >= 0 && $humidity <= 100'
entry mlr-t1 peer t1 csv mlr --icsv --ocsv filter "$t1_mlr_filter" then stats1 -a count,mean,min,max -f value \
  -g category then rename value_count,count,value_mean,mean_value,value_min,min_value,value_max,max_value "$csv"
entry mawk-t1 peer t1 json mawk -f bench/cli/peer_mawk_t1.awk "$csv"

# T2
yieldpipe_entries t2 csv logs "${logs[@]}" --level ERROR,CRITICAL --by hour,level
entry python-t2 peer t2 json python3 bench/cli/peer_python.py t2 "${logs[@]}"
entry pandas-t2 peer t2 json /usr/bin/python3 bench/cli/peer_pandas.py t2 "${logs[@]}"
node_entries duckdb t2 json bench/cli/peer_duckdb.mjs t2 "${logs[@]}"
node_entries polars t2 json bench/cli/peer_polars.mjs t2 "${logs[@]}" in-memory
node_entries polars-streaming t2 json bench/cli/peer_polars.mjs t2 "${logs[@]}" streaming
entry mlr-t2 peer t2 csv mlr --inidx --ifs ' ' --ocsv filter '$3 == "ERROR" || $3 == "CRITICAL"' \
  then put -q 'emit1 {"hour": $1 . " " . substr0($2, 0, 1) . ":00", "level": $3}' \
  then count -g hour,level "${logs[@]}"
entry mawk-t2 peer t2 json mawk -f bench/cli/peer_mawk_t2.awk "${logs[@]}"
# The level is the third field, after a timestamp of fixed width: the patterns are anchored on it (a bare
# `grep ERROR` also counts the INFO lines whose message mentions ERROR). The C locale for byte-wise matching and
# sorting; rg with one thread, as the other single-threaded peers.
grep_t2='LC_ALL=C grep -hoE "^[0-9-]{10} [0-9:]{8} (ERROR|CRITICAL) " "$@"'
grep_t2+=' | cut -c1-13,20- | LC_ALL=C sort | uniq -c'
entry grep-t2 peer t2 uniq-c bash -c "$grep_t2" grep "${logs[@]}"
rg_t2='rg -j1 --no-filename -o -r "\$1 \$2" "^(\d{4}-\d{2}-\d{2} \d{2}):\d{2}:\d{2} (ERROR|CRITICAL) " "$@"'
rg_t2+=' | LC_ALL=C sort | uniq -c'
entry rg-t2 peer t2 uniq-c bash -c "$rg_t2" rg "${logs[@]}"

# T3
yieldpipe_entries t3 csv anomalies "$csv" --column value --key sensor --window 100 --threshold 2.5 --by category
entry python-t3 peer t3 json python3 bench/cli/peer_python.py t3 "$csv"
entry pandas-t3 peer t3 json /usr/bin/python3 bench/cli/peer_pandas.py t3 "$csv"
node_entries duckdb t3 json bench/cli/peer_duckdb.mjs t3 "$csv"
node_entries polars t3 json bench/cli/peer_polars.mjs t3 "$csv" in-memory
node_entries polars-streaming t3 json bench/cli/peer_polars.mjs t3 "$csv" streaming
entry mlr-t3 peer t3 csv mlr --icsv --ocsv put -q -f bench/cli/peer_mlr_t3.mlr "$csv"
entry mawk-t3 peer t3 json mawk -f bench/cli/peer_mawk_t3.awk "$csv"

# T4 and T4': a group per row, the groups written sorted by key to a file ({OUT}), digested and deleted as T5's.
yieldpipe_entries t4 csv-file stats "$csv" --by id --agg count,mean:value -o '{OUT}'
node_entries duckdb t4 csv-file bench/cli/peer_duckdb.mjs t4 "$csv" '{OUT}'
node_entries polars t4 csv-file bench/cli/peer_polars.mjs t4 "$csv" '{OUT}' in-memory
yieldpipe_entries t4b csv-file stats "$csv" --by timestamp,sensor --agg count,mean:value -o '{OUT}'
node_entries duckdb t4b csv-file bench/cli/peer_duckdb.mjs t4b "$csv" '{OUT}'
node_entries polars t4b csv-file bench/cli/peer_polars.mjs t4b "$csv" '{OUT}' in-memory
yieldpipe_entries t4m csv-file stats "$csv" --by id --agg count,mean:value --max-memory 256MB -o '{OUT}'
node_entries duckdb t4m csv-file bench/cli/peer_duckdb.mjs t4m "$csv" '{OUT}'

# T5: the rows written to a file ({OUT}), which bench_after_run digests and deletes.
yieldpipe_entries t5 csv-file filter "$csv" --where 'value > 50' --select 'id,sensor,value,temp_f=temperature*1.8+32' \
  -o '{OUT}'
node_entries duckdb t5 csv-file bench/cli/peer_duckdb.mjs t5 "$csv" '{OUT}'
node_entries polars t5 csv-file bench/cli/peer_polars.mjs t5 "$csv" '{OUT}' in-memory
node_entries polars-streaming t5 csv-file bench/cli/peer_polars.mjs t5 "$csv" '{OUT}' streaming

export POLARS_MAX_THREADS=1  # the one-thread entries; peer_polars.mjs removes it for threads=default
bench_warm_cache cli "$csv" "${logs[@]}"

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_samples=$work/load.txt
(while :; do cut -d' ' -f1 /proc/loadavg >>"$load_samples"; sleep 10; done) &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true; rm -rf "$work" "$t5_out"' EXIT
runs=$work/runs.tsv
: >"$runs"
bench_rounds cli "$repetitions" "$manifest" "$runs" "$work"

# --- yieldpipe on a ten times larger input ------------------------------------------------------------------------
# Streamed from the generator through a pipe, so no file of that size is needed; /usr/bin/time measures
# `yieldpipe stats` alone (its CPU time and peak RSS; the wall time is the pipeline's, bounded by the generator).
large=()
large_gen="yieldpipe gen sensors --size ${large_mb}MB --seed $seed"
if ((large_mb > 0)) && [[ $tasks == *" t1 "* ]]; then
  echo "cli: $large_gen | yieldpipe stats - ... (once)"
  t0=$EPOCHREALTIME
  "$yieldpipe" gen sensors --size "${large_mb}MB" --seed "$seed" |
    /usr/bin/time -v -o "$work/large.time" "$yieldpipe" stats - --where "$t1_where" --by category --agg "$t1_agg" \
      >"$work/large.out" 2>"$work/large.err" || { cat "$work/large.err" >&2; exit 1; }
  t1=$EPOCHREALTIME
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')
  echo "cli: $wall s"
  printf 'yieldpipe-t1-large\tlarge\tt1\tcsv\t%s\t-\t1\t%s\t%s\t%s\n' "$((large_mb * 1000000))" "$wall" \
    "$work/large.out" "$work/large.time" >"$work/large.tsv"
  large=(--large "$work/large.tsv")
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
load_max=$(sort -g "$load_samples" | tail -n 1)

# The data files and how they were made, for the report; which yieldpipe commands took --threads.
flags=$(for cmd in "${!threads_flag[@]}"; do printf '%s=%s ' "$cmd" "${threads_flag[$cmd]}"; done)
helps=$(for cmd in "${!threads_help[@]}"; do printf '%s\t%s\n' "$cmd" "${threads_help[$cmd]}"; done)
data=$(python3 - "$csv" "$csv_lines" "$size_mb" "$seed" "$log_mb" "$log_lines" "$large_gen" "$version" "$t5_out" \
  "$flags" "$helps" "${logs[@]}" <<'EOF'
import json, os, sys
csv, csv_lines, size_mb, seed, log_mb, log_lines, large_gen, version, t5_out, flags, helps, *logs = sys.argv[1:]
print(json.dumps({
    "sensors": {"path": csv, "bytes": os.path.getsize(csv), "lines": int(csv_lines),
                "generator": f"yieldpipe gen sensors --size {size_mb}MB --seed {seed}"},
    "logs": [{"path": f, "bytes": os.path.getsize(f)} for f in logs],
    "logs_generator": f"yieldpipe gen logs --size {log_mb}MB --seed 1..{len(logs)}",
    "log_bytes": sum(os.path.getsize(f) for f in logs), "log_lines": int(log_lines),
    "large_generator": large_gen, "yieldpipe": version, "t5_out": t5_out,
    "yieldpipe_threads_flag": {k: v == "yes" for k, v in (f.split("=") for f in flags.split())},
    "yieldpipe_threads_help": dict(line.split("\t", 1) for line in helps.splitlines() if line)}))
EOF
)
python3 bench/cli/collect.py --manifest "$manifest" --runs "$runs" "${large[@]}" --out "$results/cli.json" \
  --repetitions "$repetitions" --data "$data" --started "$started" --load-start "$load_start" \
  --load-end "$load_end" --load-max "$load_max" --nproc "$cores"
echo "cli: wrote $results/cli.json; python3 bench/report.py writes docs/PERFORMANCE.md from it"
