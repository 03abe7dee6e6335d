#!/usr/bin/env python3
"""Gathers the runs of bench/cli/run.sh into bench/results/cli.json and checks that every answer equals ours.

Called by bench/cli/run.sh, not by hand. Reads the manifest (one line per command: name, kind, task, output format,
input bytes, inputs, shell-quoted command) and the runs (one line per repetition: the same fields but the command,
then repetition, wall seconds, stdout file, /usr/bin/time -v file), and the one run of yieldpipe on the larger
input. Every output is read into the answer of its task, whatever its format:
    json      the last line is JSON with an "answer" (the peers: see bench/cli/peer_python.py for the answers' keys)
    csv       CSV with a header, as yieldpipe writes it: t1 category,count,mean_value,min_value,max_value;
              t2 hour,level,count; t3 category,rows,anomalies (Miller's commands are written to give the same)
    uniq-c    `sort | uniq -c` lines of "COUNT DATE HH LEVEL" (the grep and rg pipelines of t2)
    csv-file  the command wrote CSV to a file (t4, t4b, t5), which run.sh digested right after the run with
              `collect.py --digest FILE` and deleted: the last line of the stdout is that digest, {"answer": {header,
              rows, checksum, ordered_checksum}}; a JSON line before it (the Node peers') gives the details.
Then every answer of a task must equal yieldpipe's (yieldpipe-TASK, its one-thread run: yieldpipe-default-TASK, its
run at its default thread count, is checked against it like the peers), in every repetition: the same keys, counts
exactly, means, minima and maxima to 1e-9 relative; for t5 the same header, rows and checksum (the rows in another
order only warn); for t4 and t4b the same header, rows, checksum and ordered checksum (the rows sorted by key). Exits 1, after writing cli.json with "answers_agree": false and the disagreements under
"problems", when one does not.

    collect.py --digest FILE   prints the digest of a CSV file, as one line of JSON (see digest()).
"""

import argparse
import csv
import datetime
import hashlib
import io
import json
import math
import pathlib
import platform
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from common import close, first_line, machine, parse_time  # noqa: E402  (bench/common.py)

COUNT_KEYS = {"count", "rows", "anomalies"}
TASKS = {
    "t1": "filter, then count, mean, min and max of value by category",
    "t2": "ERROR and CRITICAL lines per hour and level",
    "t3": "rolling z-score anomalies per sensor (window 100, threshold 2.5), counted by category",
    "t4": "one group per row: count and mean of value by id, written to a CSV file sorted by id's text",
    "t4b": "count and mean of value by timestamp and sensor, written to a CSV file sorted by both texts",
    "t4m": "T4 in 256 MB (yieldpipe --max-memory 256MB, DuckDB memory_limit '256MB'): the same file as T4's",
    "t5": "the readings with value > 50 written to a CSV file: id, sensor, value, temp_f = temperature * 1.8 + 32",
}
T5_KEYS = ("header", "rows", "checksum")
T4_KEYS = ("header", "rows", "checksum", "ordered_checksum")  # sorted by key: the order is part of the answer


def number(text):
    """A CSV field as the number it writes: int when it reads as one, else float; empty is None."""
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        return float(text)


def answer_from_csv(task, text):
    records = list(csv.DictReader(io.StringIO(text)))
    if task == "t1":
        return {r["category"]: {k: number(r[k]) for k in ("count", "mean_value", "min_value", "max_value")}
                for r in records}
    if task == "t2":
        return {f"{r['hour']} {r['level']}": int(r["count"]) for r in records}
    return {r["category"]: {k: int(r[k]) for k in ("rows", "anomalies")} for r in records}


def canonical(field):
    """A CSV field in one form whichever tool wrote it: a number as 12 significant digits (64.50, 64.5 and
    64.50000000000001 are one number; the data's numbers have two decimals, so a float's last-digit error cannot
    cross a rounding boundary at 12 digits), -0 as 0, empty (null) as empty, other text as it is."""
    if field == "":
        return ""
    try:
        x = float(field)
    except ValueError:
        return field
    if not math.isfinite(x):
        return repr(x)
    return "0" if x == 0 else format(x, ".12g")


def digest(path):
    """A CSV file's header, its rows (header excluded), and two checksums of the rows, each field canonical():
    checksum, the sum of the rows' 64-bit BLAKE2b hashes mod 2^64 (whatever their order), and ordered_checksum, one
    BLAKE2b over the rows in the file's order."""
    rows, total = 0, 0
    ordered = hashlib.blake2b(digest_size=8)
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        for record in reader:
            line = "\x1f".join(map(canonical, record)).encode() + b"\n"
            total += int.from_bytes(hashlib.blake2b(line, digest_size=8).digest(), "little")
            ordered.update(line)
            rows += 1
    return {"header": header, "rows": rows, "checksum": f"{total % (1 << 64):016x}",
            "ordered_checksum": ordered.hexdigest()}


