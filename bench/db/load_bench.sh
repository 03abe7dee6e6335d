#!/usr/bin/env bash
# The load benchmark: `yieldpipe load` into SQLite and PostgreSQL against the databases' own bulk loaders, and the
# exactly-once bars of --resume (kill -9) and of a PostgreSQL restart mid-load.
#
#   bash bench/db/load_bench.sh                          # 700 MB of sensor readings, 3 rounds (an hour or so)
#   SIZE=50 KILL_SIZE=20 KILLS=3 bash bench/db/load_bench.sh   # a smoke run
#
# 1. Speed, on `yieldpipe gen sensors --size ${SIZE}MB --seed $SEED` (cached in DATA_DIR with a .stamp, like
#    bench/cli/run.sh's data), REPETITIONS interleaved rounds (best wall time, largest peak RSS):
#    - SQLite: `yieldpipe load FILE --into sqlite:DB --table readings` against `sqlite3 DB ".import --csv FILE
#      readings"` (a fresh database file each time; .import makes every column TEXT, yieldpipe infers INTEGER /
#      REAL / TEXT); both tables must have the file's row count.
#    - PostgreSQL (a throwaway cluster, scripts/postgres_cluster.sh, stopped on exit): `yieldpipe load FILE --into
#      URI --table readings` into a fresh database against `psql URI -c "\copy readings FROM 'FILE' WITH (FORMAT
#      csv, HEADER true)"` into a fresh database where the table was made first (outside the timing) with the
#      column types yieldpipe inferred (read from yieldpipe's table); both must have the file's row count.
#    Wall time from $EPOCHREALTIME; peak RSS and CPU time of the client from /usr/bin/time (the server's work is
#    not in the client's CPU time; it is in the wall time of both sides alike).
# 2. Resume (--resume after kill -9), on a KILL_SIZE MB file, for each database: KILLS trials; each starts a fresh
#    load, kills it with SIGKILL after a random sleep between 0.2 s and the load's duration (measured first, one
#    uninterrupted load), then runs `--resume` until one exits 0; a resume is itself killed, at random, with
#    probability 1/2 up to RESUME_KILLS times per trial. (When no batch had committed, there is nothing to resume:
#    the load is started again without --resume; counted.) After each trial the table is exported and compared
#    with the source by bench/db/table_digest.py (rows, a multiset digest of all values, Σ id, duplicate, missing
#    and extra ids, non-NULL counts per column), and `count(*) - count(distinct id)` is asked from the database.
# 3. Restart: RESTART_TRIALS loads of the KILL_SIZE file into PostgreSQL, each with RESTARTS `pg_ctl restart -m
#    fast` at random points while it runs; the load must end by itself with exit 0 (it reconnects with backoff) and
#    the table must equal the source (as in 2).
# Every command runs under nice (the script re-runs itself under `nice -n 10`, the cluster included).
#
# Writes bench/results/db_load.json (ignored by git) and docs/PERFORMANCE.md's section through
# `bench/report.py --only db_load`. Fails (exit 1) when a check does not hold, after writing both: the failing
# trial's commands and random sleeps are in the JSON file (and its work directory is kept, KEEP_WORK=1 keeps it
# always).
#
# Environment:
#   YIELDPIPE       the command (default build/release/yieldpipe; not built here). In a shared tree give a copy.
#   SIZE            MB (10^6 bytes) of sensor readings for the speed runs (default 700); LOAD_CSV=FILE uses a given
#                   sensors CSV instead.
#   KILL_SIZE       MB of the file of the resume and restart trials (default 50).
#   SEED            the generator's seed (default 42); KILL_SEED seeds bash's RANDOM (default 1) for the sleeps.
#   DATA_DIR        where the data files go (default ${TMPDIR:-/tmp}/yieldpipe-db-data).
#   REPETITIONS     rounds of the speed runs (default 3).
#   KILLS           kill -9 of a load per database (default 20); RESUME_KILLS (default 2).
#   RESTART_TRIALS  (default 3), RESTARTS per trial (default 2).
#   PARTS           what to run (default "speed resume restart").
#   BATCH           --batch of yieldpipe load (default: the command's own default).
#   RESULTS_DIR     where db_load.json goes (default bench/results); REPORT_OUT the Markdown file whose section is
#                   rewritten (default docs/PERFORMANCE.md; none: no report), e.g. for a stress run of one part.
#   COMMIT          the commit to name in the results (default: HEAD at the start, with the files of src/ and
#                   include/ that had uncommitted changes).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z ${LOAD_BENCH_NICED:-} ]]; then
  export LOAD_BENCH_NICED=1
  exec nice -n 10 bash "$0" "$@"
