# The command benchmark's mawk peer for t2 (bench/cli/run.sh):  mawk -f bench/cli/peer_mawk_t2.awk APP.log...
#
# Lines `2024-03-01 12:00:07 ERROR db.pool: ...`: the level is the third blank-separated field, so an INFO line
# whose message mentions ERROR is not counted. Counts the ERROR and CRITICAL lines per hour and level and prints
# one line of JSON with the answer as bench/cli/peer_python.py describes it.
$3 == "ERROR" || $3 == "CRITICAL" { count[$1 " " substr($2, 1, 2) ":00 " $3]++ }
END {
  printf "{\"tool\": \"mawk\", \"task\": \"t2\", \"answer\": {"
  sep = ""
  for (k in count) {
    printf "%s\"%s\": %d", sep, k, count[k]
    sep = ", "
  }
  printf "}, \"how\": \"blank-separated fields: the lines whose $3 (the level) is ERROR or CRITICAL counted " \
    "per $1, the hour of $2 and $3, in an array\"}\n"
}
