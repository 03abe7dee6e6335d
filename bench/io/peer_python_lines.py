#!/usr/bin/env python3
"""The io benchmark's CPython peer for the task "lines" (bench/io/run.sh).

    python3 bench/io/peer_python_lines.py FILE        # FILE.gz is read through the gzip module

Counts the lines of FILE the guide's way, iterating over the file object (`for line in open(path)`, text
mode, UTF-8, so every line is decoded to a str); a .gz file is read with gzip.open(path, "rt"). Prints one
line of JSON: {"tool": ..., "task": "lines", "answer": {"lines": N}, "how": ...}. N equals `wc -l` for a file
ending in a newline. Streams.
"""

import gzip
import json
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    path = sys.argv[1]
    compressed = path.endswith(".gz")
    f = gzip.open(path, "rt", encoding="utf-8") if compressed else open(path, encoding="utf-8")
    lines = 0
    with f:
        for _ in f:
            lines += 1
    opener = "gzip.open(path, 'rt')" if compressed else "open(path)"
    print(json.dumps({
        "tool": "python-gzip-lines" if compressed else "python-lines",
        "task": "lines",
        "answer": {"lines": lines},
        "how": f"CPython {sys.version.split()[0]}: for line in {opener}: count += 1",
    }))


if __name__ == "__main__":
    main()
