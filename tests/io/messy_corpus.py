#!/usr/bin/env python3
"""Writes a corpus of messy CSV files, as people have them, and the dialect each was written in.

Usage: messy_corpus.py DIR

Writes into DIR 78 files and DIR/manifest.json, a list with one object per file:

    file               the file's name
    delimiter          one character
    quote              the quote character, or null when the file uses no quoting
    quoting            how the writer quoted: "minimal", "all", "nonnumeric" or "none"
    header             whether the first record names the columns
    backslash_escapes  tab-separated text format (\\t \\n \\\\ \\N), as PostgreSQL's COPY and MySQL write it
    decimal_comma      numbers written 1,5
    encoding           Python's name of the encoding: utf-8, utf-16-le, utf-16-be, latin-1, cp1252
    bom                whether a byte order mark starts the file (for utf-8: EF BB BF)
    line_ending        "\\n" or "\\r\\n"
    ragged             whether some records have more or fewer fields than the others
    skip_lines         lines before the table (a title, an export note): --skip-rows
    about              one line on what the file is like

Only the standard library (Debian's python3); the output depends on nothing but the fixed seed.
"""

import csv
import datetime
import io
import json
import os
import random
import sys

SEED = 20261207

FIRST_NAMES = ["Anna", "Ben", "Chloé", "David", "Émile", "Fatima", "Grégoire", "Hannah", "Ines", "Jürgen", "Karl",
               "Léa", "Marta", "Nils", "Olga", "Paul", "Quentin", "Rosa", "Søren", "Tomás", "Ulla", "Victor",
               "Wanda", "Xavier", "Yusuf", "Zoë"]
LAST_NAMES = ["Müller", "Dubois", "García", "O'Brien", "Smith", "Nowak", "Rossi", "Jensen", "Kovács", "Larsen",
              "Moreau", "Novák", "Silva", "Weiß", "Young"]
CITIES = ["Berlin", "Paris", "Madrid", "Roma", "Lisboa", "Wien", "Zürich", "København", "Kraków", "Göteborg",
          "Bruxelles", "Amsterdam"]
COLOURS = ["red", "green", "blue", "yellow", "black"]
STATUSES = ["open", "closed", "pending"]
SENSORS = ["s-%02d" % i for i in range(1, 9)]
WORDS = ["quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "data", "pipeline", "sensor", "value",
         "report", "delayed", "checked", "again", "late", "ok"]


