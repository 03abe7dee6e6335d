#!/usr/bin/env python3
"""CPython's side of the iter pipelines benchmark (bench/iter_bench.cpp).

The same pipelines over the same data, written the way Python code writes them: built-ins (map,
filter, enumerate, zip, sum), itertools (pairwise, accumulate, chain) and generator expressions.
CPython here is 3.11, whose itertools has no batched (3.12+) and never had a sliding window, so
batching and sliding windows use the guide's own generators, copied verbatim below from its
"Specialized Generator Patterns" section (`batch_generator`, `sliding_window`).

The data is generated exactly as in the C++ benchmark: element k is (s_k >> 33) % 1000, with the
64-bit linear congruential generator s_(k+1) = s_k * 6364136223846793005 + 1442695040888963407
mod 2**64 from s_0 = seed (1 for the first list, 2 for the second), taken after the step. n
defaults to 10**6, a tenth of the C++ side's 10**7: two lists of 10**7 Python ints would take
about 0.7 GB on a shared machine, and CPython's cost per element does not depend on n here. The
C++ benchmark records its reference results at n = 10**6 in its JSON context, and
bench/report.py checks that these results are the same.

Each pipeline is timed `--repetitions` times in CPU time (time.process_time_ns, as the Google
Benchmark figures are), divided by the number of input elements; its result is checked against a
plain for loop computed once, untimed. Prints one JSON object on stdout, or writes it to --json.
"""

import argparse
import itertools
import json
import platform
import resource
import sys
import time

MASK = (1 << 64) - 1
BATCH_SIZE = 1000
WINDOW_SIZE = 10


def make_data(seed, n):
    out = [0] * n
    s = seed
    for k in range(n):
        s = (s * 6364136223846793005 + 1442695040888963407) & MASK
        out[k] = (s >> 33) % 1000
    return out


# Verbatim from the guide, section 8 "Specialized Generator Patterns".
def sliding_window(iterable, window_size):
    """Create sliding window over data stream"""
    from collections import deque

    window = deque(maxlen=window_size)

    for item in iterable:
        window.append(item)
        if len(window) == window_size:
            yield list(window)


# Verbatim from the guide, section 8 "Specialized Generator Patterns".
def batch_generator(iterable, batch_size):
    """Group items into batches"""
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= batch_size:
            yield batch
            batch = []

    if batch:
        yield batch


# --- the pipelines (timed) -----------------------------------------------------------------------------
# Each takes (a, b) and returns (result, input elements).


def five_stage_builtins(a, b):
    """map, filter, map, filter, map, then sum, with the built-ins and lambdas."""
    stage1 = map(lambda x: x * 3 + 1, a)
    stage2 = filter(lambda v: v % 32 != 0, stage1)
    stage3 = map(lambda v: v * 5 + (v >> 3), stage2)
    stage4 = filter(lambda w: w % 25 != 0, stage3)
    stage5 = map(lambda w: w * 2 + 1, stage4)
    return sum(stage5), len(a)


def five_stage_genexpr(a, b):
    """The same five stages as chained generator expressions."""
    stage1 = (x * 3 + 1 for x in a)
    stage2 = (v for v in stage1 if v % 32 != 0)
    stage3 = (v * 5 + (v >> 3) for v in stage2)
    stage4 = (w for w in stage3 if w % 25 != 0)
    stage5 = (w * 2 + 1 for w in stage4)
    return sum(stage5), len(a)


def enumerate_pipeline(a, b):
    return sum(i ^ x for i, x in enumerate(a)), len(a)


def zip_pipeline(a, b):
    return sum(x * y for x, y in zip(a, b)), len(a)


def batched_pipeline(a, b):
    return sum(sum(batch) ** 2 for batch in batch_generator(a, BATCH_SIZE)), len(a)


def sliding_window_pipeline(a, b):
    return sum(sum(window) for window in sliding_window(a, WINDOW_SIZE)), len(a)


def pairwise_pipeline(a, b):
    return sum(x * y for x, y in itertools.pairwise(a)), len(a)


