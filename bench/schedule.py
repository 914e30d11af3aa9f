"""The coverage scheduler on a school of 60 teachers (issue 10).

Teams of 6, 5 days of 8 periods, each teacher teaching 6 of the 8 periods of each
day (random, seeded), 2 substitutes per period, a window of 4 weeks, each
teacher observing twice and observed twice. ``efficacy schedule-rounds --json``
runs end to end in a new process, as a person runs it (start-up, reading,
checking, solving and writing the JSON), for three timetables; each schedule is
re-checked by the tests' own checker. Goal: a valid schedule in under 10 s.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.practice.checker import violations

TEACHERS, TEAM, DAYS, PERIODS, TAUGHT = 60, 6, 5, 8, 6
SEEDS = (1, 2, 3)


def build_request(seed: int) -> dict:
    rng = random.Random(seed)
    return {
        "days": DAYS,
        "periods_per_day": PERIODS,
        "weeks": 4,
        "substitutes_per_period": 2,
        "visits_each": 2,
        "teachers": [
            {
                "id": f"t{i:02d}",
                "team": f"team-{i // TEAM + 1}",
                "teaches": [
                    [day, period]
                    for day in range(1, DAYS + 1)
                    for period in sorted(rng.sample(range(1, PERIODS + 1), TAUGHT))
                ],
            }
            for i in range(TEACHERS)
        ],
    }


def main() -> None:
    print(
        f"{TEACHERS} teachers in teams of {TEAM}, {DAYS} days of {PERIODS} periods "
        f"({TAUGHT} taught), 2 substitutes a period, 4 weeks, 2 visits each way"
    )
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for seed in SEEDS:
            request = build_request(seed)
            path = Path(folder) / f"school-{seed}.json"
            path.write_text(json.dumps(request))
            command = [sys.executable, "-m", "efficacy", "schedule-rounds", str(path), "--json"]
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - start
            worst = max(worst, wall)
            result = json.loads(done.stdout)
            if done.returncode != 0 or result["status"] != "feasible":
                raise SystemExit(f"timetable {seed}: status {done.returncode}: {done.stdout}")
            problems = violations(request, result["visits"])
            if problems:
                raise SystemExit(f"timetable {seed}: invalid schedule: {problems[:5]}")
            print(
                f"timetable {seed}: valid schedule end to end in {wall:.2f} s "
                f"(scheduler {result['seconds']:.2f} s); objective {result['objective']} "
                f"(times a teacher observes or is observed twice in one week); "
                f"{result['substitute_periods']} substitute periods used"
            )
    print(f"slowest: {worst:.2f} s (goal < 10 s)")


if __name__ == "__main__":
    main()
