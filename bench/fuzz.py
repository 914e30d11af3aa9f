"""The fuzzing properties of ``tests/fuzz`` with thousands of examples each (issue 14).

``make test`` tries a few dozen examples a property; this tries ``--examples`` (2,000 by
default; the schedule page, which may run the solver, at most 100) of every property:
every importer (OneRoster, score CSV and XLSX, gradebook, instrument YAML, the
scheduler's request and timetable) fed hostile files, each either read or refused with
located problems, never a crash and never half written. Prints, for each property, the
examples tried and how many failed; exits 1 if any did. SQLite, or PostgreSQL when
``BENCH_DATABASE_URL`` is set (its test database is ``test_`` and that name).

    python -m bench fuzz [--examples N] [-k EXPRESSION]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench fuzz")
    parser.add_argument("--examples", type=int, default=2_000)
    parser.add_argument("-k", dest="select", default="")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    env = {**os.environ, "EFFICACY_FUZZ_EXAMPLES": str(args.examples)}
    env.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    command = [sys.executable, "-m", "pytest", "tests/fuzz", "-q", "-p", "no:randomly",
               "-n", "0", "--hypothesis-show-statistics", "--tb=short"]  # fmt: skip
    if args.select:
        command += ["-k", args.select]
    print(f"tests/fuzz, {args.examples:,} examples a property, on "
          f"{'PostgreSQL' if 'DATABASE_URL' in env else 'SQLite'}", flush=True)  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    per_property: dict[str, list[int]] = {}
    name = ""
    for line in done.stdout.splitlines():
        if line.startswith("tests/fuzz/") and line.rstrip().endswith(":"):
            name = line.strip().rstrip(":").split("::")[-1]
        counts = re.search(r"(\d+) passing, (\d+) failing", line)
        if counts and name:  # one line a phase (explicit examples, generation, shrinking)
            seen = per_property.setdefault(name, [0, 0])
            seen[0] += int(counts[1]) + int(counts[2])
            seen[1] += int(counts[2])
    for name, (examples, failing) in per_property.items():
        print(f"  {name}: {examples:,} examples, {failing} failing")
    tried = sum(e for e, _f in per_property.values())
    failed = sum(f for _e, f in per_property.values())
    summary = [line for line in done.stdout.splitlines() if " passed" in line or " failed" in line]
    print(f"{tried:,} examples tried, {failed} failing, in {wall:.0f} s; pytest: "
          f"{summary[-1].strip() if summary else 'no summary'}")  # fmt: skip
    if done.returncode != 0:
        print(done.stdout[-20_000:])
        print(done.stderr[-5_000:], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
