#!/usr/bin/env bash
# What sniffing the CSV dialect costs a command (issue 12: within 2% of reading with explicit options): T1's
# `stats` on the sensors file with the dialect sniffed (no flags) and with it given (--delimiter , --quote '"'
# --header), on one thread, run alternately ROUNDS times; prints the least CPU time (user + sys) and the best wall
# time of each, and their ratio, as a Markdown table for docs/PERFORMANCE.md.
#
#   bash bench/cli/sniff_cost.sh [FILE]     # default: DATA_DIR/sensors.csv from bench/cli/run.sh
#
# Environment: YIELDPIPE (default build/release/yieldpipe), ROUNDS (default 7), DATA_DIR (default
# bench/results/cli-data).
set -euo pipefail
cd "$(dirname "$0")/../.."
yieldpipe=${YIELDPIPE:-build/release/yieldpipe}
rounds=${ROUNDS:-7}
file=${1:-${DATA_DIR:-bench/results/cli-data}/sensors.csv}
if [[ ! -f $file ]]; then
  echo "sniff_cost: $file is missing: run bench/cli/run.sh first, or give a CSV file" >&2
  exit 1
fi
where='status == "active" and quality_score >= 0.8 and -50 <= temperature <= 100'
run() {  # run LABEL FLAGS...: one run, appends "cpu wall" to /tmp/sniff_cost.LABEL
  local label=$1
  shift
  local start end
  start=$EPOCHREALTIME
  /usr/bin/time -f '%U %S' -o /tmp/sniff_cost.time "$yieldpipe" stats "$file" --where "$where" --by category \
    --agg count,mean:value,min:value,max:value --threads 1 --no-progress "$@" >/dev/null
  end=$EPOCHREALTIME
  read -r user sys </tmp/sniff_cost.time
  printf '%.2f %.2f\n' "$(echo "$user + $sys" | bc)" "$(echo "$end - $start" | bc)" >>"/tmp/sniff_cost.$label"
}
rm -f /tmp/sniff_cost.sniffed /tmp/sniff_cost.given
cat "$file" >/dev/null  # the page cache
for ((i = 0; i < rounds; ++i)); do
  run sniffed
  run given --delimiter , --quote '"' --header
done
best() { sort -n -k"$2" "/tmp/sniff_cost.$1" | head -1 | cut -d' ' -f"$2"; }
sc=$(best sniffed 1) sw=$(best sniffed 2) gc=$(best given 1) gw=$(best given 2)
echo "| \`stats\` T1, 1 thread, $(du -m "$file" | cut -f1) MB | least CPU s | best wall s |"
echo "| --- | --- | --- |"
echo "| dialect given (\`--delimiter , --quote '\"' --header\`) | $gc | $gw |"
echo "| dialect sniffed (no flags) | $sc | $sw |"
echo "| sniffed ÷ given | $(printf '%.3f' "$(echo "scale=4; $sc / $gc" | bc)") | $(printf '%.3f' "$(echo "scale=4; $sw / $gw" | bc)") |"
echo
echo "$rounds rounds, alternating; $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)."
