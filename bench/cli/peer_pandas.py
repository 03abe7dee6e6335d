#!/usr/bin/python3
"""The command benchmark's pandas peer (bench/cli/run.sh): chunked `read_csv`, each chunk reduced to a small partial
answer, the partials combined at the end — pandas' way to stream a file larger than memory (the guide's
pandas_chunk_processor). Debian's python3-pandas: run it with /usr/bin/python3.

    /usr/bin/python3 bench/cli/peer_pandas.py t1 SENSORS.csv [--chunksize N]
    /usr/bin/python3 bench/cli/peer_pandas.py t2 APP.log... [--chunksize N]
    /usr/bin/python3 bench/cli/peer_pandas.py t3 SENSORS.csv [--chunksize N]

Chunks of 100 000 rows by default (the guide's 10 000 costs more per row: a fixed cost per chunk), only the columns
a task needs (usecols), the types given.

t1: per chunk, the rows matching the filter, grouped by category: size, count, sum, min, max of value; combined
    (sums, min of min, max of max), mean = sum / count.
t2: the lines read as space-separated fields with the first three kept (date, time, level; quoting off), the
    ERROR and CRITICAL ones counted per (date + hour, level) per chunk; the counts added up.
t3: the window of a sensor spans chunks, so each chunk is processed after the last 99 values of every sensor from
    the chunks before it (their tail): groupby("sensor").rolling(100, min_periods=1) gives the mean and the
    population's std (ddof=0) of the last 100 values, the new one included; a row's rank in its sensor is the
    sensor's count before the chunk plus its cumcount in the chunk; an anomaly when the rank is above 10, the std
    above 0 and |value - mean| / std above 2.5.

Prints one line of JSON with the answer as bench/cli/peer_python.py describes it.
"""

import argparse
import csv
import json
import sys

import pandas as pd

WINDOW = 100
THRESHOLD = 2.5
MIN_HISTORY = 10


def t1(path, chunksize):
    parts = []
    columns = ["category", "value", "temperature", "humidity", "status", "quality_score"]
    dtype = {"category": str, "status": str, "value": float, "temperature": float, "humidity": float,
             "quality_score": float}
    for chunk in pd.read_csv(path, usecols=columns, dtype=dtype, chunksize=chunksize):
        kept = chunk[(chunk["status"] == "active") & (chunk["quality_score"] >= 0.8)
                     & chunk["temperature"].between(-50, 100) & chunk["humidity"].notna()
                     & chunk["humidity"].between(0, 100)]
        parts.append(kept.groupby("category")["value"].agg(["size", "count", "sum", "min", "max"]))
    total = pd.concat(parts).groupby(level=0).agg({"size": "sum", "count": "sum", "sum": "sum", "min": "min",
                                                   "max": "max"})
    return {category: {"count": int(r["size"]), "mean_value": r["sum"] / r["count"] if r["count"] else None,
                       "min_value": float(r["min"]), "max_value": float(r["max"])}
            for category, r in total.iterrows()}


def t2(paths, chunksize):
    counts = None
    for path in paths:
        for chunk in pd.read_csv(path, sep=" ", header=None, usecols=[0, 1, 2], names=["date", "time", "level"],
                                 quoting=csv.QUOTE_NONE, dtype=str, chunksize=chunksize):
            errors = chunk[chunk["level"].isin(["ERROR", "CRITICAL"])]
            hour = errors["date"] + " " + errors["time"].str[:2] + ":00"
            part = errors.groupby([hour, errors["level"]]).size()
            counts = part if counts is None else counts.add(part, fill_value=0)
    return {f"{hour} {level}": int(n) for (hour, level), n in counts.items()}


def t3(path, chunksize):
    tail = None  # the last WINDOW - 1 values of each sensor, from the chunks before
    seen = pd.Series(dtype="int64")  # values per sensor so far
    rows = pd.Series(dtype="int64")
    anomalies = pd.Series(dtype="int64")
    dtype = {"sensor": str, "category": str, "value": float}
    for chunk in pd.read_csv(path, usecols=["sensor", "category", "value"], dtype=dtype, chunksize=chunksize):
        chunk = chunk[chunk["value"].notna()]
        frame = chunk if tail is None else pd.concat([tail, chunk])
        window = frame.groupby("sensor", sort=False)["value"].rolling(WINDOW, min_periods=1)
        mean = window.mean().droplevel(0).reindex(chunk.index)
        std = window.std(ddof=0).droplevel(0).reindex(chunk.index)
        rank = chunk["sensor"].map(seen).fillna(0).astype("int64") + chunk.groupby("sensor").cumcount() + 1
        anomalous = (rank > MIN_HISTORY) & (std > 0) & ((chunk["value"] - mean).abs() / std > THRESHOLD)
        rows = rows.add(chunk.groupby("category").size(), fill_value=0)
        anomalies = anomalies.add(anomalous.groupby(chunk["category"]).sum(), fill_value=0)
        seen = seen.add(chunk.groupby("sensor").size(), fill_value=0)
        tail = frame.groupby("sensor", sort=False).tail(WINDOW - 1)
    return {category: {"rows": int(n), "anomalies": int(anomalies.get(category, 0))} for category, n in rows.items()}


HOW = {
    "t1": "read_csv(chunksize, usecols, dtype) -> boolean mask -> groupby('category').value.agg(size, count, sum, "
          "min, max) per chunk -> combined",
    "t2": "read_csv(sep=' ', usecols=[0, 1, 2], quoting=QUOTE_NONE, chunksize) -> isin(ERROR, CRITICAL) -> "
          "groupby([hour, level]).size() per chunk -> added",
    "t3": "read_csv(chunksize) with each sensor's last 99 values carried over -> groupby('sensor').rolling(100, "
          "min_periods=1).mean() / .std(ddof=0), rank by cumcount -> anomalies per category",
}


def main():
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("task", choices=("t1", "t2", "t3"))
    p.add_argument("files", nargs="+")
    p.add_argument("--chunksize", type=int, default=100_000)
    args = p.parse_args()
    if args.task != "t2" and len(args.files) != 1:
        p.error(f"{args.task} takes one file")
    if args.task == "t1":
        answer = t1(args.files[0], args.chunksize)
    elif args.task == "t2":
        answer = t2(args.files, args.chunksize)
    else:
        answer = t3(args.files[0], args.chunksize)
    print(json.dumps({
        "tool": "pandas",
        "task": args.task,
        "answer": answer,
        "how": f"pandas {pd.__version__} (CPython {sys.version.split()[0]}), chunksize={args.chunksize}: "
               f"{HOW[args.task]}",
    }))


if __name__ == "__main__":
    main()
