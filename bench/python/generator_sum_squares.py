#!/usr/bin/env python3
"""CPython's side of the sum-of-squares benchmark (bench/core_bench.cpp, sum_squares_*).

Runs the guide's own generator, `create_generator` from its "Performance and Memory Efficiency"
section (copied verbatim below), over the same work as the C++ benchmarks: the sum of x**2 for
x in range(n). Two consumers: the built-in sum() (the cheapest way CPython can drain a generator,
so the C++/CPython ratio built on it is the conservative one) and a plain for loop, the shape of
the C++ range-for consumer. Each is timed `--repetitions` times; CPU time (time.process_time_ns)
is used, as in the Google Benchmark figures, because the machine may be shared.

Prints one JSON object (ns per element per repetition, n, peak RSS) on stdout, or writes it to
--json.
"""

import argparse
import json
import platform
import resource
import sys
import time


# Verbatim from the guide, section "Performance and Memory Efficiency" (memory_comparison()).
def create_generator(n):
    for x in range(n):
        yield x**2


def consume_with_sum(n):
    return sum(create_generator(n))


def consume_with_for_loop(n):
    total = 0
    for value in create_generator(n):
        total += value
    return total


def measure(consumer, n, repetitions):
    expected = n * (n - 1) * (2 * n - 1) // 6
    cpu_ns, wall_ns = [], []
    for _ in range(repetitions):
        wall0, cpu0 = time.perf_counter_ns(), time.process_time_ns()
        total = consumer(n)
        cpu1, wall1 = time.process_time_ns(), time.perf_counter_ns()
        if total != expected:
            sys.exit(f"{consumer.__name__}: wrong sum {total}, expected {expected}")
        cpu_ns.append((cpu1 - cpu0) / n)
        wall_ns.append((wall1 - wall0) / n)
    return {"cpu_ns_per_element": cpu_ns, "wall_ns_per_element": wall_ns}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="elements (default 10**7)")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--json", help="write the result here instead of stdout")
    args = parser.parse_args()

    result = {
        "python": platform.python_implementation() + " " + platform.python_version(),
        "n": args.n,
        "repetitions": args.repetitions,
        "sum": measure(consume_with_sum, args.n, args.repetitions),
        "for_loop": measure(consume_with_for_loop, args.n, args.repetitions),
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
