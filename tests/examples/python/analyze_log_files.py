# The guide's "Big Data Log Analysis Pipeline", made runnable: the log files are generated here with
# the same xorshift64 as examples/analyze_log_files.cpp, into a temporary directory; the usage
# (first five records, count per level) is the C++ example's.
import os
import shutil
import tempfile
from datetime import datetime, timedelta

M64 = (1 << 64) - 1


class XorShift:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        x = self.state
        x ^= (x << 13) & M64
        x ^= x >> 7
        x ^= (x << 17) & M64
        self.state = x
        return x

    def below(self, n):
        return self.next() % n


COMPONENTS = ["auth", "db", "api", "cache", "scheduler"]
DEBUG = ["cache lookup", "request parsed", "query plan chosen"]
INFO = ["request served", "user logged in", "job finished"]
WARNING = ["slow response", "retrying connection", "disk 85% full"]
ERROR = ["connection refused", "timeout after 30s", "invalid token"]
CRITICAL = ["database unreachable", "out of memory"]


def write_log_files(directory):
    rng = XorShift(42)
    start = datetime(2024, 3, 15)
    files = []
    for k in range(1, 4):
        files.append(os.path.join(directory, f"app-{k}.log"))
        with open(files[-1], "w") as out:
            t = (k - 1) * 6 * 3600
            for i in range(400):
                t += rng.below(60)
                r = rng.below(100)
                component = COMPONENTS[rng.below(len(COMPONENTS))]
                if r < 30:
                    level, messages = "DEBUG", DEBUG
                elif r < 75:
                    level, messages = "INFO", INFO
                elif r < 90:
                    level, messages = "WARNING", WARNING
                elif r < 98:
                    level, messages = "ERROR", ERROR
                else:
                    level, messages = "CRITICAL", CRITICAL
                message = messages[rng.below(len(messages))]
                stamp = (start + timedelta(seconds=t)).strftime("%Y-%m-%d %H:%M:%S")
                out.write(f"{stamp} {level} {component}: {message}\n")
    return files


def analyze_log_files(log_files):
    """Multi-stage generator pipeline for log analysis"""
    
    # Stage 1: Read all log files
    all_lines = (
        line.strip() 
        for filename in log_files 
        for line in open(filename, 'r')
    )
    
    # Stage 2: Filter error lines
    error_lines = (
        line for line in all_lines 
        if 'ERROR' in line or 'CRITICAL' in line
    )
    
    # Stage 3: Parse structured data
    parsed_errors = (
        {
            'timestamp': line[:19],
            'level': 'ERROR' if 'ERROR' in line else 'CRITICAL',
            'message': line[20:],
        }
        for line in error_lines
    )
    
    return parsed_errors


directory = tempfile.mkdtemp()
try:
    log_files = write_log_files(directory)
    print(f"Wrote {len(log_files)} log files of 400 lines")

    per_level = {}
    shown = 0
    for error in analyze_log_files(log_files):
        if shown < 5:
            print(f"{error['timestamp']} | {error['level']} | {error['message']}")
            shown += 1
        per_level[error['level']] = per_level.get(error['level'], 0) + 1
    for level in sorted(per_level):
        print(f"{level}: {per_level[level]}")
finally:
    shutil.rmtree(directory)
