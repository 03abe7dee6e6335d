#!/usr/bin/env bash
# The fetcher's benchmark (issue 14, bars): `yieldpipe fetch` at concurrency 64 against `curl --parallel
# --parallel-max 64`, a Boost.Beast client with 64 keep-alive connections (bench/async/peer_beast.cpp: the
# alternative to libcurl the issue named; built here when Debian's libboost1.81-dev is installed) and the
# guide's aiohttp `async_data_fetcher` (bench/async/peer_aiohttp.py, Debian's python3-aiohttp), over the same
# URLs of a local nginx serving small static JSON files (bench/async/nginx.sh), for 10,000 and 100,000 URLs.
#
#   bash bench/async/fetch_bench.sh
#   SIZES=1000 REPETITIONS=1 bash bench/async/fetch_bench.sh      # a smoke run
#
# Each URL is unique (http://127.0.0.1:PORT/item-<i mod FILES>.json?n=<i>: nginx ignores the query), so that
# "every URL answered exactly once" can be checked for each tool, outside the timing:
#   - yieldpipe writes its JSON lines to a file: one record per URL, status 200, and a body whose "id" is the
#     file's (bench/async/check_fetch.py);
#   - curl writes `%{http_code} %{url}` per transfer (-w), the bodies to /dev/null: one 200 per URL;
#   - the Beast client writes `STATUS URL` per response (bodies read whole, then dropped): checked as curl's;
#   - the guide's fetcher takes the URLs in order, one at a time, and prints the count of bodies and the sum of
#     their ids, which must be N and the known sum.
# The script fails when a check does not hold. Wall time from $EPOCHREALTIME around each run; peak RSS from
# /usr/bin/time -f %M. Runs are interleaved in rounds (REPETITIONS, default 3): best time, largest RSS.
#
# Prints a table (seconds, requests/s, peak RSS MiB, and the ratios of yieldpipe's throughput to each peer's)
# and appends one JSON line per tool and size to bench/results/async_fetch.jsonl (ignored by git).
#
# Environment:
#   YIELDPIPE    the command (default build/release/yieldpipe; this script does not build it). In a shared tree,
#                give a copy, so that a rebuild cannot replace it mid-run.
#   SIZES        the URL counts (default "10000 100000").
#   FILES        distinct JSON files nginx serves (default 10000).
#   CONCURRENCY  transfers in flight for yieldpipe and curl, connections of the Beast client (default 64).
#   REPETITIONS  rounds (default 3).
#   PEERS        the peers to run (default "curl beast aiohttp", without beast when Boost.Beast's headers,
#                /usr/include/boost/beast.hpp, are missing: apt-get install libboost1.81-dev; the project itself
#                does not use Boost); AIOHTTP_MAX skips the guide's fetcher above that many URLs (default: none
#                skipped; it takes one request at a time).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/async/nginx.sh
source bench/async/nginx.sh

YIELDPIPE=${YIELDPIPE:-build/release/yieldpipe}
SIZES=${SIZES:-"10000 100000"}
FILES=${FILES:-10000}
CONCURRENCY=${CONCURRENCY:-64}
REPETITIONS=${REPETITIONS:-3}
BEAST_HEADER=/usr/include/boost/beast.hpp
if [[ -z ${PEERS:-} ]]; then
  PEERS="curl aiohttp"
  if [[ -f $BEAST_HEADER ]]; then
    PEERS="curl beast aiohttp"
  else
    echo "fetch_bench: the Boost.Beast peer is skipped: $BEAST_HEADER is missing" \
      "(apt-get install libboost1.81-dev)" >&2
  fi
fi
AIOHTTP_MAX=${AIOHTTP_MAX:-0}
PYTHON=/usr/bin/python3
RESULTS=bench/results/async_fetch.jsonl
name=fetch_bench

