# shellcheck shell=bash
# What the benchmark scripts that compare yieldpipe with other tools (bench/io/run.sh, bench/cli/run.sh) share:
# installing the tools, warming the page cache, and running every command under /usr/bin/time -v in interleaved
# rounds. Sourced (not run) from the repository root, after `set -euo pipefail`. Every function takes the
# script's name first, as the prefix of its messages.

# bench_install_missing PREFIX PACKAGE...: installs, with apt-get (through sudo when not root), the Debian packages
# of the list that are not installed; does nothing, and touches no network, when all are.
bench_install_missing() {
  local prefix=$1 p
  shift
  local missing=()
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if ((${#missing[@]})); then
    echo "$prefix: installing ${missing[*]}"
    local sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# bench_node_peers PREFIX: Node (>= 20, for nodejs-polars) and npm, and DuckDB and Polars in bench/node/node_modules
# at the versions of bench/node/package-lock.json (`npm ci` when the lock file is newer than the modules). node and
# npm may come from elsewhere than Debian (NodeSource, nvm): Debian's are installed only when they are absent (and
# bookworm's Node 18 is then too old: the check below says so).
bench_node_peers() {
  local prefix=$1
  local packages=()
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
  if ((${#packages[@]})); then bench_install_missing "$prefix" "${packages[@]}"; fi
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  if ((node_major < 20)); then
    echo "$prefix: Node $(node --version) is too old: nodejs-polars needs Node >= 20" >&2
    exit 1
  fi
  if [[ ! -d bench/node/node_modules ]] || [[ bench/node/package-lock.json -nt bench/node/node_modules ]]; then
    echo "$prefix: npm ci in bench/node"
    (cd bench/node && npm ci --no-audit --no-fund --loglevel=error)
    touch bench/node/node_modules
  fi
}

# bench_warm_cache PREFIX FILE...: reads the files once, then warns about any that is less than 95% resident in
# the page cache (fincore), so that no measured run reads the disk.
bench_warm_cache() {
  local prefix=$1 f resident size
  shift
  echo "$prefix: warming the page cache"
  cat "$@" >/dev/null
  for f in "$@"; do
    resident=$(fincore -b -n -o RES "$f" | tr -d ' ')
    size=$(stat -c %s "$f")
    if ((resident * 100 < size * 95)); then
      echo "$prefix: warning: only $resident of $size bytes of $f are in the page cache (memory pressure?)" >&2
    fi
  done
}

# bench_entry MANIFEST N FIELD_1 ... FIELD_N COMMAND...: appends one line to MANIFEST: the N fields (the first is the
# command's name, unique), then the command, shell-quoted; all separated by tabs.
bench_entry() {
  local manifest=$1 n=$2
  shift 2
  local fields=("${@:1:n}")
  shift "$n"
  printf '%s\t' "${fields[@]}" >>"$manifest"
  printf '%s\n' "$(printf '%q ' "$@")" >>"$manifest"
}

# bench_rounds PREFIX REPETITIONS MANIFEST RUNS WORK: runs every command of MANIFEST (bench_entry's lines)
# REPETITIONS times, interleaved — round 1 runs each command once, then round 2, ... — so that a burst of load
# elsewhere hits all of them. Each runs with stdin from /dev/null, stdout to WORK/NAME.REP.out, stderr to
# WORK/NAME.REP.err, under `/usr/bin/time -v -o WORK/NAME.REP.time` (user and system CPU time, peak RSS: for a
# pipeline, its largest process), its wall time taken around it from $EPOCHREALTIME. Appends one line per run to
# RUNS: the manifest line's fields (without the command), the repetition, the wall seconds, the stdout file and
# the time file, tab-separated. A command that fails stops the script with its stderr. When the calling script
# defines a function bench_after_run, it is called after each run that succeeded, outside the timing, as
# `bench_after_run NAME REP STDOUT_FILE` (bench/cli/run.sh reads and deletes the file a command wrote there).
bench_rounds() {
  local prefix=$1 repetitions=$2 manifest=$3 runs=$4 work=$5
  local n_entries rep i line name fields command out timef t0 t1 wall status
  local cmd=()
  n_entries=$(wc -l <"$manifest")
  for ((rep = 1; rep <= repetitions; rep++)); do
    i=0
    while IFS= read -r line; do
      i=$((i + 1))
      name=${line%%$'\t'*}
      fields=${line%$'\t'*}
      command=${line##*$'\t'}
      eval "cmd=($command)"
      out=$work/$name.$rep.out
      timef=$work/$name.$rep.time
      printf '%s: round %d/%d, %2d/%d %-28s' "$prefix" "$rep" "$repetitions" "$i" "$n_entries" "$name"
      t0=$EPOCHREALTIME
      status=0
      /usr/bin/time -v -o "$timef" "${cmd[@]}" >"$out" 2>"$work/$name.$rep.err" </dev/null || status=$?
      t1=$EPOCHREALTIME
      wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')
      printf ' %8.3f s\n' "$wall"
      if ((status != 0)); then
        echo "$prefix: $name failed (exit $status): ${cmd[*]}" >&2
        cat "$work/$name.$rep.err" >&2
        exit 1
      fi
      if declare -F bench_after_run >/dev/null; then bench_after_run "$name" "$rep" "$out" </dev/null; fi
      printf '%s\t%s\t%s\t%s\t%s\n' "$fields" "$rep" "$wall" "$out" "$timef" >>"$runs"
    done <"$manifest"
  done
}
