#!/usr/bin/env bash
# An example that loads a table, run against PostgreSQL: the test cluster of the `postgres` fixture
# (tests/CMakeLists.txt), whose URI is in the file YIELDPIPE_TEST_POSTGRES names, given to the example
# as YIELDPIPE_EXAMPLE_DB. Its output must be its expected output, the same as with SQLite, and the
# cluster's table must hold the rows it loaded.
#
#   check_example_postgres.sh PYTHON CHECK_EXAMPLE BINARY EXPECTED TABLE ROWS
set -euo pipefail
[[ $# -eq 6 ]] || {
  echo "usage: $0 PYTHON CHECK_EXAMPLE BINARY EXPECTED TABLE ROWS" >&2
  exit 2
}
python=$1 check=$2 binary=$3 expected=$4 table=$5 rows=$6
uri=$(head -n 1 "${YIELDPIPE_TEST_POSTGRES:?the postgres fixture sets it}")

psql "$uri" -qtAX -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS $table"  # so the rows counted are this run's
YIELDPIPE_EXAMPLE_DB=$uri "$python" "$check" "$binary" "$expected"
count=$(psql "$uri" -qtAX -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM $table")
if [[ $count != "$rows" ]]; then
  echo "FAIL: the table $table holds $count rows in PostgreSQL, not $rows"
  exit 1
fi
echo "OK: the table $table holds $rows rows in PostgreSQL"
