#!/usr/bin/env python3
"""Writes the sensors CSV of `yieldpipe gen sensors` as JSON lines, for the io benchmark (bench/io/run.sh).

    python3 bench/io/csv_to_jsonl.py IN.csv OUT.jsonl

One JSON object per CSV row, keys in the header's order, one line each (`\\n`), no spaces after separators:
id as an integer, the numeric columns (value, temperature, humidity, quality_score) as numbers — the
shortest repr of float(field), which reads back as the same double — an empty numeric field as null, every
other column as a string. So the JSON lines hold exactly the values of the CSV, and every peer's answer on
them must equal the answers on the CSV. Streams; writes OUT.jsonl.tmp and renames it when complete.
"""

import csv
import json
import os
import sys

NUMERIC = {"value", "temperature", "humidity", "quality_score"}
INTEGER = {"id"}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    src, dst = sys.argv[1], sys.argv[2]
    tmp = dst + ".tmp"
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with open(src, newline="", encoding="utf-8") as f, open(tmp, "w", encoding="utf-8", newline="\n") as out:
        reader = csv.reader(f)
        header = next(reader)
        convert = []
        for name in header:
            if name in INTEGER:
                convert.append(int)
            elif name in NUMERIC:
                convert.append(lambda s: float(s) if s else None)
            else:
                convert.append(str)
        kinds = list(zip(header, convert))
        write = out.write
        for row in reader:
            write(dumps({name: conv(field) for (name, conv), field in zip(kinds, row)}))
            write("\n")
    os.replace(tmp, dst)


if __name__ == "__main__":
    main()