fi

name=load_bench
YIELDPIPE=${YIELDPIPE:-build/release/yieldpipe}
SIZE=${SIZE:-700}
KILL_SIZE=${KILL_SIZE:-50}
SEED=${SEED:-42}
RANDOM=${KILL_SEED:-1}
DATA_DIR=${DATA_DIR:-${TMPDIR:-/tmp}/yieldpipe-db-data}
REPETITIONS=${REPETITIONS:-3}
KILLS=${KILLS:-20}
RESUME_KILLS=${RESUME_KILLS:-2}
RESTART_TRIALS=${RESTART_TRIALS:-3}
RESTARTS=${RESTARTS:-2}
PARTS=${PARTS:-"speed resume restart"}
BATCH=${BATCH:-}
PYTHON=/usr/bin/python3
RESULTS_DIR=${RESULTS_DIR:-bench/results}
RESULTS=$RESULTS_DIR/db_load.json
REPORT_OUT=${REPORT_OUT:-docs/PERFORMANCE.md}
batch_args=()
[[ -n $BATCH ]] && batch_args=(--batch "$BATCH")

[[ -x $YIELDPIPE ]] || {
  echo "$name: $YIELDPIPE is not built (cmake --build build/release --target yieldpipe_cli)" >&2
  exit 1
}
YIELDPIPE=$(realpath "$YIELDPIPE")
for tool in sqlite3 psql /usr/bin/time; do
  command -v "$tool" >/dev/null || {
    echo "$name: $tool is missing (apt-get install sqlite3 postgresql-client time)" >&2
    exit 1
  }
done
pg_bindir=${PG_BINDIR:-}
if [[ -z $pg_bindir ]]; then
  if command -v pg_config >/dev/null && [[ -x $(pg_config --bindir)/pg_ctl ]]; then
    pg_bindir=$(pg_config --bindir)
  else
    pg_bindir=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  fi
fi
as_server=()
[[ $(id -u) -eq 0 ]] && as_server=(runuser -u postgres --)

