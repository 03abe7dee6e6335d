#!/usr/bin/env python3
"""The command benchmark's CPython peer (bench/cli/run.sh): the guide's generator pipelines, as its scenarios write
them — generator functions and generator expressions chained, one record at a time, nothing held but the state of
the answer.

    python3 bench/cli/peer_python.py t1 SENSORS.csv
    python3 bench/cli/peer_python.py t2 APP.log...
    python3 bench/cli/peer_python.py t3 SENSORS.csv

t1: read_rows (csv.DictReader, the guide's process_large_csv without its batches) -> parse_readings (float() on the
    numeric columns, an empty field None) -> the guide's quality_filter and sensor_data_filter (its status column is
    called `status` here) -> aggregate_by: count, mean, min, max of value per category.
t2: the guide's analyze_log_files, with one correction: stage 2 matches the level field (the third space-separated
    field), where the guide's `'ERROR' in line` also counts INFO lines whose message mentions ERROR; then the
    records are counted per hour and level.
t3: the guide's real_time_anomaly_detector (its code, window 100, threshold 2.5), one coroutine per sensor, fed
    the rows with a value by send(); the anomalies and rows are counted per category.

Prints one line of JSON: {"tool": "python", "task": ..., "answer": ..., "how": ...}. The answer,
as every peer of bench/cli gives it and bench/cli/collect.py compares it:
    t1: {category: {"count": rows kept, "mean_value", "min_value", "max_value"}}
    t2: {"YYYY-MM-DD HH:00 LEVEL": lines}
    t3: {category: {"rows": rows with a value, "anomalies": anomalous rows}}
"""

import argparse
import csv
import json
import sys
from collections import Counter

NUMERIC = ("value", "temperature", "humidity", "quality_score")


# --- t1 -----------------------------------------------------------------------------------------------------------

def read_rows(filename):
    """Stage 1: one dict per CSV row, the file streamed (the guide's process_large_csv, one row at a time)."""
    with open(filename, newline="", encoding="utf-8") as file:
        yield from csv.DictReader(file)


def parse_readings(rows):
    """Stage 2: the numeric columns as floats, an empty field as None."""
    for row in rows:
        for name in NUMERIC:
            field = row[name]
            row[name] = float(field) if field else None
        yield row


# The guide's "Conditional Generator Expressions", with None checks where a missing value would raise.
def quality_filter(data_stream, min_quality=0.8):
    """Filter data based on quality score"""
    return (
        record for record in data_stream
        if (record.get('quality_score') or 0) >= min_quality
    )


def sensor_data_filter(sensor_stream):
    """Complex filtering for sensor data"""
    return (
        reading for reading in sensor_stream
        if (
            reading['temperature'] is not None and
            -50 <= reading['temperature'] <= 100 and
            reading['humidity'] is not None and
            0 <= reading['humidity'] <= 100 and
            reading.get('status') == 'active'
        )
    )


def aggregate_by(readings, key, column):
    """The terminal stage: rows, and count, sum, min, max of `column` (its non-missing values), per `key`."""
    groups = {}
    for reading in readings:
        g = groups.get(reading[key])
        if g is None:
            g = groups[reading[key]] = [0, 0, 0.0, None, None]
        g[0] += 1
        x = reading[column]
        if x is not None:
            g[1] += 1
            g[2] += x
            g[3] = x if g[3] is None or x < g[3] else g[3]
            g[4] = x if g[4] is None or x > g[4] else g[4]
    return groups


def t1(path):
    readings = sensor_data_filter(quality_filter(parse_readings(read_rows(path))))
    groups = aggregate_by(readings, "category", "value")
    return {k: {"count": rows, "mean_value": total / n if n else None, "min_value": low, "max_value": high}
            for k, (rows, n, total, low, high) in groups.items()}


# --- t2 -----------------------------------------------------------------------------------------------------------

LEVELS = ("ERROR", "CRITICAL")


def level_of(line):
    """The level field of `2024-03-01 12:00:07 ERROR db.pool: ...`: the third space-separated field."""
    parts = line.split(" ", 3)
    return parts[2] if len(parts) > 2 else None