def answer_from_uniq_c(text):
    answer = {}
    for line in text.splitlines():
        count, date, hour, level = line.split()
        answer[f"{date} {hour}:00 {level}"] = int(count)
    return answer


def parse_output(task, fmt, path):
    """The answer and the details (how, threads, memory) a command printed."""
    text = pathlib.Path(path).read_text()
    if fmt == "json":
        data = json.loads(text.strip().splitlines()[-1])
        return data.pop("answer"), data
    if fmt == "csv":
        return answer_from_csv(task, text), {}
    if fmt == "uniq-c":
        return answer_from_uniq_c(text), {}
    if fmt == "csv-file":
        lines = text.strip().splitlines()
        details = json.loads(lines[-2]) if len(lines) >= 2 and lines[-2].startswith("{") else {}
        details.pop("answer", None)
        return json.loads(lines[-1])["answer"], details
    raise ValueError(f"{path}: unknown output format {fmt!r}")


def differences(task, reference, answer):
    """How `answer` differs from `reference` (empty when equal)."""
    out = []
    if task in ("t4", "t4b", "t4m", "t5"):
        keys = T5_KEYS if task == "t5" else T4_KEYS
        return [f"{k}: {answer.get(k)!r}, expected {reference[k]!r}" for k in keys if answer.get(k) != reference[k]]
    if set(answer) != set(reference):
        missing, extra = sorted(set(reference) - set(answer)), sorted(set(answer) - set(reference))
        out.append(f"keys differ: missing {missing[:5]}{'...' if len(missing) > 5 else ''}, extra "
                   f"{extra[:5]}{'...' if len(extra) > 5 else ''}")
    for key in sorted(set(answer) & set(reference)):
        a, b = reference[key], answer[key]
        if task == "t2":
            if a != b:
                out.append(f"{key}: {b}, expected {a}")
            continue
        for field in a:
            x, y = a[field], b.get(field)
            same = x == y if field in COUNT_KEYS or x is None or y is None else close(x, y)
            if not same:
                out.append(f"{key}.{field}: {y!r}, expected {x!r}")
    return out


