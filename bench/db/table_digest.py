#!/usr/bin/env python3
"""Order-independent checks of a loaded table against its source CSV (bench/db/load_bench.sh).

  table_digest.py SOURCE.csv EXPORT.csv      prints one line of JSON; exits 1 when the table is not the source

EXPORT.csv is the table written back as CSV with a header (sqlite3 -csv -header "select * from T", or psql's
COPY (select * from T) TO STDOUT WITH CSV HEADER), its columns in the source's order. Both files are read the same
way: every field is put in a canonical form — empty is NULL; a field that parses as a number is that number (an
integral one written as an integer, any other as Python's shortest repr of the double, so "1.00", "1" and "1.0" are
the same value, as they are once stored in a REAL or double precision column; the doubles themselves are compared
exactly); anything else is its text — and each row's canonical fields are hashed (BLAKE2b, 64 bits). Compared:
the row count, the sum of the rows' hashes mod 2**64 (a multiset digest: any changed, missing or repeated row
changes it), the ids (first column): duplicates (rows - distinct ids), ids of the source missing from the table,
ids in the table that the source does not have, Σ id, and per column the count of non-NULL values.
"""

import csv
import hashlib
import json
import math
import sys

csv.field_size_limit(1 << 30)


def canon(v):
    if v == "":
        return "\x00"
    try:
        f = float(v)
    except ValueError:
        return v
    if math.isfinite(f) and f.is_integer() and abs(f) < 2**53:
        return str(int(f))
    return repr(f)


def digest(path):
    rows = 0
    total = 0
    id_sum = 0
    ids = {}
    non_null = None
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        non_null = [0] * len(header)
        for row in reader:
            rows += 1
            fields = [canon(v) for v in row]
            for i, v in enumerate(row):
                if v != "":
                    non_null[i] += 1
            h = hashlib.blake2b("\x1f".join(fields).encode(), digest_size=8).digest()
            total = (total + int.from_bytes(h, "little")) % 2**64
            i = int(row[0])
            id_sum += i
            ids[i] = ids.get(i, 0) + 1
    return {"header": header, "rows": rows, "digest": f"{total:016x}", "id_sum": id_sum, "ids": ids,
            "non_null": non_null}


def main():
    source, export = digest(sys.argv[1]), digest(sys.argv[2])
    s_ids, t_ids = source.pop("ids"), export.pop("ids")
    missing = [i for i in s_ids if i not in t_ids]
    extra = [i for i in t_ids if i not in s_ids]
    duplicates = export["rows"] - len(t_ids)
    result = {
        "source_rows": source["rows"], "table_rows": export["rows"],
        "source_digest": source["digest"], "table_digest": export["digest"],
        "source_id_sum": source["id_sum"], "table_id_sum": export["id_sum"],
        "duplicate_ids": duplicates, "missing_ids": len(missing), "extra_ids": len(extra),
        "first_missing": sorted(missing)[:5], "first_extra": sorted(extra)[:5],
        "first_duplicated": sorted(i for i, c in t_ids.items() if c > 1)[:5],
        "non_null_equal": source["non_null"] == export["non_null"],
        "header_equal": source["header"] == export["header"],
    }
    result["ok"] = (source["rows"] == export["rows"] and source["digest"] == export["digest"]
                    and source["id_sum"] == export["id_sum"] and duplicates == 0 and not missing and not extra
                    and result["non_null_equal"] and result["header_equal"])
    print(json.dumps(result))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
