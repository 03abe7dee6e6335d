#!/usr/bin/env bash
# Reproduction of a fault found by bench/db/load_bench.sh's work (2026-12-08): PostgreSQL restarted while
# `yieldpipe load` reads its first batch, before its first statement. The load should reconnect with backoff,
# as it does when the restart comes later; it exits 1 instead:
#
#   yieldpipe load: postgresql:///postgres?...: read the columns of "readings": FATAL:  terminating connection due
#   to administrator command ...
#
# (table_loader::load calls plan_batch, whose columns_of is the first statement, outside run_batch's retry loop.)
#
#   bash bench/db/restart_first_batch.sh [TRIES]        # exit 0 when every try loads every row once
#
# Each try: a fresh table; `yieldpipe load FILE --into URI --table readings --batch 300000` (so that the first
# batch takes a few tenths of a second to read); `pg_ctl restart -m fast` 0.15 s after the start; then the exit
# status and the table (count(*), count(*) - count(DISTINCT id)) against the file's row count.
# Environment: YIELDPIPE (default build/release/yieldpipe), CSV (default: `yieldpipe gen sensors --size 50MB
# --seed 42`, cached as load_bench.sh caches it, in DATA_DIR, default ${TMPDIR:-/tmp}/yieldpipe-db-data).
set -euo pipefail
cd "$(dirname "$0")/../.."
name=restart_first_batch
YIELDPIPE=$(realpath "${YIELDPIPE:-build/release/yieldpipe}")
tries=${1:-3}
DATA_DIR=${DATA_DIR:-${TMPDIR:-/tmp}/yieldpipe-db-data}
csv=${CSV:-$DATA_DIR/sensors-50MB.csv}
if [[ -z ${CSV:-} ]]; then
  mkdir -p "$DATA_DIR"
  stamp="yieldpipe gen sensors --size 50MB --seed 42; $("$YIELDPIPE" --version)"
  if [[ ! -f $csv || "$(cat "$csv.stamp" 2>/dev/null)" != "$stamp" ]]; then
    "$YIELDPIPE" gen sensors --size 50MB --seed 42 -o "$csv"
    echo "$stamp" >"$csv.stamp"
  fi
fi
rows=$(($(wc -l <"$csv") - 1))
bindir=$(pg_config --bindir 2>/dev/null || find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -n 1)
as_server=()
[[ $(id -u) -eq 0 ]] && as_server=(runuser -u postgres --)

work=$(mktemp -d "${TMPDIR:-/tmp}/yieldpipe-restart.XXXXXX")
chmod 755 "$work"
trap 'bash scripts/postgres_cluster.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
uri=$(bash scripts/postgres_cluster.sh start "$work/pg")
home=$work/pg
[[ -f $work/pg/home ]] && home=$(cat "$work/pg/home")

failures=0
for ((i = 1; i <= tries; i++)); do
  psql "$uri" -q -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS readings" \
    -c "DROP TABLE IF EXISTS yieldpipe_load_state"
  "$YIELDPIPE" load "$csv" --into "$uri" --table readings --batch 300000 --no-progress >"$work/load.log" 2>&1 &
  pid=$!
  sleep 0.15
  (cd "$home" && "${as_server[@]}" "$bindir/pg_ctl" -D "$home/data" -l "$home/server.log" -m fast -w restart \
    >/dev/null)
  status=0
  wait "$pid" || status=$?
  table=$(psql "$uri" -Atc "SELECT count(*) || ' rows, ' || (count(*) - count(DISTINCT id)) || ' duplicate ids'
    FROM readings" 2>/dev/null || echo "no table")
  echo "$name: try $i: exit $status; $table (the file: $rows rows)"
  if [[ $status != 0 || $table != "$rows rows, 0 duplicate ids" ]]; then
    failures=$((failures + 1))
    grep -v "connecting again" "$work/load.log" | tail -n 1 | cut -c1-300
  fi
done
echo "$name: $failures of $tries tries failed"
((failures == 0))