def main():
    if sys.argv[1:2] == ["--digest"]:
        if len(sys.argv) != 3:
            sys.exit("usage: collect.py --digest FILE.csv")
        print(json.dumps({"answer": digest(sys.argv[2])}))
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--manifest", required=True)
    p.add_argument("--runs", required=True)
    p.add_argument("--large", help="the larger input's run: a file with the runs line of yieldpipe's t1 on it")
    p.add_argument("--out", required=True, type=pathlib.Path)
    p.add_argument("--repetitions", type=int, required=True)
    p.add_argument("--data", required=True, help="JSON: the data files and how they were made")
    p.add_argument("--started", required=True)
    p.add_argument("--load-start", required=True)
    p.add_argument("--load-end", required=True)
    p.add_argument("--load-max", type=float, help="the largest 1-minute load average sampled during the runs")
    p.add_argument("--nproc", type=int, help="the cores this process may use (nproc): the default thread counts")
    args = p.parse_args()
    data = json.loads(args.data)

    commands = {}
    for line in pathlib.Path(args.manifest).read_text().splitlines():
        fields = line.split("\t")
        commands[fields[0]] = fields[-1].strip()

    runs = {}
    problems = []

    def add_run(line):
        name, kind, task, fmt, nbytes, inputs, rep, wall, out, timef = line.split("\t")
        answer, details = parse_output(task, fmt, out)
        r = runs.setdefault(name, {**details, "name": name, "kind": kind, "task": task, "format": fmt,
                                   "input_bytes": int(nbytes), "inputs": inputs.split(),
                                   "command": commands.get(name, details.get("command")), "repetitions": [],
                                   "answer": answer})
        r["repetitions"].append({"wall_s": float(wall), **parse_time(timef)})
        if differences(task, r["answer"], answer):
            problems.append(f"{name}: repetition {rep} answered differently from repetition 1: "
                            + "; ".join(differences(task, r["answer"], answer)[:5]))

    for line in pathlib.Path(args.runs).read_text().splitlines():
        add_run(line)
    if args.large:
        large_line = pathlib.Path(args.large).read_text().strip()
        commands[large_line.split("\t")[0]] = None
        add_run(large_line)

    for r in runs.values():
        reps = r["repetitions"]
        r["wall_s"] = min(x["wall_s"] for x in reps)
        fastest = min(reps, key=lambda x: x["user_s"] + x["sys_s"])
        r["user_s"], r["sys_s"] = fastest["user_s"], fastest["sys_s"]
        r["cpu_s"] = fastest["user_s"] + fastest["sys_s"]
        r["cpu_over_wall"] = r["cpu_s"] / r["wall_s"] if r["wall_s"] > 0 else None
        r["peak_rss_kib"] = max(x["peak_rss_kib"] for x in reps)
        r["mb_per_s"] = r["input_bytes"] / 1e6 / r["wall_s"]
        r["mb_per_cpu_s"] = r["input_bytes"] / 1e6 / r["cpu_s"] if r["cpu_s"] > 0 else None

    # Every answer of a task must equal yieldpipe's one-thread answer (the first run of the task when yieldpipe did
    # not run).
    reference = {}
    for r in runs.values():
        if r["kind"] == "large":
            continue
        if r["task"] not in reference or r["name"] == f"yieldpipe-{r['task']}":
            reference[r["task"]] = r
    for r in runs.values():
        ref = reference.get(r["task"])
        if r["kind"] == "large" or ref is None or r is ref:
            continue
        diff = differences(r["task"], ref["answer"], r["answer"])
        if diff:
            problems.append(f"{r['name']}: differs from {ref['name']}: " + "; ".join(diff[:5])
                            + (f" (and {len(diff) - 5} more)" if len(diff) > 5 else ""))
    for task, ref in reference.items():
        if not ref["answer"]:
            problems.append(f"{task}: {ref['name']} answered nothing")

    # The larger input: the same categories, about ten times the rows (the same generator, ten times the bytes).
    large = next((r for r in runs.values() if r["kind"] == "large"), None)
    if large and "t1" in reference:
        small = reference["t1"]["answer"]
        if set(large["answer"]) != set(small):
            problems.append(f"{large['name']}: categories {sorted(large['answer'])}, but {sorted(small)} on the "
                            "smaller input")
        else:
            ratio = sum(g["count"] for g in large["answer"].values()) / sum(g["count"] for g in small.values())
            expected = large["input_bytes"] / reference["t1"]["input_bytes"]
            large["rows_ratio"] = ratio
            if abs(ratio / expected - 1) > 0.05:
                problems.append(f"{large['name']}: {ratio:.3f} times the rows kept on the smaller input, for "
                                f"{expected:.3f} times the bytes: not the whole stream?")

    # One thread each for DuckDB and Polars in their one-thread runs: a process that got much more CPU time than wall
    # time used more.
    warnings = [f"{r['name']}: CPU time {r['cpu_s']:.2f} s over {r['wall_s']:.2f} s of wall time: more than one "
                "thread at work" for r in runs.values()
                if r["cpu_over_wall"] and r["cpu_over_wall"] > 1.25 and r["name"].startswith(("duckdb", "polars"))
                and "-default-" not in r["name"]]
    warnings += [f"yieldpipe {cmd} does not take --threads: its one-thread run ran without the flag, at its default"
                 for cmd, has in sorted(data.get("yieldpipe_threads_flag", {}).items()) if not has]
    # T5: the same rows in another order is the same data, but worth saying.
    ref5 = reference.get("t5")
    warnings += [f"{r['name']}: the same rows as {ref5['name']}, in another order" for r in runs.values()
                 if ref5 and r["task"] == "t5" and r is not ref5 and not differences("t5", ref5["answer"], r["answer"])
                 and r["answer"].get("ordered_checksum") != ref5["answer"].get("ordered_checksum")]
    for w in warnings:
        print(f"cli: warning: {w}", file=sys.stderr)

    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    result = {
        "started": args.started,
        "written": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {**machine(args.load_start, args.load_end), "load_average_max": args.load_max,
                    "nproc": args.nproc},
        "versions": {
            "python": platform.python_version(),
            "node": node,
            "mlr": first_line("mlr", "--version"),
            "mawk": first_line("mawk", "-W", "version"),
            "grep": first_line("grep", "--version"),
            "rg": first_line("rg", "--version"),
            "sort": first_line("sort", "--version"),
        },
        "repetitions": args.repetitions,
        "data": data,
        "tasks": TASKS,
        "runs": runs,
        "answers": {task: ref["answer"] for task, ref in reference.items()},
        "answers_agree": not problems,
        "problems": problems,
        "warnings": warnings,
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    if problems:
        print("cli: THE ANSWERS DISAGREE:", *problems, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"cli: every answer equals yieldpipe's ({len(runs)} commands, {args.repetitions} repetitions)")


if __name__ == "__main__":
    main()
