#!/usr/bin/env python3
"""The io benchmark's CPython peer for the task "csv typed" (bench/io/run.sh).

    python3 bench/io/peer_python_csv.py FILE.csv

Reads FILE.csv with the csv module the guide's way — `csv.reader` over a file opened with `newline=""`, one
row (a list of str) at a time — converts the numeric columns with float() and prints one line of JSON:

    {"tool": "python-csv", "task": "csv", "answer": {"rows": ..., "sum_value": ..., "sum_temperature": ...,
     "count_humidity": ..., "sum_quality_score": ...}, "how": "..."}

rows counts the data rows (not the header); count_humidity the rows whose humidity field is not empty (it is
converted too, so every numeric column of the answer is really parsed). Columns are found by name in the
header, so extra columns (a quoted text column) do not matter. Streams: memory does not grow with the file.
"""

import csv
import json
import sys

COLUMNS = ("value", "temperature", "humidity", "quality_score")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    path = sys.argv[1]
    rows = 0
    sum_value = sum_temperature = sum_quality = 0.0
    count_humidity = 0
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        i_value, i_temperature, i_humidity, i_quality = (header.index(c) for c in COLUMNS)
        for row in reader:
            rows += 1
            sum_value += float(row[i_value])
            sum_temperature += float(row[i_temperature])
            humidity = row[i_humidity]
            if humidity:
                float(humidity)
                count_humidity += 1
            sum_quality += float(row[i_quality])
    print(json.dumps({
        "tool": "python-csv",
        "task": "csv",
        "answer": {"rows": rows, "sum_value": sum_value, "sum_temperature": sum_temperature,
                   "count_humidity": count_humidity, "sum_quality_score": sum_quality},
        "how": f"CPython {sys.version.split()[0]}: csv.reader(open(path, newline='')), float() on "
               + ", ".join(COLUMNS) + " (humidity when not empty)",
    }))


if __name__ == "__main__":
    main()
