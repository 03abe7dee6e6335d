#!/usr/bin/env python3
"""CPython's side of the guide's Performance Comparison Matrix (bench/generator_matrix.cpp).

One case per generator type of the guide — function, expression, built-in, coroutine, async,
recursive, chained — and a plain for loop, each doing the same work as its C++ counterpart: the sum
of x * x for x in range(n), one item per x. The shapes are the guide's own (create_generator,
data_accumulator, depth_first_search's `yield from`, build_pipeline's three stages); `x * x`
replaces the guide's `x**2` everywhere so that every row does the same arithmetic.

Run one case per process (the script bench/generator_matrix.sh does), because peak memory is a
property of a process:

    python3 bench/python/generator_matrix.py --case async --n 1000000 --repetitions 7

Each repetition is timed with time.process_time_ns (CPU) and time.perf_counter_ns (wall). After the
timed repetitions, one more pass runs under tracemalloc for the peak of Python's heap during the
case (tracemalloc slows it down, so that pass is not timed). Prints one JSON line, the same fields
as the C++ program: cpu_ns_per_item and wall_ns_per_item per repetition, sum, heap_peak_bytes
(tracemalloc's peak above what was traced when it started), rss_before_kib (VmRSS before the first
repetition), peak_rss_kib (VmHWM before the tracemalloc pass), and the interpreter's version.
"""

import argparse
import asyncio
import json
import operator
import platform
import sys
import time
import tracemalloc


def hand_loop(n):
    total = 0
    for x in range(n):
        total += x * x
    return total


# Function generator: the guide's create_generator ("Performance and Memory Efficiency").
def create_generator(n):
    for x in range(n):
        yield x * x


def function(n):
    total = 0
    for value in create_generator(n):
        total += value
    return total


# Generator expression.
def expression(n):
    total = 0
    for value in (x * x for x in range(n)):
        total += value
    return total


# Built-in generators: map and range, implemented in C; no Python function runs per item.
def builtin(n):
    total = 0
    for value in map(operator.mul, range(n), range(n)):
        total += value
    return total


# Coroutine: the guide's data_accumulator, one send() per item: the consumer sends x * x, the
# coroutine adds it and yields the running total back.
def data_accumulator():
    total = 0
    while True:
        value = yield total
        if value is not None:
            total += value


def coroutine(n):
    accumulator = data_accumulator()
    next(accumulator)  # Prime the coroutine
    total = 0
    for x in range(n):
        total = accumulator.send(x * x)
    return total


# Async generator, consumed with `async for`; no I/O. Every repetition runs inside one asyncio.run.
async def async_squares(n):
    for x in range(n):
        yield x * x


async def consume_async(n):
    total = 0
    async for value in async_squares(n):
        total += value
    return total


# Recursive generator: the guide's depth_first_search over a complete binary tree of n nodes (node
# k's children are 2k+1 and 2k+2), one generator per node, `yield from` for the subtrees.
def walk_tree(node, n):
    yield node * node
    left = 2 * node + 1
    if left < n:
        yield from walk_tree(left, n)
    if left + 1 < n:
        yield from walk_tree(left + 1, n)


def recursive(n):
    total = 0
    if n == 0:
        return total
    for value in walk_tree(0, n):
        total += value
    return total


# Chained generators: the guide's build_pipeline, validate_data(parse_data(read_data(...))).
def read_data(n):
    for x in range(n):
        yield x


def parse_data(lines):
    for x in lines:
        yield x * x


def validate_data(records):
    for record in records:
        if record >= 0:
            yield record


def chained(n):
    total = 0
    for value in validate_data(parse_data(read_data(n))):
        total += value
    return total


SYNC_CASES = {"hand_loop": hand_loop, "function": function, "expression": expression, "builtin": builtin,
              "coroutine": coroutine, "recursive": recursive, "chained": chained}
CASES = list(SYNC_CASES) + ["async"]


def status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def timed(run, n, repetitions, expected, name):
    cpu, wall = [], []
    for _ in range(repetitions):
        wall0, cpu0 = time.perf_counter_ns(), time.process_time_ns()
        total = run(n)
        cpu1, wall1 = time.process_time_ns(), time.perf_counter_ns()
        if total != expected:
            sys.exit(f"generator_matrix.py: {name}: wrong sum {total}, expected {expected}")
        items = max(n, 1)
        cpu.append((cpu1 - cpu0) / items)
        wall.append((wall1 - wall0) / items)
    return cpu, wall


async def timed_async(n, repetitions, expected):
    """The async case's repetitions and its heap pass, all inside the one asyncio.run of main()."""
    cpu, wall = [], []
    for _ in range(repetitions):
        wall0, cpu0 = time.perf_counter_ns(), time.process_time_ns()
        total = await consume_async(n)
        cpu1, wall1 = time.process_time_ns(), time.perf_counter_ns()
        if total != expected:
            sys.exit(f"generator_matrix.py: async: wrong sum {total}, expected {expected}")
        items = max(n, 1)
        cpu.append((cpu1 - cpu0) / items)
        wall.append((wall1 - wall0) / items)
    peak_rss = status_kib("VmHWM")
    start_tracing()
    total = await consume_async(n)
    return cpu, wall, peak_rss, stop_tracing(total, expected, "async")


def start_tracing():
    tracemalloc.start()
    tracemalloc.reset_peak()


def stop_tracing(total, expected, name):
    """tracemalloc's peak since start_tracing, above what was traced then (nothing: tracing starts empty)."""
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if total != expected:
        sys.exit(f"generator_matrix.py: {name}: wrong sum {total} under tracemalloc")
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", required=True, choices=CASES)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repetitions", type=int, default=7)
    args = parser.parse_args()
    n = args.n
    expected = n * (n - 1) * (2 * n - 1) // 6

    rss_before = status_kib("VmRSS")
    if args.case == "async":
        cpu, wall, peak_rss, heap_peak = asyncio.run(timed_async(n, args.repetitions, expected))
    else:
        run = SYNC_CASES[args.case]
        cpu, wall = timed(run, n, args.repetitions, expected, args.case)
        peak_rss = status_kib("VmHWM")
        start_tracing()
        heap_peak = stop_tracing(run(n), expected, args.case)

    print(json.dumps({
        "lang": "python", "python": platform.python_implementation() + " " + platform.python_version(),
        "case": args.case, "n": n, "repetitions": args.repetitions,
        "cpu_ns_per_item": [round(v, 4) for v in cpu], "wall_ns_per_item": [round(v, 4) for v in wall],
        "sum": expected % 2**64, "heap_peak_bytes": heap_peak, "rss_before_kib": rss_before,
        "peak_rss_kib": peak_rss}))


if __name__ == "__main__":
    main()