def analyze_log_files(log_files):
    """Multi-stage generator pipeline for log analysis (the guide's, stage 2 reading the level field)"""

    # Stage 1: Read all log files
    all_lines = (
        line.strip()
        for filename in log_files
        for line in open(filename, 'r')
    )

    # Stage 2: Filter error lines, by their level field
    error_lines = (
        line for line in all_lines
        if level_of(line) in LEVELS
    )

    # Stage 3: Parse structured data
    parsed_errors = (
        {
            'timestamp': line[:19],
            'level': level_of(line),
            'message': line[20:],
        }
        for line in error_lines
    )

    return parsed_errors


def t2(paths):
    counts = Counter((error['timestamp'][:13], error['level']) for error in analyze_log_files(paths))
    return {f"{hour}:00 {level}": n for (hour, level), n in counts.items()}


# --- t3 -----------------------------------------------------------------------------------------------------------

# The guide's "Advanced Coroutine: Real-time Data Processor", as written (the window of 100 is its own).
def real_time_anomaly_detector(threshold=2.0):
    """Coroutine for real-time anomaly detection"""
    data_history = []

    while True:
        # Receive new data point
        new_value = yield

        if new_value is not None:
            data_history.append(new_value)

            # Keep only last 100 points for moving statistics
            if len(data_history) > 100:
                data_history.pop(0)

            # Calculate z-score for anomaly detection
            if len(data_history) > 10:
                mean = sum(data_history) / len(data_history)
                variance = sum((x - mean) ** 2 for x in data_history) / len(data_history)
                std_dev = variance ** 0.5

                if std_dev > 0:
                    z_score = abs(new_value - mean) / std_dev
                    is_anomaly = z_score > threshold

                    result = {
                        'value': new_value,
                        'z_score': z_score,
                        'is_anomaly': is_anomaly,
                        'mean': mean,
                        'std_dev': std_dev
                    }

                    anomaly_result = yield result


def values_by_sensor(rows):
    """(sensor, category, value) of the rows with a value."""
    for row in rows:
        field = row["value"]
        if field:
            yield row["sensor"], row["category"], float(field)


def detect_per_sensor(readings, threshold=2.5):
    """(category, is_anomaly) per reading, each sensor's values sent to its own detector. The guide's usage
    (`detector.send(x); analysis = next(detector)`) would always read None: send() returns the analysis, and the
    next() that follows brings the coroutine back to its `new_value = yield` (it is a no-op when it is already
    there: a None value is ignored)."""
    detectors = {}
    for sensor, category, value in readings:
        detector = detectors.get(sensor)
        if detector is None:
            detector = detectors[sensor] = real_time_anomaly_detector(threshold=threshold)
            next(detector)  # Prime
        analysis = detector.send(value)
        next(detector)
        yield category, analysis is not None and analysis['is_anomaly']


def t3(path):
    counts = {}
    for category, is_anomaly in detect_per_sensor(values_by_sensor(read_rows(path))):
        c = counts.get(category)
        if c is None:
            c = counts[category] = {"rows": 0, "anomalies": 0}
        c["rows"] += 1
        c["anomalies"] += is_anomaly
    return counts


HOW = {
    "t1": "csv.DictReader -> float() -> the guide's quality_filter and sensor_data_filter -> count/sum/min/max per "
          "category",
    "t2": "the guide's analyze_log_files (stage 2 on the level field) -> collections.Counter per hour and level",
    "t3": "the guide's real_time_anomaly_detector(threshold=2.5), one per sensor, send() per row with a value",
}


def main():
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("task", choices=("t1", "t2", "t3"))
    p.add_argument("files", nargs="+")
    args = p.parse_args()
    if args.task != "t2" and len(args.files) != 1:
        p.error(f"{args.task} takes one file")
    if args.task == "t1":
        answer = t1(args.files[0])
    elif args.task == "t2":
        answer = t2(args.files)
    else:
        answer = t3(args.files[0])
    print(json.dumps({
        "tool": "python",
        "task": args.task,
        "answer": answer,
        "how": f"CPython {sys.version.split()[0]}: {HOW[args.task]}",
    }))


if __name__ == "__main__":
    main()