def comment(rng, allow):
    """Free text; `allow` holds the characters it may contain beyond words and spaces: , ; \\t | " ' \\n."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(2, 9))]
    text = " ".join(words).capitalize()
    if "," in allow and rng.random() < 0.5:
        text = text.replace(" ", ", ", 1)
    if ";" in allow and rng.random() < 0.3:
        text += "; " + rng.choice(WORDS)
    if "\t" in allow and rng.random() < 0.3:
        text += "\t" + rng.choice(WORDS)
    if "|" in allow and rng.random() < 0.3:
        text += " | " + rng.choice(WORDS)
    if '"' in allow and rng.random() < 0.3:
        text += ' "%s"' % rng.choice(WORDS)
    if "'" in allow and rng.random() < 0.3:
        text += " it's " + rng.choice(WORDS)
    if "\n" in allow and rng.random() < 0.2:
        text += "\n" + rng.choice(WORDS)
    return text


def full_name(rng):
    return rng.choice(FIRST_NAMES) + " " + rng.choice(LAST_NAMES)


def moment(rng):
    start = datetime.datetime(2024, 1, 1)
    return start + datetime.timedelta(seconds=rng.randint(0, 365 * 86400))


class Column:
    """A column: a name and a function of (rng, row index) giving a Python value."""

    def __init__(self, name, make):
        self.name = name
        self.make = make


def columns(kind, allow=""):
    """Column sets of typical files."""
    if kind == "sensors":
        return [Column("id", lambda r, i: i + 1),
                Column("timestamp", lambda r, i: moment(r).isoformat(sep=" ")),
                Column("sensor", lambda r, i: r.choice(SENSORS)),
                Column("value", lambda r, i: round(r.uniform(-20, 45), 2)),
                Column("ok", lambda r, i: r.choice(["true", "false"]))]
    if kind == "people":
        return [Column("name", lambda r, i: full_name(r)),
                Column("city", lambda r, i: r.choice(CITIES)),
                Column("age", lambda r, i: r.randint(18, 90)),
                Column("score", lambda r, i: round(r.uniform(0, 100), 1)),
                Column("joined", lambda r, i: moment(r).date().isoformat())]
    if kind == "orders":
        return [Column("order_id", lambda r, i: 10000 + i),
                Column("customer", lambda r, i: full_name(r)),
                Column("amount", lambda r, i: round(r.uniform(1, 5000), 2)),
                Column("status", lambda r, i: r.choice(STATUSES)),
                Column("note", lambda r, i: comment(r, allow))]
    if kind == "numbers":
        return [Column("x", lambda r, i: round(r.uniform(-1000, 1000), 3)),
                Column("y", lambda r, i: round(r.gauss(0, 50), 4)),
                Column("n", lambda r, i: r.randint(0, 10 ** 6)),
                Column("z", lambda r, i: r.randint(-50, 50))]
    if kind == "text":
        return [Column("name", lambda r, i: full_name(r)),
                Column("city", lambda r, i: r.choice(CITIES)),
                Column("colour", lambda r, i: r.choice(COLOURS)),
                Column("status", lambda r, i: r.choice(STATUSES))]
    if kind == "european":
        return [Column("Datum", lambda r, i: moment(r).strftime("%d.%m.%Y")),
                Column("Artikel", lambda r, i: r.choice(["Äpfel", "Birnen", "Käse", "Brötchen", "Kaffee"])),
                Column("Menge", lambda r, i: r.randint(1, 40)),
                Column("Preis", lambda r, i: round(r.uniform(0.2, 30), 2)),
                Column("Summe", lambda r, i: round(r.uniform(1, 900), 2))]
    raise ValueError(kind)


def make_rows(rng, cols, n):
    return [[c.make(rng, i) for c in cols] for i in range(n)]


def number_text(v, decimal_comma, thousands=False):
    if isinstance(v, float):
        s = "%.2f" % v if thousands else repr(v)
        if thousands:
            whole, frac = s.split(".")
            sign = "-" if whole.startswith("-") else ""
            digits = whole.lstrip("-")
            groups = []
            while len(digits) > 3:
                groups.insert(0, digits[-3:])
                digits = digits[:-3]
            groups.insert(0, digits)
            s = sign + ".".join(groups) + "," + frac
        elif decimal_comma:
            s = s.replace(".", ",")
        return s
    return str(v)


def texts(rows, decimal_comma=False, thousands=False):
    return [[number_text(v, decimal_comma, thousands) if isinstance(v, (int, float)) else v for v in row]
            for row in rows]


def strip_chars(rows, chars):
    """Removes `chars` from every text field (files written without quoting cannot hold them)."""
    out = []
    for row in rows:
        new = []
        for v in row:
            if isinstance(v, str):
                for c in chars:
                    v = v.replace(c, " " if c in "\t\n\r" else "")
            new.append(v)
        out.append(new)
    return out


class Corpus:
    def __init__(self, directory):
        self.directory = directory
        self.manifest = []

    def add(self, name, text, *, delimiter, quote, quoting, header, about, encoding="utf-8", bom=False,
            line_ending="\n", ragged=False, backslash_escapes=False, decimal_comma=False, skip_lines=0):
        if encoding == "utf-8":
            data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
        elif encoding == "utf-16-le":
            data = (b"\xff\xfe" if bom else b"") + text.encode("utf-16-le")
        elif encoding == "utf-16-be":
            data = (b"\xfe\xff" if bom else b"") + text.encode("utf-16-be")
        else:
            data = text.encode(encoding)
        with open(os.path.join(self.directory, name), "wb") as f:
            f.write(data)
        self.manifest.append({
            "file": name, "delimiter": delimiter, "quote": quote, "quoting": quoting, "header": header,
            "backslash_escapes": backslash_escapes, "decimal_comma": decimal_comma, "encoding": encoding,
            "bom": bom, "line_ending": line_ending, "ragged": ragged, "skip_lines": skip_lines, "about": about})

    def csv(self, name, header_row, rows, *, delimiter=",", quote='"', quoting="minimal", header=True,
            line_ending="\n", about, preamble=(), **kwargs):
        """Writes rows with Python's csv.writer in the dialect given."""
        modes = {"minimal": csv.QUOTE_MINIMAL, "all": csv.QUOTE_ALL, "nonnumeric": csv.QUOTE_NONNUMERIC,
                 "none": csv.QUOTE_NONE}
        out = io.StringIO(newline="")
        for line in preamble:
            out.write(line + line_ending)
        writer = csv.writer(out, delimiter=delimiter, quotechar=quote or '"', quoting=modes[quoting],
                            lineterminator=line_ending, escapechar=None)
        if header:
            writer.writerow(header_row)
        writer.writerows(rows)
        self.add(name, out.getvalue(), delimiter=delimiter, quote=None if quoting == "none" else quote,
                 quoting=quoting, header=header, line_ending=line_ending, about=about, skip_lines=len(preamble),
                 **kwargs)

    def write_manifest(self):
        with open(os.path.join(self.directory, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(self.manifest, f, ensure_ascii=False, indent=1)
            f.write("\n")


def table(rng, kind, n, allow="", decimal_comma=False, thousands=False):
    cols = columns(kind, allow)
    rows = make_rows(rng, cols, n)
    return [c.name for c in cols], texts(rows, decimal_comma, thousands), rows


def ragged(rng, rows, share):
    """Drops trailing fields of some rows and adds one to others."""
    out = []
    for row in rows:
        row = list(row)
        if rng.random() < share:
            if rng.random() < 0.7:
                del row[-rng.randint(1, 2):]
            else:
                row.append("extra")
        out.append(row)
    return out


def text_format(rows):
    """PostgreSQL COPY's text format: tab-separated, \\N for null, backslash escapes, no quoting."""
    def escape(v):
        if v is None:
            return "\\N"
        return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return "".join("\t".join(escape(v) for v in row) + "\n" for row in rows)


def main():
    directory = sys.argv[1]
    os.makedirs(directory, exist_ok=True)
    rng = random.Random(SEED)
    c = Corpus(directory)

    # --- comma -------------------------------------------------------------------------------------
    h, rows, _ = table(rng, "sensors", 200)
    c.csv("comma_header.csv", h, rows, about="sensor readings with a header")
    h, rows, _ = table(rng, "sensors", 200)
    c.csv("comma_no_header.csv", h, rows, header=False, about="sensor readings without a header")
    h, rows, _ = table(rng, "people", 150)
    c.csv("comma_quote_all.csv", h, rows, quoting="all", about="every field quoted")
    h, rows, _ = table(rng, "people", 150)
    c.csv("comma_quote_all_no_header.csv", h, rows, quoting="all", header=False,
          about="every field quoted, no header")
    _, _, raw = table(rng, "people", 150)
    c.csv("comma_nonnumeric.csv", [x.name for x in columns("people")], raw, quoting="nonnumeric",
          about="text quoted, numbers bare (QUOTE_NONNUMERIC)")
    h, rows, _ = table(rng, "orders", 150, allow="")
    c.csv("comma_unquoted.csv", h, strip_chars(rows, ',"\n'), quoting="none", about="no quoting at all")
    h, rows, _ = table(rng, "orders", 150, allow=",;\"'\n")
    c.csv("comma_embedded.csv", h, rows,
          about="quoted fields holding commas, quotes and line breaks")
    h, rows, _ = table(rng, "sensors", 200)
    c.csv("comma_crlf.csv", h, rows, line_ending="\r\n", about="CRLF line endings")
    h, rows, _ = table(rng, "orders", 120, allow=",\"\n")
    rows = [[v.replace("\n", "\r\n") if isinstance(v, str) else v for v in row] for row in rows]
    c.csv("comma_crlf_embedded.csv", h, rows, line_ending="\r\n",
          about="CRLF, with CRLF line breaks inside quoted fields")
    h, rows, _ = table(rng, "people", 150)
    c.csv("comma_bom.csv", h, rows, bom=True, about="UTF-8 with a byte order mark")
    h, rows, _ = table(rng, "sensors", 150)
    c.csv("comma_bom_crlf_no_header.csv", h, rows, bom=True, header=False, line_ending="\r\n",
          about="UTF-8 BOM, CRLF, no header")
    h, rows, _ = table(rng, "numbers", 300)
    c.csv("comma_numeric_header.csv", h, rows, about="numbers only, with a header")
    h, rows, _ = table(rng, "numbers", 300)
    c.csv("comma_numeric_no_header.csv", h, rows, header=False, about="numbers only, no header")
    h, rows, _ = table(rng, "text", 120)
    c.csv("comma_text_header.csv", h, rows, about="text only, with a header")
    h, rows, _ = table(rng, "text", 120)
    c.csv("comma_text_no_header.csv", h, rows, header=False,
          about="text only, no header: the first row's values repeat below")
    h, rows, _ = table(rng, "sensors", 200)
    c.csv("comma_ragged.csv", h, ragged(rng, rows, 0.08), ragged=True, about="8% of the rows ragged")
    c.csv("comma_header_only.csv", [x.name for x in columns("sensors")], [],
          about="a header and nothing else")
    wide_cols = 40
    wide_header = ["c%02d" % j for j in range(wide_cols)]
    wide_rows = [[rng.randint(0, 999) if j % 3 else round(rng.uniform(0, 1), 4) for j in range(wide_cols)]
                 for _ in range(100)]
    c.csv("comma_wide.csv", wide_header, texts(wide_rows), about="40 columns")
    h, rows, _ = table(rng, "sensors", 6000)
    c.csv("comma_large.csv", h, rows, about="larger than the 64 KiB sample: its end cuts a record")
    long_text = " ".join(rng.choice(WORDS) + ("," if rng.random() < 0.2 else "") +
                         ("\n" if rng.random() < 0.05 else "") for _ in range(14000))
    long_rows = [[1, "short", 1.5], [2, long_text, 2.5], [3, "short again", 3.5]]
    c.csv("comma_long_field.csv", ["id", "text", "value"], texts(long_rows),
          about="a quoted field of 100 KB with commas and line breaks, across the sample's end")
    h, rows, _ = table(rng, "people", 120)
    c.add("comma_space_after.csv", "".join(", ".join(map(str, r)) + "\n" for r in [h] + rows), delimiter=",",
          quote='"', quoting="minimal", header=True, about="a space after each comma")
    h, rows, _ = table(rng, "numbers", 150)
    c.csv("comma_index_column.csv", [""] + h, [[i] + r for i, r in enumerate(rows)],
          about="pandas' to_csv: an unnamed index column")
    bool_rows = [[moment(rng).date().isoformat(), rng.choice(["true", "false"]), moment(rng).strftime("%H:%M:%S"),
                  rng.randint(0, 9)] for _ in range(120)]
    c.csv("comma_dates_booleans.csv", ["day", "active", "time", "level"], texts(bool_rows),
          about="dates, booleans and times under a header")
    h, rows, _ = table(rng, "orders", 120, allow=",'")
    c.csv("comma_single_quote.csv", h, rows, quote="'", about="single quotes around fields that need them")
    h, rows, _ = table(rng, "people", 120)
    c.csv("comma_single_quote_all.csv", h, rows, quote="'", quoting="all", about="every field in single quotes")
    h, rows, _ = table(rng, "people", 120)
    c.csv("comma_latin1.csv", h, rows, encoding="latin-1", about="Latin-1 text")
    h, rows, _ = table(rng, "people", 120)
    c.csv("comma_utf16be_bom.csv", h, rows, encoding="utf-16-be", bom=True, about="UTF-16 BE with a BOM")
    h, rows, _ = table(rng, "orders", 120, allow="'\"")
    rows = [[v.replace("'", "\u2019") if isinstance(v, str) else v for v in row] for row in rows]
    c.csv("comma_cp1252_no_header.csv", h, rows, header=False, encoding="cp1252", line_ending="\r\n",
          about="Windows-1252 with typographic apostrophes, no header")
    h, rows, _ = table(rng, "sensors", 120)
    rows = [[("" if rng.random() < 0.25 else v) if j > 0 else v for j, v in enumerate(r)] for r in rows]
    c.csv("comma_nulls.csv", h, rows, about="a quarter of the values empty")
    h, rows, _ = table(rng, "sensors", 120)
    blank = io.StringIO(newline="")
    w = csv.writer(blank, lineterminator="\n")
    w.writerow(h)
    for r in rows:
        w.writerow(r)
        if rng.random() < 0.15:
            blank.write("\n")
    c.add("comma_blank_lines.csv", blank.getvalue(), delimiter=",", quote='"', quoting="minimal", header=True,
          about="blank lines between records")

    # --- semicolon ---------------------------------------------------------------------------------
    h, rows, _ = table(rng, "people", 150)
    c.csv("semicolon_dot_decimal.csv", h, rows, delimiter=";", about="semicolons, numbers with a decimal point")
    h, rows, _ = table(rng, "people", 150, decimal_comma=True)
    c.csv("semicolon_no_header.csv", h, rows, delimiter=";", header=False, decimal_comma=True,
          about="semicolons, decimal commas, no header")
    h, rows, _ = table(rng, "people", 150)
    c.csv("semicolon_quote_all.csv", h, rows, delimiter=";", quoting="all", about="semicolons, every field quoted")
    h, rows, _ = table(rng, "european", 200, decimal_comma=True)
    c.csv("semicolon_decimal_comma.csv", h, rows, delimiter=";", decimal_comma=True,
          about="a German spreadsheet's export: decimal commas, dd.mm.yyyy dates")
    h, rows, _ = table(rng, "european", 200, decimal_comma=True)
    c.csv("semicolon_decimal_comma_no_header.csv", h, rows, delimiter=";", header=False, decimal_comma=True,
          about="decimal commas, no header")
    h, rows, _ = table(rng, "orders", 150, thousands=True)
    c.csv("semicolon_decimal_comma_thousands.csv", h, strip_chars(rows, ';"\n'), delimiter=";",
          decimal_comma=True, about="amounts written 1.234,56")
    h, rows, _ = table(rng, "european", 200, decimal_comma=True)
    c.csv("semicolon_excel_bom_crlf.csv", h, rows, delimiter=";", decimal_comma=True, bom=True, line_ending="\r\n",
          about="Excel's 'CSV UTF-8' in a German locale: BOM, CRLF, decimal commas")
    h, rows, _ = table(rng, "european", 150, decimal_comma=True)
    c.csv("semicolon_latin1.csv", h, rows, delimiter=";", decimal_comma=True, encoding="latin-1",
          line_ending="\r\n", about="Latin-1, decimal commas")
    h, rows, _ = table(rng, "orders", 150, allow="'\"", decimal_comma=True)
    rows = [[v.replace("'", "\u2019") + (" \u20ac" if j == 4 and i % 3 == 0 else "") if isinstance(v, str) else v
             for j, v in enumerate(r)] for i, r in enumerate(rows)]
    c.csv("semicolon_cp1252.csv", h, rows, delimiter=";", decimal_comma=True, encoding="cp1252",
          line_ending="\r\n", about="Windows-1252: euro signs, typographic apostrophes, decimal commas")
    h, rows, _ = table(rng, "orders", 150, allow=";,\"\n", decimal_comma=True)
    c.csv("semicolon_embedded.csv", h, rows, delimiter=";", decimal_comma=True,
          about="quoted fields holding semicolons, commas and line breaks")
    h, rows, _ = table(rng, "european", 200, decimal_comma=True)
    c.csv("semicolon_ragged.csv", h, ragged(rng, rows, 0.1), delimiter=";", decimal_comma=True, ragged=True,
          about="10% of the rows ragged")
    c.csv("semicolon_header_only.csv", [x.name for x in columns("european")], [], delimiter=";",
          about="a header and nothing else")
    h, rows, _ = table(rng, "orders", 120, allow=";'")
    c.csv("semicolon_single_quote.csv", h, rows, delimiter=";", quote="'",
          about="semicolons and single quotes")
    people = [[rng.choice(LAST_NAMES) + ", " + rng.choice(FIRST_NAMES), rng.choice(CITIES), rng.randint(18, 90)]
              for _ in range(120)]
    c.csv("semicolon_names_with_commas.csv", ["Name", "Stadt", "Alter"], texts(people), delimiter=";",
          about="'Last, First' names: a comma in every row, unquoted")
    h, rows, _ = table(rng, "european", 150, decimal_comma=True)
    c.csv("semicolon_utf16le_bom.csv", h, rows, delimiter=";", decimal_comma=True, encoding="utf-16-le", bom=True,
          line_ending="\r\n", about="UTF-16 LE with a BOM, semicolons")

    # --- tab ---------------------------------------------------------------------------------------
    h, rows, _ = table(rng, "sensors", 200)
    c.csv("tab_header.tsv", h, rows, delimiter="\t", about="tab-separated with a header")
    h, rows, _ = table(rng, "people", 200)
    c.csv("tab_no_header.tsv", h, rows, delimiter="\t", header=False, about="tab-separated, no header")
    h, rows, _ = table(rng, "orders", 150, allow="\t,\"\n")
    c.csv("tab_quoted_embedded.tsv", h, rows, delimiter="\t",
          about="tab-separated, quoted fields holding tabs, quotes and line breaks")
    h, rows, _ = table(rng, "people", 150)
    c.csv("tab_quote_all.tsv", h, rows, delimiter="\t", quoting="all", about="tab-separated, every field quoted")
    h, rows, _ = table(rng, "sensors", 150)
    c.csv("tab_crlf.tsv", h, rows, delimiter="\t", line_ending="\r\n", about="tab-separated, CRLF")
    h, rows, _ = table(rng, "people", 150)
    c.csv("tab_utf16le_bom.tsv", h, rows, delimiter="\t", encoding="utf-16-le", bom=True, line_ending="\r\n",
          about="Excel's 'Unicode text': UTF-16 LE with a BOM, tabs, CRLF")
    _, _, raw = table(rng, "orders", 150, allow="\t\n\\,'\"")
    raw = [[None if (j == 4 and rng.random() < 0.15) else v for j, v in enumerate(r)] for r in raw]
    raw = [[v + " \\o/" if isinstance(v, str) and rng.random() < 0.05 else v for v in r] for r in raw]  # a backslash
    c.add("tab_backslash_escapes.tsv", text_format(raw), delimiter="\t", quote=None, quoting="none", header=False,
          backslash_escapes=True, about="PostgreSQL COPY TO text format: \\t \\n \\\\ escapes, \\N nulls")
    _, _, raw = table(rng, "orders", 150, allow="\t\n,\"")
    c.add("tab_backslash_escapes_header.tsv", text_format([[x.name for x in columns("orders")]] + raw),
          delimiter="\t", quote=None, quoting="none", header=True, backslash_escapes=True,
          about="COPY TO ... (FORMAT text, HEADER): escapes and a header")
    _, _, raw = table(rng, "people", 150)
    raw = [[("NULL" if rng.random() < 0.1 else v) if j == 1 else v for j, v in enumerate(r)] for r in raw]
    raw[3][0] = "Ann\tMarie Smith"
    raw[7][0] = "C:\\temp\\new"
    c.add("tab_mysql_batch.tsv", text_format([[x.name for x in columns("people")]] + raw), delimiter="\t",
          quote=None, quoting="none", header=True, backslash_escapes=True,
          about="mysql --batch output: a header, backslash escapes")
    h, rows, _ = table(rng, "sensors", 200)
    c.csv("tab_ragged.tsv", h, ragged(rng, rows, 0.1), delimiter="\t", ragged=True,
          about="tab-separated, 10% ragged rows")
    c.csv("tab_header_only.tsv", [x.name for x in columns("people")], [], delimiter="\t",
          about="a header and nothing else")
    h, rows, _ = table(rng, "numbers", 200)
    c.csv("tab_numeric_no_header.tsv", h, rows, delimiter="\t", header=False, about="numbers only, no header")
    h, rows, _ = table(rng, "european", 150, decimal_comma=True)
    c.csv("tab_decimal_comma.tsv", h, rows, delimiter="\t", decimal_comma=True,
          about="tab-separated with decimal commas (a German Excel's text export)")

    # --- pipe and other delimiters -----------------------------------------------------------------
    h, rows, _ = table(rng, "sensors", 200)
    c.csv("pipe_header.psv", h, rows, delimiter="|", about="pipe-separated with a header")
    h, rows, _ = table(rng, "people", 200)
    c.csv("pipe_no_header.psv", h, rows, delimiter="|", header=False, about="pipe-separated, no header")
    h, rows, _ = table(rng, "orders", 150, allow="|,\"\n")
    c.csv("pipe_quoted.psv", h, rows, delimiter="|", about="pipe-separated, quoted fields holding pipes")
    h, rows, _ = table(rng, "people", 150)
    c.csv("pipe_crlf.psv", h, rows, delimiter="|", line_ending="\r\n", about="pipe-separated, CRLF")
    users = []
    for i in range(60):
        name = "user%02d" % i
        users.append([name, "x", 1000 + i, 1000 + rng.randint(0, 5), rng.choice(FIRST_NAMES) + " " + name,
                      "/home/" + name, rng.choice(["/bin/bash", "/bin/sh", "/usr/sbin/nologin"])])
    c.csv("colon_passwd.txt", None, texts(users), delimiter=":", quoting="none", header=False,
          about="/etc/passwd: colon-separated, no header")
    h, rows, _ = table(rng, "people", 120)
    c.csv("caret_header.txt", h, rows, delimiter="^", about="caret-separated with a header")
    h, rows, _ = table(rng, "numbers", 120)
    c.csv("tilde_no_header.txt", h, rows, delimiter="~", header=False, about="tilde-separated numbers, no header")

    # --- small and awkward ------------------------------------------------------------------------------
    c.csv("comma_quoted_header_only.csv", ["id", "name", "value"], [], quoting="all",
          about="a quoted header and nothing else")
    c.csv("semicolon_two_rows.csv", ["Artikel", "Preis"], [["Kaffee", "3,49"], ["Käse", "12,90"]], delimiter=";",
          decimal_comma=True, about="a header and two rows with decimal commas")
    c.csv("comma_two_rows_no_header.csv", None, [[1, 2.5, 3], [4, 5.5, 6]], header=False,
          about="two rows of numbers, no header")
    events = [[i + 1, json.dumps({"user": rng.choice(FIRST_NAMES), "tags": rng.sample(COLOURS, 2),
                                  "score": rng.randint(0, 99)}, ensure_ascii=False)] for i in range(100)]
    c.csv("comma_json_column.csv", ["id", "payload"], events, about="a JSON column: commas and doubled quotes")
    h, rows, _ = table(rng, "orders", 150, allow="")
    c.csv("tab_spaces_in_text.tsv", h, rows, delimiter="\t", about="tab-separated, many spaces in the text")
    h, rows, _ = table(rng, "european", 120, decimal_comma=True)
    rows = [r[:1] + [r[1] + ("\nBio" if rng.random() < 0.2 else "")] + r[2:] for r in rows]
    c.csv("semicolon_excel_cell_breaks.csv", h, rows, delimiter=";", decimal_comma=True, line_ending="\r\n",
          about="Excel: CRLF records, Alt+Enter line breaks (LF) inside quoted cells, decimal commas")
    links = [[i, "https://example.org/item?id=%d&ref=%s;v=%d" % (i, rng.choice(WORDS), rng.randint(1, 3)),
              rng.choice(STATUSES)] for i in range(100)]
    c.csv("comma_url_column.csv", ["id", "url", "status"], links, about="URLs holding : / ? & = and ;")

    # --- lines before the table --------------------------------------------------------------------
    h, rows, _ = table(rng, "sensors", 150)
    c.csv("comma_title_lines.csv", h, rows, preamble=["Sensor readings, building 4", "", "# exported 2024-03-01"],
          about="a title, a blank line and an export note before the header")
    h, rows, _ = table(rng, "european", 150, decimal_comma=True)
    c.csv("semicolon_report_title.csv", h, rows, delimiter=";", decimal_comma=True, bom=True, line_ending="\r\n",
          preamble=["Umsatzbericht März 2024", ""], about="a spreadsheet report: a title line, then the table")

    # --- one column, empty ---------------------------------------------------------------------------
    c.csv("one_column_names.csv", ["name"], [[full_name(rng)] for _ in range(100)], about="one column of names")
    c.csv("one_column_numbers.csv", ["value"], [[round(rng.uniform(0, 100), 2)] for _ in range(100)],
          about="one column of numbers with a header")
    c.csv("one_column_quoted.csv", ["comment"], [[comment(rng, ",")] for _ in range(100)],
          about="one column of sentences with commas, quoted")
    c.add("empty.csv", "", delimiter=",", quote='"', quoting="minimal", header=True, about="an empty file")

    c.write_manifest()


if __name__ == "__main__":
    main()
