#!/usr/bin/env python3
"""Checks an example program's output: against its expected file, and optionally against the guide's Python.

    check_example.py BINARY [EXPECTED] [--python FILE] [--ignore REGEX]... [--mask REGEX]...
                     [--unstable REGEX]... [--python-raises REGEX] [--update]

1. With EXPECTED, BINARY's stdout must equal that file exactly, except for the text matched by an
   --unstable pattern (a number that differs between builds of the C++, such as a coroutine
   frame's size), which is masked on both sides.
2. With --python, the guide's Python (FILE) is run too and the two outputs are compared line by
   line, in order:
   - a line pair whose Python line matches an --ignore pattern is not compared (a Python-only
     object: a repr, a frame's locals, sys.getsizeof); the C++ prints its own counterpart there,
     so the lines stay aligned and the line counts must still be equal;
   - text matched by a --mask or --unstable pattern is masked on both sides before comparing
     (numbers that legitimately differ, e.g. measured memory, so the rest of the line is checked);
   - --python-raises REGEX: the guide's script is expected to die with an uncaught exception whose
     last traceback line matches REGEX. That line is taken as the last line of the Python output,
     so the C++ output must match up to that point and print one counterpart line for the error.
--update rewrites EXPECTED from BINARY's output (review the diff before committing it).
Exits 0 when everything matches, 1 on a mismatch, 2 when a program cannot be run as expected.
"""

import argparse
import difflib
import re
import subprocess
import sys
from pathlib import Path

MASK = "<masked>"
TIMEOUT_SECONDS = 120


def run(command):
    try:
        result = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS)
    except OSError as e:
        sys.exit(f"error: cannot run {command[0]}: {e}")
    except subprocess.TimeoutExpired:
        sys.exit(f"error: {' '.join(command)} did not finish within {TIMEOUT_SECONDS} s")
    return (result.returncode, result.stdout.decode("utf-8", errors="replace"),
            result.stderr.decode("utf-8", errors="replace"))


def mask(line, patterns):
    for pattern in patterns:
        line = pattern.sub(MASK, line)
    return line


def show_stderr(stderr):
    if stderr.strip():
        print("--- its stderr:")
        print(stderr.rstrip("\n"))


def check_expected(binary, actual, expected_path, unstable, update):
    if update:
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(actual, encoding="utf-8")
        print(f"updated {expected_path}")
        return True
    if not expected_path.exists():
        print(f"FAIL: no expected output {expected_path}; {binary.name} printed:\n{actual}", end="")
        print(f"(write it with: {Path(sys.argv[0]).name} {binary} {expected_path} --update)")
        return False
    expected = expected_path.read_text(encoding="utf-8")
    expected_lines = [mask(line, unstable) for line in expected.splitlines(keepends=True)]
    actual_lines = [mask(line, unstable) for line in actual.splitlines(keepends=True)]
    if expected_lines == actual_lines:
        print(f"OK: {binary.name} prints {expected_path.name} ({len(expected_lines)} lines)")
        return True
    print(f"FAIL: {binary.name}'s output differs from {expected_path}:")
    sys.stdout.writelines(difflib.unified_diff(expected_lines, actual_lines, fromfile=str(expected_path),
                                               tofile=f"{binary.name} (stdout)"))
    if not actual.endswith("\n") or not expected.endswith("\n"):
        print("\n(note: a missing final newline is a difference)")
    return False


def python_lines(python, script, raises):
    code, out, err = run([python, str(script)])
    lines = out.splitlines()
    if raises is None:
        if code != 0:
            print(f"error: {script} exited with status {code}")
            show_stderr(err)
            sys.exit(2)
        return lines
    last = next((line for line in reversed(err.splitlines()) if line.strip()), "")
    if code == 0 or not raises.search(last):
        print(f"error: {script} was expected to die with an exception matching '{raises.pattern}'; "
              f"it exited with status {code}")
        show_stderr(err)
        sys.exit(2)
    return lines + [last]


def check_python(binary, actual, script, python, ignore, masks, raises):
    py = python_lines(python, script, raises)
    cpp = actual.splitlines()
    problems = []
    ignored = 0
    for number, (py_line, cpp_line) in enumerate(zip(py, cpp), start=1):
        if any(p.search(py_line) for p in ignore):
            ignored += 1
            continue
        if mask(py_line, masks) != mask(cpp_line, masks):
            problems.append((number, py_line, cpp_line))
    if len(py) != len(cpp):
        problems.append((None, f"{len(py)} lines", f"{len(cpp)} lines"))
    if not problems:
        print(f"OK: {binary.name} matches {script.name} ({len(py)} lines, {ignored} ignored as Python-only)")
        return True
    print(f"FAIL: {binary.name}'s output differs from the guide's Python ({script}):")
    for number, py_line, cpp_line in problems:
        where = f"line {number}" if number else "line count"
        print(f"  {where}:\n    python: {py_line!r}\n    c++:    {cpp_line!r}")
    print("--- side by side (python | c++; '~' ignored, '!' differs):")
    differing = {number for number, _, _ in problems}
    width = max((len(line) for line in py), default=0)
    for number in range(1, max(len(py), len(cpp)) + 1):
        py_line = py[number - 1] if number <= len(py) else ""
        cpp_line = cpp[number - 1] if number <= len(cpp) else ""
        flag = "!" if number in differing or number > min(len(py), len(cpp)) else (
            "~" if any(p.search(py_line) for p in ignore) else " ")
        print(f"{flag} {number:3} {py_line:<{width}} | {cpp_line}")
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", type=Path)
    parser.add_argument("expected", type=Path, nargs="?", help="the file BINARY's stdout must equal")
    parser.add_argument("--python", type=Path, metavar="FILE", help="the guide's Python for this example")
    parser.add_argument("--python-exe", default=sys.executable, help="the interpreter (default: this one)")
    parser.add_argument("--ignore", action="append", default=[], metavar="REGEX",
                        help="skip line pairs whose Python line matches (Python-only objects)")
    parser.add_argument("--mask", action="append", default=[], metavar="REGEX",
                        help="mask matching text on both sides when comparing with Python")
    parser.add_argument("--unstable", action="append", default=[], metavar="REGEX",
                        help="mask matching text in both comparisons (differs between C++ builds)")
    parser.add_argument("--python-raises", metavar="REGEX",
                        help="the guide's script dies with an exception whose last traceback line matches")
    parser.add_argument("--update", action="store_true", help="rewrite EXPECTED from the program's output")
    args = parser.parse_args()
    if args.expected is None and (args.python is None or args.update):
        parser.error("give EXPECTED, --python FILE, or both (--update needs EXPECTED)")

    try:
        ignore = [re.compile(p) for p in args.ignore]
        unstable = [re.compile(p) for p in args.unstable]
        masks = [re.compile(p) for p in args.mask] + unstable
        raises = re.compile(args.python_raises) if args.python_raises else None
    except re.error as e:
        sys.exit(f"error: bad pattern: {e}")

    code, actual, err = run([str(args.binary)])
    if code != 0:
        print(f"FAIL: {args.binary} exited with status {code}; its stdout:\n{actual}", end="")
        show_stderr(err)
        return 1
    if err.strip():  # a sanitizer report, a warning: nothing an example should print
        print(f"FAIL: {args.binary} wrote to stderr")
        show_stderr(err)
        return 1

    ok = True
    if args.expected:
        ok = check_expected(args.binary, actual, args.expected, unstable, args.update)
    if args.python:
        ok = check_python(args.binary, actual, args.python, args.python_exe, ignore, masks, raises) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
