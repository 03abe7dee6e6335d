#!/usr/bin/env python3
"""The io benchmark's CPython peer for the task "JSON lines" (bench/io/run.sh).

    python3 bench/io/peer_python_jsonl.py FILE.jsonl

Reads FILE.jsonl (one JSON object per line, as bench/io/csv_to_jsonl.py writes it) line by line, json.loads
each line and sums the same fields as the "csv typed" task; prints one line of JSON with the same answer
keys as bench/io/peer_python_csv.py (humidity is null when the CSV field was empty). Streams.
"""

import json
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    rows = 0
    sum_value = sum_temperature = sum_quality = 0.0
    count_humidity = 0
    loads = json.loads
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            record = loads(line)
            rows += 1
            sum_value += record["value"]
            sum_temperature += record["temperature"]
            if record["humidity"] is not None:
                count_humidity += 1
            sum_quality += record["quality_score"]
    print(json.dumps({
        "tool": "python-json",
        "task": "jsonl",
        "answer": {"rows": rows, "sum_value": sum_value, "sum_temperature": sum_temperature,
                   "count_humidity": count_humidity, "sum_quality_score": sum_quality},
        "how": f"CPython {sys.version.split()[0]}: for line in open(path): json.loads(line), summing the fields",
    }))


if __name__ == "__main__":
    main()
