# The command benchmark's mawk peer for t3 (bench/cli/run.sh):  mawk -f bench/cli/peer_mawk_t3.awk SENSORS.csv
#
# Per sensor, a ring buffer of its last 100 values (the new one included) and their running mean and sum of
# squared deviations (m2), updated in O(1): Welford's step while the window fills, then, once it is full, the
# value leaving and the value entering in one step. An anomaly when the sensor has more than 10 values, the
# population's standard deviation sqrt(m2 / k) (k the values in the window) is above 0 and |value - mean| /
# deviation is above 2.5. Rows with an empty value are skipped. Fields split on commas, which is exact for the
# columns read here (the only quoted field of `yieldpipe gen sensors` data is location, the last column); columns
# found by name in the header. Prints one line of JSON with the answer as bench/cli/peer_python.py describes it.
BEGIN { FS = ","; W = 100; THRESHOLD = 2.5; MIN_HISTORY = 10 }
NR == 1 {
  for (i = 1; i <= NF; i++) col[$i] = i
  fs = col["sensor"]; fc = col["category"]; fv = col["value"]
  next
}
$fv != "" {
  s = $fs; c = $fc; x = $fv + 0
  rows[c]++
  n = ++seen[s]
  slot = (n - 1) % W
  if (n <= W) {
    d = x - mean[s]
    mean[s] += d / n
    m2[s] += d * (x - mean[s])
    k = n
  } else {
    old = ring[s, slot]
    before = mean[s]
    mean[s] = before + (x - old) / W
    m2[s] += (x - old) * ((x - mean[s]) + (old - before))
    k = W
  }
  ring[s, slot] = x
  if (n > MIN_HISTORY && m2[s] > 0) {
    sd = sqrt(m2[s] / k)
    d = x - mean[s]
    if (d < 0) d = -d
    if (sd > 0 && d / sd > THRESHOLD) anomalies[c]++
  }
}
END {
  printf "{\"tool\": \"mawk\", \"task\": \"t3\", \"answer\": {"
  sep = ""
  for (c in rows) {
    printf "%s\"%s\": {\"rows\": %d, \"anomalies\": %d}", sep, c, rows[c], anomalies[c]
    sep = ", "
  }
  printf "}, \"how\": \"mawk -F,: per sensor a ring buffer of 100 values and a running mean and m2 (Welford, " \
    "add then replace)\"}\n"
}