mkdir -p "$DATA_DIR" "$RESULTS_DIR"
# The commit at the start (the binary is the caller's: say so when src/ or include/ had uncommitted changes then).
commit=${COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
if [[ -z ${COMMIT:-} && -n $(git status --porcelain -- src include 2>/dev/null) ]]; then
  commit="$commit + uncommitted changes in $(git status --porcelain -- src include | awk '{ print $2 }' | paste -sd ' ')"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/yieldpipe-db-load.XXXXXX")
chmod 755 "$work"
failed=0
cleanup() {
  bash scripts/postgres_cluster.sh stop "$work/pg" >/dev/null 2>&1 || true
  if [[ $failed == 0 && -z ${KEEP_WORK:-} ]]; then
    rm -rf "$work"
  else
    echo "$name: work directory kept: $work" >&2
  fi
}
trap cleanup EXIT

# --- data ----------------------------------------------------------------------------------------------------------
version=$("$YIELDPIPE" --version)
generate() {  # generate FILE ARGS...: `yieldpipe gen sensors ARGS -o FILE` unless its .stamp says it is made already
  local file=$1
  shift
  local stamp="yieldpipe gen sensors $*; $version"
  if [[ ! -f $file || "$(cat "$file.stamp" 2>/dev/null)" != "$stamp" ]]; then
    echo "$name: yieldpipe gen sensors $* -o $file"
    rm -f "$file.stamp"
    "$YIELDPIPE" gen sensors "$@" -o "$file"
    echo "$stamp" >"$file.stamp"
  fi
}
if [[ -n ${LOAD_CSV:-} ]]; then
  csv=$LOAD_CSV
  generator="(given: LOAD_CSV=$LOAD_CSV)"
else
  csv=$DATA_DIR/sensors-${SIZE}MB.csv
  generator="yieldpipe gen sensors --size ${SIZE}MB --seed $SEED"
  [[ " $PARTS " == *" speed "* ]] && generate "$csv" --size "${SIZE}MB" --seed "$SEED"
fi
kill_csv=$DATA_DIR/sensors-${KILL_SIZE}MB.csv
kill_generator="yieldpipe gen sensors --size ${KILL_SIZE}MB --seed $SEED"
[[ " $PARTS " == *" resume "* || " $PARTS " == *" restart "* ]] && generate "$kill_csv" --size "${KILL_SIZE}MB" --seed "$SEED"

# rows_of FILE: data rows of a sensors CSV (no field of it holds a line break).
rows_of() { echo $(($(wc -l <"$1") - 1)); }

# --- PostgreSQL ----------------------------------------------------------------------------------------------------
echo "$name: starting a PostgreSQL cluster (scripts/postgres_cluster.sh start $work/pg)"
uri=$(bash scripts/postgres_cluster.sh start "$work/pg")
pg_home=$work/pg
[[ -f $work/pg/home ]] && pg_home=$(cat "$work/pg/home")
uri_of() { echo "${uri/:\/\/\/postgres\?/:\/\/\/$1?}"; }  # the URI of database $1
fresh_db() {                                         # fresh_db NAME: drop and create database NAME
  PGOPTIONS="-c client_min_messages=warning" psql "$uri" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" \
    -c "CREATE DATABASE $1" >/dev/null
}
pg_restart() {
  (cd "$pg_home" && "${as_server[@]}" "$pg_bindir/pg_ctl" -D "$pg_home/data" -l "$pg_home/server.log" -m fast -w \
    -t 60 restart >/dev/null)
}

# --- speed ---------------------------------------------------------------------------------------------------------
# measure KEY COMMAND...: runs COMMAND (stdout/stderr to $work/KEY.out/.err); appends "wall_s rss_kib user_s sys_s"
# to $work/KEY.times.
measure() {
  local key=$1
  shift
  local start end
  start=$EPOCHREALTIME
  /usr/bin/time -f "%M %U %S" -o "$work/time" "$@" >"$work/$key.out" 2>"$work/$key.err" || {
    echo "$name: $key failed:" >&2
    tail -n 5 "$work/$key.err" >&2
    return 1
  }
  end=$EPOCHREALTIME
  echo "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", e - s }') $(tail -n 1 "$work/time")" \
    >>"$work/$key.times"
}
check_count() {  # check_count WHAT GOT WANT
  if [[ $2 != "$3" ]]; then
    echo "$name: $1 has $2 rows, the file $3" >&2
    echo "$1 $2 $3" >>"$work/count_mismatch"
  fi
}