[[ -x $YIELDPIPE ]] || {
  echo "$name: $YIELDPIPE is not built (cmake --build build/release --target yieldpipe_cli)" >&2
  exit 1
}
command -v curl >/dev/null || {
  echo "$name: curl is missing (apt-get install curl)" >&2
  exit 1
}
if [[ " $PEERS " == *" aiohttp "* ]] && ! $PYTHON -c 'import aiohttp' 2>/dev/null; then
  echo "$name: $PYTHON has no aiohttp (apt-get install python3-aiohttp)" >&2
  exit 1
fi
if [[ " $PEERS " == *" beast "* ]] && [[ ! -f $BEAST_HEADER ]]; then
  echo "$name: PEERS has beast but $BEAST_HEADER is missing (apt-get install libboost1.81-dev)" >&2
  exit 1
fi
# No proxy between the tools and 127.0.0.1 (aiohttp ignores the environment's by default).
export no_proxy='*' NO_PROXY='*'
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY

work=$(mktemp -d)
cleanup() {
  nginx_stop "$work"
  rm -rf "$work"
}
trap cleanup EXIT
port=$(nginx_free_port)
echo "$name: $FILES JSON files for nginx on 127.0.0.1:$port"
make_json_files "$work/www" "$FILES"
nginx_start "$work" "$port"
mkdir -p bench/results
if [[ " $PEERS " == *" beast "* ]]; then
  echo "$name: compiling bench/async/peer_beast.cpp"
  g++ -std=c++20 -O2 bench/async/peer_beast.cpp -o "$work/peer_beast" -pthread
fi

# measure TOOL N COMMAND...: runs COMMAND, records its wall seconds and peak RSS (KiB) into $work/TOOL-N.times.
measure() {
  local tool=$1 n=$2
  shift 2
  local start end
  start=$EPOCHREALTIME
  /usr/bin/time -f %M -o "$work/rss" "$@"
  end=$EPOCHREALTIME
  echo "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", e - s }') $(tail -n 1 "$work/rss")" \
    >>"$work/$tool-$n.times"
}

check_yieldpipe() {
  local n=$1
  $PYTHON - "$work/yp.jsonl" "$n" "$FILES" <<'EOF'
import json, sys
path, n, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seen = [0] * n
with open(path) as f:
    for line in f:
        r = json.loads(line)
        i = int(r["url"].rsplit("=", 1)[1])
        if r["status"] != 200 or r["error"] is not None or r["body"]["id"] != i % files:
            sys.exit(f"yieldpipe: bad record for URL {i}: {line[:200]}")
        seen[i] += 1
bad = [i for i, c in enumerate(seen) if c != 1]
if bad:
    sys.exit(f"yieldpipe: {len(bad)} URLs not answered exactly once (first: {bad[0]}, {seen[bad[0]]} times)")
EOF
}

# check_status TOOL N: $work/TOOL.out has one `STATUS URL` line per URL, each status 200 (curl's and Beast's).
check_status() {
  local tool=$1 n=$2
  $PYTHON - "$work/$tool.out" "$n" "$tool" <<'EOF'
import sys
path, n, tool = sys.argv[1], int(sys.argv[2]), sys.argv[3]
seen = [0] * n
with open(path) as f:
    for line in f:
        code, url = line.split()
        if code != "200":
            sys.exit(f"{tool}: {code} for {url}")
        seen[int(url.rsplit("=", 1)[1])] += 1
bad = [i for i, c in enumerate(seen) if c != 1]
if bad:
    sys.exit(f"{tool}: {len(bad)} URLs not answered exactly once (first: {bad[0]}, {seen[bad[0]]} times)")
EOF
}

check_aiohttp() {
  local n=$1
  $PYTHON - "$work/aiohttp.out" "$n" "$FILES" <<'EOF'
import json, sys
path, n, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
got = json.load(open(path))
want = {"count": n, "id_sum": sum(i % files for i in range(n))}
if got != want:
    sys.exit(f"aiohttp: got {got}, expected {want}")
EOF
}

