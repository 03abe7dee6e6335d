#!/usr/bin/env python3
"""Gathers the runs of bench/io/run.sh into bench/results/io.json and checks that every answer agrees.

Called by bench/io/run.sh, not by hand. Reads the manifest (one line per command: name, kind, task, input,
basis file, shell-quoted command) and the runs (one line per repetition: name, kind, task, input, basis,
repetition, wall seconds, stdout file, /usr/bin/time -v file). Exits 1, after writing io.json with
"answers_agree": false and the disagreements under "problems", when two answers differ: integers must be
equal, sums equal to 1e-9 relative (with 1e-6 absolute for a sum near zero).
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from common import close, machine, parse_time  # noqa: E402  (bench/common.py)

CSV_KEYS = ("rows", "sum_value", "sum_temperature", "count_humidity", "sum_quality_score")

# The tables of the report, in order: the runs they show, and which runs are their references. MB/s are
# always of the uncompressed data (the CSV for gz and zst inputs). `cat` is the CSV's for every table but
# JSON lines; `wc` is the line counter of the same input.
TABLES = [
    {"key": "lines", "title": "Lines of the CSV file", "input": "csv", "cat": "cat-csv", "wc": "wc-csv",
     "yieldpipe": "yieldpipe-lines", "runs": ["cat-csv", "wc-csv", "python-lines", "yieldpipe-lines"]},
    {"key": "csv", "title": "CSV to typed fields", "input": "csv", "cat": "cat-csv", "wc": "wc-csv",
     "yieldpipe": "yieldpipe-csv",
     "runs": ["cat-csv", "python-csv", "duckdb-csv", "duckdb-csv-auto", "polars-csv", "polars-csv-streaming",
              "yieldpipe-csv"]},
    {"key": "jsonl", "title": "JSON lines to typed fields", "input": "jsonl", "cat": "cat-jsonl", "wc": "wc-jsonl",
     "yieldpipe": "yieldpipe-jsonl",
     "runs": ["cat-jsonl", "wc-jsonl", "python-json", "duckdb-jsonl", "duckdb-jsonl-auto", "polars-jsonl",
              "polars-jsonl-streaming", "yieldpipe-jsonl"]},
    {"key": "gz", "title": "Lines of the gzip-compressed CSV", "input": "gz", "cat": "cat-csv", "wc": "zcat-wc",
     "yieldpipe": "yieldpipe-lines-gz", "runs": ["cat-csv", "zcat", "zcat-wc", "python-gzip-lines", "yieldpipe-lines-gz"]},
    {"key": "zst", "title": "Lines of the zstd-compressed CSV", "input": "zst", "cat": "cat-csv", "wc": "zstd-wc",
     "yieldpipe": "yieldpipe-lines-zst", "runs": ["cat-csv", "zstd", "zstd-wc", "yieldpipe-lines-zst"]},
]

DESCRIPTIONS = {
    "cat-csv": "`cat FILE >/dev/null`",
    "wc-csv": "`wc -l FILE`",
    "cat-jsonl": "`cat FILE >/dev/null`",
    "wc-jsonl": "`wc -l FILE`",
    "zcat": "`zcat FILE.gz >/dev/null`",
    "zcat-wc": "`zcat FILE.gz \\| wc -l`",
    "zstd": "`zstd -dc FILE.zst >/dev/null`",
    "zstd-wc": "`zstd -dc FILE.zst \\| wc -l`",
}


def parse_output(path):
    """The answer and the details a command printed: a JSON line (the peers, yieldpipe), `wc -l`'s count, or
    nothing (cat)."""
    text = pathlib.Path(path).read_text().strip()
    if not text:
        return None, {}
    last = text.splitlines()[-1].strip()
    if last.startswith("{"):
        data = json.loads(last)
        answer = data.pop("answer", None)
        if answer is None:  # tolerate the answer's keys at the top level
            answer = {k: data.pop(k) for k in list(data) if k in CSV_KEYS or k == "lines"}
        return answer, data
    m = re.match(r"^(\d+)\b", last)
    if m:
        return {"lines": int(m.group(1))}, {}
    raise ValueError(f"{path}: cannot read an answer from {last[:200]!r}")


def same_answer(a, b):
    if a is None or b is None:
        return a is b
    return set(a) == set(b) and all(close(a[k], b[k]) for k in a)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--manifest", required=True)
    p.add_argument("--runs", required=True)
    p.add_argument("--out", required=True, type=pathlib.Path)
    p.add_argument("--repetitions", type=int, required=True)
    p.add_argument("--generator", required=True)
    p.add_argument("--csv", required=True)
    p.add_argument("--jsonl", required=True)
    p.add_argument("--gz", required=True)
    p.add_argument("--zst", required=True)
    p.add_argument("--started", required=True)
    p.add_argument("--load-start", required=True)
    p.add_argument("--load-end", required=True)
    p.add_argument("--yieldpipe", required=True)
    args = p.parse_args()

    commands = {}
    for line in pathlib.Path(args.manifest).read_text().splitlines():
        name, kind, task, input_file, basis, command = line.split("\t")
        commands[name] = command.strip()

    runs = {}
    problems = []
    for line in pathlib.Path(args.runs).read_text().splitlines():
        name, kind, task, input_file, basis, rep, wall, out, timef = line.split("\t")
        answer, details = parse_output(out)
        r = runs.setdefault(name, {**details, "name": name, "kind": kind, "task": task, "input": input_file,
                                   "input_bytes": os.path.getsize(input_file), "basis_bytes": os.path.getsize(basis),
                                   "command": commands[name], "description": DESCRIPTIONS.get(name),
                                   "repetitions": [], "answer": answer})
        r["repetitions"].append({"wall_s": float(wall), **parse_time(timef)})
        if not same_answer(answer, r["answer"]):
            problems.append(f"{name}: repetition {rep} answered {answer}, repetition 1 {r['answer']}")

    for r in runs.values():
        reps = r["repetitions"]
        best = min(reps, key=lambda x: x["wall_s"])
        r["wall_s"] = best["wall_s"]
        r["user_s"], r["sys_s"] = best["user_s"], best["sys_s"]
        r["cpu_s"] = best["user_s"] + best["sys_s"]
        r["cpu_over_wall"] = r["cpu_s"] / best["wall_s"] if best["wall_s"] > 0 else None
        r["peak_rss_kib"] = max(x["peak_rss_kib"] for x in reps)
        r["mb_per_s"] = r["basis_bytes"] / 1e6 / best["wall_s"]

    # Every answer must agree: the typed tasks (CSV and JSON lines: the same data) with each other; the line
    # counts of the CSV, plain or compressed, with each other; the JSON lines' count with the rows.
    typed = [r for r in runs.values() if r["task"] in ("csv", "jsonl")]
    reference = typed[0] if typed else None
    for r in typed[1:]:
        for key in CSV_KEYS:
            a, b = reference["answer"].get(key), r["answer"].get(key)
            if not close(a, b):
                problems.append(f"{r['name']}: {key} = {b!r}, but {reference['name']}: {a!r}")
    line_runs = [r for r in runs.values() if r["task"] == "lines" and r["input"] != args.jsonl]
    for r in line_runs[1:]:
        if r["answer"] != line_runs[0]["answer"]:
            problems.append(f"{r['name']}: {r['answer']}, but {line_runs[0]['name']}: {line_runs[0]['answer']}")
    json_lines = [r for r in runs.values() if r["task"] == "lines" and r["input"] == args.jsonl]
    for r in json_lines:
        if reference and r["answer"].get("lines") != reference["answer"]["rows"]:
            problems.append(f"{r['name']}: {r['answer']} lines of JSON, but {reference['name']}: "
                            f"{reference['answer']['rows']} rows")
    for r in runs.values():
        if r["kind"] != "startup" and r["task"] in ("csv", "jsonl", "lines") and not r["answer"]:
            problems.append(f"{r['name']}: no answer")

    startup = {name[len("startup-"):]: r["wall_s"] for name, r in runs.items() if r["kind"] == "startup"}

    # One thread each: a process that got much more CPU time than wall time ran on both cores.
    warnings = [f"{r['name']}: CPU time {r['cpu_s']:.2f} s over {r['wall_s']:.2f} s of wall time: more than one "
                "thread at work" for r in runs.values() if r["cpu_over_wall"] and r["cpu_over_wall"] > 1.25
                and not r["name"].endswith("-wc")]
    for w in warnings:
        print(f"io: warning: {w}", file=sys.stderr)

    result = {
        "started": args.started,
        "written": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(args.load_start, args.load_end),
        "versions": {
            "python": platform.python_version(),
            "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(),
            "coreutils": subprocess.run(["cat", "--version"], capture_output=True, text=True).stdout.splitlines()[0],
            "gzip": subprocess.run(["gzip", "--version"], capture_output=True, text=True).stdout.splitlines()[0],
            "zstd": subprocess.run(["zstd", "--version"], capture_output=True, text=True).stdout.strip(),
        },
        "repetitions": args.repetitions,
        "data": {
            "generator": args.generator,
            "csv": {"path": args.csv, "bytes": os.path.getsize(args.csv)},
            "jsonl": {"path": args.jsonl, "bytes": os.path.getsize(args.jsonl),
                      "made_by": "bench/io/csv_to_jsonl.py"},
            "gz": {"path": args.gz, "bytes": os.path.getsize(args.gz), "made_by": "gzip -6"},
            "zst": {"path": args.zst, "bytes": os.path.getsize(args.zst), "made_by": "zstd -3"},
            "rows": reference["answer"]["rows"] if reference else None,
        },
        "yieldpipe": args.yieldpipe,
        "tables": TABLES,
        "runs": runs,
        "startup_wall_s": startup,
        "answer": reference["answer"] if reference else None,
        "answers_agree": not problems,
        "problems": problems,
        "warnings": warnings,
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    if problems:
        print("io: THE ANSWERS DISAGREE:", *problems, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"io: every answer agrees ({len(runs)} commands, {args.repetitions} repetitions): {result['answer']}")


if __name__ == "__main__":
    main()