def accumulate_pipeline(a, b):
    return sum(itertools.accumulate(a)), len(a)


def chain_pipeline(a, b):
    return sum(itertools.chain(a, b)), len(a) + len(b)


# --- reference results (untimed plain loops) ------------------------------------------------------------


def reference(name, a, b):
    total = 0
    if name == "five_stage":
        for x in a:
            v = x * 3 + 1
            if v % 32 == 0:
                continue
            w = v * 5 + (v >> 3)
            if w % 25 == 0:
                continue
            total += w * 2 + 1
    elif name == "enumerate":
        for i in range(len(a)):
            total += i ^ a[i]
    elif name == "zip":
        for i in range(min(len(a), len(b))):
            total += a[i] * b[i]
    elif name == "batched":
        for i in range(0, len(a), BATCH_SIZE):
            s = 0
            for x in a[i : i + BATCH_SIZE]:
                s += x
            total += s * s
    elif name == "sliding_window":
        for i in range(len(a) - WINDOW_SIZE + 1):
            for j in range(i, i + WINDOW_SIZE):
                total += a[j]
    elif name == "pairwise":
        for i in range(1, len(a)):
            total += a[i - 1] * a[i]
    elif name == "accumulate":
        running = 0
        for x in a:
            running += x
            total += running
    elif name == "chain":
        for x in a:
            total += x
        for x in b:
            total += x
    return total


# (pipeline name, variant name, function, what it is in the report)
PIPELINES = [
    ("five_stage", "builtins", five_stage_builtins, "map/filter built-ins with lambdas, sum()"),
    ("five_stage", "genexpr", five_stage_genexpr, "chained generator expressions, sum()"),
    ("enumerate", "genexpr", enumerate_pipeline, "sum(i ^ x for i, x in enumerate(a))"),
    ("zip", "genexpr", zip_pipeline, "sum(x * y for x, y in zip(a, b))"),
    ("batched", "guide", batched_pipeline,
     "sum(sum(b) ** 2 for b in batch_generator(a, 1000)) (the guide's generator)"),
    ("sliding_window", "guide", sliding_window_pipeline,
     "sum(sum(w) for w in sliding_window(a, 10)) (the guide's deque generator, a list per window)"),
    ("pairwise", "itertools", pairwise_pipeline, "sum(x * y for x, y in itertools.pairwise(a))"),
    ("accumulate", "itertools", accumulate_pipeline, "sum(itertools.accumulate(a))"),
    ("chain", "itertools", chain_pipeline, "sum(itertools.chain(a, b))"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="elements per list (default 10**6)")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--json", help="write the result here instead of stdout")
    args = parser.parse_args()

    a = make_data(1, args.n)
    b = make_data(2, args.n)
    expected = {}
    pipelines = {}
    for name, variant, fn, description in PIPELINES:
        if name not in expected:
            expected[name] = reference(name, a, b)
        cpu_ns, wall_ns = [], []
        for _ in range(args.repetitions):
            wall0, cpu0 = time.perf_counter_ns(), time.process_time_ns()
            result, elements = fn(a, b)
            cpu1, wall1 = time.process_time_ns(), time.perf_counter_ns()
            if result != expected[name]:
                sys.exit(f"{name}/{variant}: wrong result {result}, expected {expected[name]}")
            cpu_ns.append((cpu1 - cpu0) / elements)
            wall_ns.append((wall1 - wall0) / elements)
        pipelines.setdefault(name, {})[variant] = {
            "description": description,
            "result": result,
            "elements": elements,
            "cpu_ns_per_element": cpu_ns,
            "wall_ns_per_element": wall_ns,
        }

    result = {
        "python": platform.python_implementation() + " " + platform.python_version(),
        "n": args.n,
        "repetitions": args.repetitions,
        "pipelines": pipelines,
        # ru_maxrss is in KiB on Linux.
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    text = json.dumps(result, indent=2)
    if args.json:
        with open(args.json, "w") as out:
            out.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