for n in $SIZES; do
  echo "$name: $n URLs"
  awk -v n="$n" -v files="$FILES" -v port="$port" \
    'BEGIN { for (i = 0; i < n; i++) printf "http://127.0.0.1:%d/item-%d.json?n=%d\n", port, i % files, i }' \
    >"$work/urls-$n.txt"
  awk '{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' "$work/urls-$n.txt" >"$work/curl-$n.conf"
  for ((round = 1; round <= REPETITIONS; round++)); do
    measure yieldpipe "$n" "$YIELDPIPE" fetch "$work/urls-$n.txt" --concurrency "$CONCURRENCY" --no-progress \
      -o "$work/yp.jsonl"
    check_yieldpipe "$n"
    if [[ " $PEERS " == *" curl "* ]]; then
      measure curl "$n" curl --silent --show-error --parallel --parallel-max "$CONCURRENCY" \
        --write-out '%{http_code} %{url}\n' --config "$work/curl-$n.conf" >"$work/curl.out" 2>"$work/curl.err"
      check_status curl "$n"
    fi
    if [[ " $PEERS " == *" beast "* ]]; then
      measure beast "$n" "$work/peer_beast" "$work/urls-$n.txt" "$CONCURRENCY" >"$work/beast.out"
      check_status beast "$n"
    fi
    if [[ " $PEERS " == *" aiohttp "* ]] && ((AIOHTTP_MAX == 0 || n <= AIOHTTP_MAX)); then
      measure aiohttp "$n" $PYTHON bench/async/peer_aiohttp.py "$work/urls-$n.txt" >"$work/aiohttp.out"
      check_aiohttp "$n"
    fi
  done
done

# The table and the JSON lines: best wall time and largest peak RSS of each tool at each size.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
$PYTHON - "$work" "$RESULTS" "$commit" "$CONCURRENCY" "$REPETITIONS" $SIZES <<'EOF'
import json, os, sys, time
work, results, commit, concurrency, repetitions = sys.argv[1:6]
sizes = [int(s) for s in sys.argv[6:]]
rows = []
for n in sizes:
    best = {}
    for tool in ("yieldpipe", "curl", "beast", "aiohttp"):
        path = os.path.join(work, f"{tool}-{n}.times")
        if not os.path.exists(path):
            continue
        runs = [line.split() for line in open(path)]
        seconds = min(float(r[0]) for r in runs)
        rss_mib = max(int(r[1]) for r in runs) / 1024
        best[tool] = (seconds, rss_mib)
    yp = best["yieldpipe"][0]
    for tool, (seconds, rss) in best.items():
        rows.append((n, tool, seconds, n / seconds, rss, seconds / yp))
print(f"{'urls':>8} {'tool':<10} {'seconds':>9} {'requests/s':>11} {'peak RSS MiB':>13} {'yieldpipe x':>12}")
with open(results, "a") as out:
    for n, tool, seconds, rate, rss, ratio in rows:
        print(f"{n:>8} {tool:<10} {seconds:>9.3f} {rate:>11.0f} {rss:>13.1f} {ratio:>12.2f}")
        out.write(json.dumps({"bench": "async_fetch", "tool": tool, "urls": n, "concurrency": int(concurrency),
                              "seconds": round(seconds, 4), "requests_per_s": round(rate, 1),
                              "peak_rss_mib": round(rss, 2), "yieldpipe_speedup": round(ratio, 3),
                              "repetitions": int(repetitions), "commit": commit, "nproc": os.cpu_count(),
                              "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}) + "\n")
print("(yieldpipe x: the tool's time over yieldpipe's, i.e. yieldpipe's throughput as a multiple of the tool's)")
EOF
echo "$name: results appended to $RESULTS"
python3 bench/report.py --only async_fetch --out docs/PERFORMANCE.md
echo "$name: docs/PERFORMANCE.md's fetch section rewritten from the latest run"
