#!/usr/bin/env python3
"""The oracle for tests/io/csv_reference_test.cpp: parses framed CSV cases with Python's csv.reader.

Usage: csv_python_oracle.py CASES RESULTS

CASES holds, per case, one ASCII header line
    <delimiter> <quote> <escape> <doublequote> <skipinitialspace> <strict> <field_limit> <length>\\n
(characters as byte values, -1 for None / QUOTE_NONE / Python's default limit), then <length> raw bytes and "\\n".

RESULTS holds, per case,
    C <rows> <error length or -1> <ended in quoted field 0/1>\\n<error bytes>
then per row "F <fields>\\n" and per field "<length>\\n<bytes>".

Bytes are decoded and encoded as latin-1 so that each byte is one character: the csv module then behaves on
them exactly as on bytes.
"""

import csv
import io
import sys

DEFAULT_FIELD_LIMIT = csv.field_size_limit()
PROBE = "\x01"


def parse(text, kwargs, limit, extra_line=None):
    csv.field_size_limit(limit)
    lines = list(io.StringIO(text, newline=""))
    if extra_line is not None:
        lines.append(extra_line)
    rows = []
    try:
        for row in csv.reader(lines, **kwargs):
            rows.append(row)
    except csv.Error as e:
        return rows, str(e)
    return rows, None


def ended_in_quoted_field(text, kwargs, rows, error):
    """Whether the reader was inside a quoted field when the input ran out.

    The reader's state is not observable, so feed one more line, "<delimiter>\\x01": inside quotes both
    characters join the open field (non-strict: the last field ends with them and is at least 2 long; strict:
    "unexpected end of data" again); in an unquoted field, or between records, the delimiter ends a field and
    "\\x01" is a field on its own.
    """
    if kwargs["quoting"] == csv.QUOTE_NONE:
        return False
    if error is not None and error != "unexpected end of data":
        return False
    # The first run saw no field-limit error, so an unlimited run follows the same path up to the probe.
    probe_rows, probe_error = parse(text, kwargs, sys.maxsize, kwargs["delimiter"] + PROBE)
    if kwargs["strict"]:
        return probe_error == "unexpected end of data"
    if probe_error is not None or not probe_rows or not probe_rows[-1]:
        return False
    return len(probe_rows[-1][-1]) >= 2


def main():
    if sys.version_info < (3, 11):
        sys.exit("csv_python_oracle.py: needs Python 3.11 or newer (3.10's csv rejects NUL), found " + sys.version)
    cases_path, results_path = sys.argv[1], sys.argv[2]
    with open(cases_path, "rb") as f:
        data = f.read()
    out = bytearray()
    pos = 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        delimiter, quote, escape, doublequote, skipinitialspace, strict, limit, length = map(int, data[pos:end].split())
        pos = end + 1
        text = data[pos : pos + length].decode("latin-1")
        pos += length + 1
        kwargs = {
            "delimiter": chr(delimiter),
            "quotechar": chr(quote) if quote >= 0 else None,
            "quoting": csv.QUOTE_MINIMAL if quote >= 0 else csv.QUOTE_NONE,
            "escapechar": chr(escape) if escape >= 0 else None,
            "doublequote": bool(doublequote),
            "skipinitialspace": bool(skipinitialspace),
            "strict": bool(strict),
        }
        rows, error = parse(text, kwargs, limit if limit >= 0 else DEFAULT_FIELD_LIMIT)
        quoted = ended_in_quoted_field(text, kwargs, rows, error)
        error_bytes = error.encode("latin-1") if error is not None else b""
        out += b"C %d %d %d\n" % (len(rows), len(error_bytes) if error is not None else -1, int(quoted))
        out += error_bytes
        for row in rows:
            out += b"F %d\n" % len(row)
            for field in row:
                encoded = field.encode("latin-1")
                out += b"%d\n" % len(encoded)
                out += encoded
    with open(results_path, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
