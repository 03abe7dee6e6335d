#!/usr/bin/env bash
# The latency of `yieldpipe logs --follow` over many files (issue 14, part 4: each matching line printed
# within 100 ms of being written): FILES files followed at once, LINES matching (ERROR) lines appended
# to each in turn with an INFO line before each, PAUSE_MS between matching lines; each ERROR line carries
# the monotonic time it was written, and the time it is read from the command's standard output (a
# pipe) gives its latency. Prints the count, median, p99 and max, and fails if a line is missing,
# repeated, or an INFO line comes out.
#
#   bash bench/async/follow_latency.sh            # 4 files x 1,000 lines, about 5 s
#
# Environment: YIELDPIPE (default build/h-follow/yieldpipe, else build/release/yieldpipe), FILES (4),
# LINES (1000), PAUSE_MS (1).
set -euo pipefail
cd "$(dirname "$0")/../.."

yieldpipe=${YIELDPIPE:-}
if [[ -z $yieldpipe ]]; then
  for candidate in build/h-follow/yieldpipe build/release/yieldpipe; do
    if [[ -x $candidate ]]; then
      yieldpipe=$candidate
      break
    fi
  done
fi
if [[ -z $yieldpipe || ! -x $yieldpipe ]]; then
  echo "no yieldpipe binary: build the yieldpipe_cli target or set YIELDPIPE" >&2
  exit 2
fi

YIELDPIPE=$yieldpipe FILES=${FILES:-4} LINES=${LINES:-1000} PAUSE_MS=${PAUSE_MS:-1} python3 - <<'EOF'
import os, signal, subprocess, sys, tempfile, threading, time

yieldpipe = os.environ["YIELDPIPE"]
files, lines, pause = int(os.environ["FILES"]), int(os.environ["LINES"]), float(os.environ["PAUSE_MS"]) / 1000

with tempfile.TemporaryDirectory(prefix="follow_latency_") as d:
    paths = [os.path.join(d, f"app{f}.log") for f in range(files)]
    for p in paths:
        open(p, "w").close()
    cmd = [yieldpipe, "logs", *paths, "--follow", "--level", "ERROR", "--format", "csv"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # readline returns each line as it comes

    latencies, seen, bad = [], {}, []

    def read():
        for raw in iter(proc.stdout.readline, b""):
            now = time.monotonic_ns()
            if raw.startswith(b"timestamp,level"):  # the header, with the first record
                continue
            message = raw.decode().split(",")[3]  # timestamp,level,component,message,file,line
            if not message.startswith("t"):
                bad.append(message)
                continue
            key, written = message[1:].split("@")
            seen[key] = seen.get(key, 0) + 1
            latencies.append((now - int(written)) / 1e6)

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.2)  # the existing (empty) content read, the watches in place
    out = [os.open(p, os.O_WRONLY | os.O_APPEND) for p in paths]
    for i in range(lines):
        for f in range(files):
            os.write(out[f], f"2024-03-01 12:00:00 INFO api: skip {i}-{f}\n".encode())
            line = f"2024-03-01 12:00:00 ERROR api: t{i}-{f}@{time.monotonic_ns()}\n"
            os.write(out[f], line.encode())
            time.sleep(pause)
    deadline = time.monotonic() + 10
    while len(latencies) < files * lines and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    code = proc.wait()
    reader.join()

missing = files * lines - len(seen)
repeated = sum(1 for n in seen.values() if n > 1)
latencies.sort()
n = len(latencies)
if n:
    median, p99, top = latencies[n // 2], latencies[min(n - 1, (n * 99) // 100)], latencies[-1]
    print(f"{files} files x {lines} lines, one every {pause * 1000:g} ms: {n} matching lines seen; "
          f"latency median {median:.3f} ms, p99 {p99:.3f} ms, max {top:.3f} ms; "
          f"{sum(1 for x in latencies if x > 100)} over 100 ms")
print(f"missing {missing}, repeated {repeated}, other lines {len(bad)}, exit status {code}")
sys.exit(0 if missing == 0 and repeated == 0 and not bad and code == 130 else 1)
EOF