if [[ " $PARTS " == *" speed "* ]]; then
  echo "$name: counting the rows of $csv"
  cat "$csv" >/dev/null
  rows=$(rows_of "$csv")
  echo "$rows" >"$work/speed.rows"
  yp_db=$(uri_of bench_yp)
  psql_db=$(uri_of bench_psql)
  for ((round = 1; round <= REPETITIONS; round++)); do
    echo "$name: speed round $round of $REPETITIONS ($rows rows)"
    rm -f "$work"/sq-*.db*
    measure sqlite-yieldpipe "$YIELDPIPE" load "$csv" --into "sqlite:$work/sq-yp.db" --table readings \
      "${batch_args[@]}" --no-progress
    check_count "SQLite (yieldpipe)" "$(sqlite3 "$work/sq-yp.db" 'SELECT count(*) FROM readings')" "$rows"
    measure sqlite-sqlite3 sqlite3 "$work/sq-peer.db" ".import --csv $csv readings"
    check_count "SQLite (sqlite3 .import)" "$(sqlite3 "$work/sq-peer.db" 'SELECT count(*) FROM readings')" "$rows"
    rm -f "$work"/sq-*.db*
    fresh_db bench_yp
    measure postgresql-yieldpipe "$YIELDPIPE" load "$csv" --into "$yp_db" --table readings "${batch_args[@]}" \
      --no-progress
    check_count "PostgreSQL (yieldpipe)" "$(psql "$yp_db" -Atc 'SELECT count(*) FROM readings')" "$rows"
    columns=$(psql "$yp_db" -Atc "SELECT string_agg(format('%I %s', column_name, data_type), ', ' ORDER BY
      ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'readings'")
    echo "$columns" >"$work/pg.columns"
    fresh_db bench_psql
    psql "$psql_db" -q -v ON_ERROR_STOP=1 -c "CREATE TABLE readings ($columns)"
    measure postgresql-psql psql "$psql_db" -v ON_ERROR_STOP=1 \
      -c "\\copy readings FROM '$csv' WITH (FORMAT csv, HEADER true)"
    check_count "PostgreSQL (psql \\copy)" "$(psql "$psql_db" -Atc 'SELECT count(*) FROM readings')" "$rows"
    psql "$uri" -q -c "DROP DATABASE bench_yp WITH (FORCE)" -c "DROP DATABASE bench_psql WITH (FORCE)"
  done
fi

# --- resume and restart --------------------------------------------------------------------------------------------
# The target of a trial: "sqlite" (the file $work/kill.db) or "postgresql" (the database bench_kill).
target_of() { if [[ $1 == sqlite ]]; then echo "sqlite:$work/kill.db"; else uri_of bench_kill; fi; }
reset_target() {
  if [[ $1 == sqlite ]]; then rm -f "$work"/kill.db*; else fresh_db bench_kill; fi
}
# verify DB TAG: exports the table, compares it with the source (table_digest.py), asks the database for the
# duplicate ids; appends one JSON line to $work/DB.TAG.checks; returns 1 when the table is not the source.
verify() {
  local db=$1 tag=$2 dup
  if [[ $db == sqlite ]]; then
    sqlite3 -csv -header "$work/kill.db" "SELECT * FROM readings" >"$work/export.csv"
    dup=$(sqlite3 "$work/kill.db" "SELECT count(*) - count(DISTINCT id) FROM readings")
  else
    psql "$(uri_of bench_kill)" -Atc "COPY (SELECT * FROM readings) TO STDOUT WITH (FORMAT csv, HEADER true)" \
      >"$work/export.csv"
    dup=$(psql "$(uri_of bench_kill)" -Atc "SELECT count(*) - count(DISTINCT id) FROM readings")
  fi
  local rc=0 line
  line=$($PYTHON bench/db/table_digest.py "$kill_csv" "$work/export.csv") || rc=1
  [[ $dup == 0 ]] || rc=1
  echo "{\"tag\": \"$tag\", \"sql_duplicate_ids\": $dup, \"check\": $line}" >>"$work/$db.checks"
  rm -f "$work/export.csv"
  return $rc
}
# sleep_between VAR LOW HIGH: sets VAR to a random duration in [LOW, HIGH] seconds, 3 decimals. RANDOM is read
# here, in the script's shell (a $(...) subshell reseeds it), so that KILL_SEED gives the same sleeps again.
sleep_between() {
  local r=$RANDOM
  printf -v "$1" '%s' "$(awk -v r="$r" -v lo="$2" -v hi="$3" \
    'BEGIN { if (hi < lo) hi = lo; printf "%.3f", lo + r / 32767 * (hi - lo) }')"
}
# run_maybe_killed LOG DELAY COMMAND...: runs COMMAND in the background; kills it with SIGKILL after DELAY seconds
# (none when DELAY is empty) if it is still running. Sets `status` (its exit status) and `killed` (1 or 0).
run_maybe_killed() {
  local log=$1 delay=$2
  shift 2
  "$@" >>"$log" 2>&1 &
  local pid=$!
  killed=0
  if [[ -n $delay ]]; then
    sleep "$delay"
    if kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null; then killed=1; fi
  fi
  status=0
  wait "$pid" 2>/dev/null || status=$?
  if ((killed == 1 && status != 137)); then killed=0; fi  # it ended by itself between the check and the kill
}

resume_trials() {
  local db=$1 target dur start end trial=0 kills=0 resume_kills=0 restarts_plain=0 resumes=0 finished_early=0
  target=$(target_of "$db")
  local load=("$YIELDPIPE" load "$kill_csv" --into "$target" --table readings "${batch_args[@]}" --no-progress)
  reset_target "$db"
  start=$EPOCHREALTIME
  "${load[@]}" >"$work/$db.baseline.log" 2>&1
  end=$EPOCHREALTIME
  dur=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
  echo "$name: resume ($db): an uninterrupted load of $kill_csv takes $dur s; $KILLS kills"
  verify "$db" baseline || failed=1
  : >"$work/$db.trials"
  while ((kills < KILLS && trial < 3 * KILLS)); do
    trial=$((trial + 1))
    reset_target "$db"
    local log=$work/$db.trial-$trial.log delay steps=()
    : >"$log"
    sleep_between delay 0.2 "$dur"
    run_maybe_killed "$log" "$delay" "${load[@]}"
    if ((killed == 0)); then
      finished_early=$((finished_early + 1))
      steps+=("load finished (exit $status) before the kill at ${delay}s")
      [[ $status == 0 ]] || { echo "$name: $db trial $trial: the load failed by itself (exit $status)" >&2; failed=1; }
    else
      kills=$((kills + 1))
      steps+=("load killed at ${delay}s")
      local done_=0 tries=0
      while ((done_ == 0 && tries < 20)); do
        tries=$((tries + 1))
        local cmd=("${load[@]}" --resume) rdelay=""
        if ((resume_kills_this < RESUME_KILLS)) && ((RANDOM % 2 == 0)); then
          sleep_between rdelay 0.2 "$dur"
        fi
        local before
        before=$(wc -c <"$log")
        run_maybe_killed "$log" "$rdelay" "${cmd[@]}"
        resumes=$((resumes + 1))
        if ((killed == 1)); then
          resume_kills=$((resume_kills + 1))
          resume_kills_this=$((resume_kills_this + 1))
          steps+=("--resume killed at ${rdelay}s")
        elif [[ $status == 0 ]]; then
          steps+=("--resume exit 0")
          done_=1
        elif tail -c +"$((before + 1))" "$log" | grep -q "nothing to resume"; then
          # No batch had committed: start again.
          restarts_plain=$((restarts_plain + 1))
          steps+=("nothing to resume: load again")
          run_maybe_killed "$log" "" "${load[@]}"
          [[ $status == 0 ]] && done_=1
          steps+=("load again: exit $status")
        else
          steps+=("--resume exit $status")
          echo "$name: $db trial $trial: --resume exited $status:" >&2
          tail -n 3 "$log" >&2
        fi
      done
      resume_kills_this=0
      ((done_ == 1)) || { echo "$name: $db trial $trial: the load never completed" >&2; failed=1; }
    fi
    local ok=true
    if ! verify "$db" "trial-$trial"; then
      ok=false
      failed=1
      echo "$name: $db trial $trial: THE TABLE IS NOT THE SOURCE: $(tail -n 1 "$work/$db.checks")" >&2
      cp "$log" "$work/FAILED-$db-trial-$trial.log"
      [[ $db == sqlite ]] && cp "$work/kill.db" "$work/FAILED-$db-trial-$trial.db"
    fi
    printf '%s\t%s\t%s\n' "$trial" "$ok" "$(IFS='; '; echo "${steps[*]}")" >>"$work/$db.trials"
  done
  echo "$dur $kills $resume_kills $resumes $restarts_plain $finished_early $trial" >"$work/$db.resume"
  echo "$name: resume ($db): $kills kills of the load, $resume_kills of a --resume, $trial trials," \
    "$(grep -c $'\ttrue\t' "$work/$db.trials") equal to the source"
}
resume_kills_this=0

if [[ " $PARTS " == *" resume "* ]]; then
  echo "$name: resume trials on $kill_csv ($(rows_of "$kill_csv") rows)"
  resume_trials sqlite
  resume_trials postgresql
fi

if [[ " $PARTS " == *" restart "* ]]; then
  target=$(uri_of bench_kill)
  load=("$YIELDPIPE" load "$kill_csv" --into "$target" --table readings "${batch_args[@]}" --no-progress)
  reset_target postgresql
  start=$EPOCHREALTIME
  "${load[@]}" >"$work/restart.baseline.log" 2>&1
  end=$EPOCHREALTIME
  dur=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
  echo "$name: restart: an uninterrupted load takes $dur s; $RESTART_TRIALS trials of $RESTARTS restarts"
  : >"$work/restart.trials"
  for ((trial = 1; trial <= RESTART_TRIALS; trial++)); do
    reset_target postgresql
    log=$work/restart-$trial.log
    : >"$log"
    start=$EPOCHREALTIME
    "${load[@]}" >>"$log" 2>&1 &
    pid=$!
    done_restarts=0 delays=()
    for ((r = 1; r <= RESTARTS; r++)); do
      sleep_between delay 0.2 "$(awk -v d="$dur" -v n="$RESTARTS" 'BEGIN { printf "%.3f", d / n }')"
      sleep "$delay"
      kill -0 "$pid" 2>/dev/null || break
      pg_restart
      done_restarts=$((done_restarts + 1))
      delays+=("$delay")
    done
    status=0
    wait "$pid" 2>/dev/null || status=$?
    end=$EPOCHREALTIME
    seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
    reconnects=$(grep -c "connecting again" "$log" || true)
    ok=true
    if [[ $status != 0 ]]; then
      ok=false failed=1
      echo "$name: restart trial $trial: the load exited $status:" >&2
      tail -n 3 "$log" >&2
    fi
    if ! verify postgresql "restart-$trial"; then
      ok=false failed=1
      echo "$name: restart trial $trial: THE TABLE IS NOT THE SOURCE: $(tail -n 1 "$work/postgresql.checks")" >&2
      cp "$log" "$work/FAILED-restart-$trial.log"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$trial" "$ok" "$status" "$done_restarts" "$reconnects" "$seconds" \
      "${delays[*]}" >>"$work/restart.trials"
    echo "$name: restart trial $trial: $done_restarts restarts, $reconnects reconnect waits, exit $status, $seconds s," \
      "table equal to the source: $ok"
  done
  echo "$dur" >"$work/restart.baseline"
fi

# --- results -------------------------------------------------------------------------------------------------------
server_version=$(psql "$uri" -Atc "SHOW server_version")
$PYTHON - "$work" "$RESULTS" <<EOF
import json, os, pathlib, platform, sys, time
work, results = pathlib.Path(sys.argv[1]), sys.argv[2]
env = dict(parts="$PARTS".split(), commit="$commit", yieldpipe="$version", sqlite3="$(sqlite3 --version | cut -d' ' -f1)",
           psql="$(psql --version)", server="PostgreSQL $server_version", repetitions=int("$REPETITIONS"),
           csv="$csv", generator="$generator", kill_csv="$kill_csv", kill_generator="$kill_generator",
           batch="${BATCH:-default}", kill_seed="${KILL_SEED:-1}")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
out = {"bench": "db_load", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "nproc": os.cpu_count(),
       "machine": f"{cpu}, {os.cpu_count()} logical CPUs, {mem / 1024 / 1024:.1f} GiB, Linux {platform.release()}",
       "load_avg_end": list(os.getloadavg()), **env}
if (work / "speed.rows").exists():
    rows = int((work / "speed.rows").read_text())
    out["speed"] = {"rows": rows, "bytes": os.path.getsize("$csv"), "tools": {}}
    for key in ("sqlite-yieldpipe", "sqlite-sqlite3", "postgresql-yieldpipe", "postgresql-psql"):
        p = work / f"{key}.times"
        if not p.exists():
            continue
        runs = [[float(x) for x in line.split()] for line in p.read_text().splitlines() if line.strip()]
        best = min(r[0] for r in runs)
        out["speed"]["tools"][key] = {
            "runs": [{"seconds": r[0], "rss_kib": int(r[1]), "cpu_s": round(r[2] + r[3], 2)} for r in runs],
            "seconds": best, "rows_per_s": rows / best, "mb_per_s": os.path.getsize("$csv") / 1e6 / best,
            "peak_rss_mib": max(r[1] for r in runs) / 1024, "cpu_s": min(r[2] + r[3] for r in runs)}
    mism = work / "count_mismatch"
    out["speed"]["counts_ok"] = not mism.exists()
    out["speed"]["count_mismatches"] = mism.read_text().splitlines() if mism.exists() else []
    cols = work / "pg.columns"
    out["speed"]["pg_columns"] = cols.read_text().strip() if cols.exists() else None
def checks(db):
    p = work / f"{db}.checks"
    return [json.loads(l) for l in p.read_text().splitlines()] if p.exists() else []
for db in ("sqlite", "postgresql"):
    p = work / f"{db}.resume"
    if not p.exists():
        continue
    dur, kills, rkills, resumes, plain, early, trials = p.read_text().split()
    tr = [l.split("\t") for l in (work / f"{db}.trials").read_text().splitlines()]
    cs = [c for c in checks(db) if c["tag"].startswith("trial-")]
    out.setdefault("resume", {})[db] = {
        "rows": int(next(c for c in checks(db) if c["tag"] == "baseline")["check"]["source_rows"]),
        "bytes": os.path.getsize("$kill_csv"), "load_seconds": float(dur), "kills": int(kills),
        "resume_kills": int(rkills), "resumes": int(resumes), "nothing_to_resume": int(plain),
        "finished_before_kill": int(early), "trials": int(trials),
        "trials_equal": sum(1 for t in tr if t[1] == "true"),
        "duplicate_ids": sum(c["check"]["duplicate_ids"] for c in cs),
        "sql_duplicate_ids": sum(int(c["sql_duplicate_ids"]) for c in cs),
        "missing_ids": sum(c["check"]["missing_ids"] for c in cs),
        "extra_ids": sum(c["check"]["extra_ids"] for c in cs),
        "failures": [{"trial": t[0], "steps": t[2]} for t in tr if t[1] != "true"],
        "steps": [t[2] for t in tr]}
p = work / "restart.trials"
if p.exists():
    tr = [l.split("\t") for l in p.read_text().splitlines()]
    cs = [c for c in checks("postgresql") if c["tag"].startswith("restart-")]
    out["restart"] = {
        "load_seconds": float((work / "restart.baseline").read_text()),
        "trials": [{"ok": t[1] == "true", "exit": int(t[2]), "restarts": int(t[3]), "reconnect_waits": int(t[4]),
                    "seconds": float(t[5]), "delays": t[6]} for t in tr],
        "duplicate_ids": sum(c["check"]["duplicate_ids"] for c in cs),
        "missing_ids": sum(c["check"]["missing_ids"] for c in cs),
        "tables_equal": sum(1 for c in cs if c["check"]["ok"] and c["sql_duplicate_ids"] == 0)}
out["ok"] = bool(int("$failed") == 0 and out.get("speed", {}).get("counts_ok", True))
pathlib.Path(results).write_text(json.dumps(out, indent=1) + "\n")
s = out.get("speed")
if s:
    print(f"{'database':<11} {'tool':<10} {'seconds':>8} {'rows/s':>10} {'MB/s':>7} {'RSS MiB':>8} {'CPU s':>7}")
    for key, t in s["tools"].items():
        db, tool = key.split("-")
        print(f"{db:<11} {tool:<10} {t['seconds']:>8.2f} {t['rows_per_s']:>10.0f} {t['mb_per_s']:>7.1f} "
              f"{t['peak_rss_mib']:>8.1f} {t['cpu_s']:>7.2f}")
EOF
[[ -f $work/count_mismatch ]] && failed=1
echo "$name: results written to $RESULTS"
if [[ $REPORT_OUT != none ]]; then
  python3 bench/report.py --only db_load --results "$RESULTS_DIR" --out "$REPORT_OUT"
  echo "$name: $REPORT_OUT's load section rewritten from this run"
fi
if [[ $failed != 0 ]]; then
  echo "$name: A CHECK FAILED (see above and $RESULTS)" >&2
  exit 1
fi
