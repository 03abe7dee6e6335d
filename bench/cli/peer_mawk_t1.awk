# The command benchmark's mawk peer for t1 (bench/cli/run.sh):  mawk -f bench/cli/peer_mawk_t1.awk SENSORS.csv
#
# Fields split on commas, which is exact for the columns read here: in `yieldpipe gen sensors` data the only
# quoted field (with commas inside) is location, the last column. Columns are found by name in the header. The
# rows with status "active", quality_score >= 0.8, temperature in [-50, 100] and a humidity in [0, 100] are
# counted per category, with the count, sum, min and max of their non-empty values. Prints one line of JSON with
# the answer as bench/cli/peer_python.py describes it.
BEGIN { FS = "," }
NR == 1 {
  for (i = 1; i <= NF; i++) col[$i] = i
  fc = col["category"]; fv = col["value"]; ft = col["temperature"]; fh = col["humidity"]
  fs = col["status"]; fq = col["quality_score"]
  next
}
$fs == "active" && $fq >= 0.8 && $ft != "" && $ft >= -50 && $ft <= 100 && $fh != "" && $fh >= 0 && $fh <= 100 {
  k = $fc
  rows[k]++
  if ($fv != "") {
    x = $fv + 0
    if (!(k in n) || x < lo[k]) lo[k] = x
    if (!(k in n) || x > hi[k]) hi[k] = x
    n[k]++
    sum[k] += x
  }
}
END {
  printf "{\"tool\": \"mawk\", \"task\": \"t1\", \"answer\": {"
  sep = ""
  for (k in rows) {
    if (k in n) {
      printf "%s\"%s\": {\"count\": %d, \"mean_value\": %.17g, \"min_value\": %.17g, \"max_value\": %.17g}", \
        sep, k, rows[k], sum[k] / n[k], lo[k], hi[k]
    } else {
      printf "%s\"%s\": {\"count\": %d, \"mean_value\": null, \"min_value\": null, \"max_value\": null}", \
        sep, k, rows[k]
    }
    sep = ", "
  }
  printf "}, \"how\": \"mawk -F, (columns by name from the header), the filter as a pattern, count/sum/min/max " \
    "per category in arrays\"}\n"
}
