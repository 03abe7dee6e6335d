"""What the collectors of the comparison benchmarks (bench/io/collect.py, bench/cli/collect.py) share: reading the
output of /usr/bin/time -v, comparing numbers, and the machine's description. Imported, not run."""

import os
import pathlib
import platform
import re
import subprocess

REL_TOL = 1e-9
ABS_TOL = 1e-6


def parse_time(path):
    """User and system CPU seconds and peak RSS (KiB) from the output of `/usr/bin/time -v -o PATH`."""
    text = pathlib.Path(path).read_text()

    def field(label):
        m = re.search(rf"^\s*{re.escape(label)}: (.*)$", text, re.M)
        if not m:
            raise ValueError(f"{path}: no '{label}' in the output of /usr/bin/time -v")
        return m.group(1).strip()

    return {"user_s": float(field("User time (seconds)")), "sys_s": float(field("System time (seconds)")),
            "peak_rss_kib": int(field("Maximum resident set size (kbytes)"))}


def close(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL):
    """Integers equal; other numbers equal to `rel_tol` relative (`abs_tol` absolute near zero); anything else
    not equal."""
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return False
    return abs(a - b) <= max(rel_tol * max(abs(a), abs(b)), abs_tol)


def first_line(*cmd):
    """The first line of a command's output (stdout, else stderr), or "unknown"."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True)
    except OSError:
        return "unknown"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def machine(load_start, load_end):
    """The machine's description for a results file: cores, kernel, load averages ("a b c" strings)."""
    return {"cpus": os.cpu_count(), "kernel": platform.release(),
            "load_average_start": [float(x) for x in load_start.split()],
            "load_average_end": [float(x) for x in load_end.split()]}
