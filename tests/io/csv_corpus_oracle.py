#!/usr/bin/env python3
"""Python's side of tests/io/csv_corpus_test.cpp: reads the corpus of messy_corpus.py with Python's csv module.

Usage: csv_corpus_oracle.py DIR SAMPLE_SIZE

For each file of DIR/manifest.json:
- sniffs the first SAMPLE_SIZE bytes of the file as UTF-8 (decoded with its true encoding, as io::input
  transcodes it), as the C++ test does, with Python's
  csv.Sniffer().sniff() and has_header();
- reads the whole text, after its skip_lines lines, with csv.reader in the file's true dialect (the text
  format's escapes decoded after) and writes the records to
  DIR/rows/<file>: per record "<fields>\\n", per field "<bytes>\\n<UTF-8 bytes>".

Prints one JSON object per file on standard output: the manifest's entry plus "python": {"delimiter", "quote",
"header"} or {"error": message}.
"""

import csv
import io
import json
import os
import sys

BOMS = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}


def decoded(data, entry):
    if entry["bom"]:
        data = data[len(BOMS[entry["encoding"]]):]
    return data.decode(entry["encoding"])


def sniff(sample):
    sniffer = csv.Sniffer()
    try:
        dialect = sniffer.sniff(sample)
        header = sniffer.has_header(sample)
    except csv.Error as e:
        return {"error": str(e)}
    return {"delimiter": dialect.delimiter, "quote": dialect.quotechar, "header": bool(header)}


def unescape(field):
    """A field of the text format of PostgreSQL's COPY: \\t \\n \\r and \\\\ decoded, any other escaped
    character itself, \\N (null) empty."""
    if field == "\\N":
        return ""
    out = []
    chars = iter(field)
    for c in chars:
        if c == "\\":
            c = next(chars, "")
            c = {"t": "\t", "n": "\n", "r": "\r"}.get(c, c)
        out.append(c)
    return "".join(out)


def write_rows(path, text, entry):
    options = {"delimiter": entry["delimiter"], "strict": False, "doublequote": True}
    if entry["quote"] is None:
        options["quoting"] = csv.QUOTE_NONE
    else:
        options["quotechar"] = entry["quote"]
    with open(path, "wb") as out:
        # io.StringIO(newline='') yields what a file opened with newline='' does: lines with their endings.
        lines = io.StringIO(text, newline="").readlines()[entry["skip_lines"]:]
        for row in csv.reader(lines, **options):
            if entry["backslash_escapes"]:
                row = [unescape(field) for field in row]
            out.write(b"%d\n" % len(row))
            for field in row:
                data = field.encode("utf-8")
                out.write(b"%d\n" % len(data))
                out.write(data)


def main():
    directory, sample_size = sys.argv[1], int(sys.argv[2])
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    os.makedirs(os.path.join(directory, "rows"), exist_ok=True)
    csv.field_size_limit(1 << 20)
    for entry in manifest:
        with open(os.path.join(directory, entry["file"]), "rb") as f:
            data = f.read()
        text = decoded(data, entry)
        utf8 = data if entry["encoding"] == "utf-8" else text.encode("utf-8")
        # The sample the C++ test sniffs, as text (a character cut by its end is dropped); a BOM is
        # removed, as the C++ sniffer skips it.
        sample = utf8[:sample_size].decode("utf-8-sig", errors="ignore")
        write_rows(os.path.join(directory, "rows", entry["file"]), text, entry)
        result = dict(entry)
        result["python"] = sniff(sample)
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
