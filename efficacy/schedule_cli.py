"""``efficacy schedule-rounds INPUT.json [--json] [--seconds N]``: the coverage scheduler.

Runs without Django or a database, like ``efficacy analyze``. Exit status:

- 0: a schedule, printed as a timetable (``--json``: ``{"status": "feasible",
  "visits": [...], "substitute_periods": N, "objective": N, "seconds": S}``);
- 2: no schedule exists (``{"status": "infeasible", "reasons": [...]}``), or the
  input is not a valid request (every problem listed, as the importers do:
  ``{"status": "invalid", "errors": [{file, line, column, message, hint}], ...}``),
  or the arguments are wrong;
- 3: the solver ran out of time before it found a schedule or proved there is none
  (``{"status": "unknown", "reasons": [...]}``);
- 1: a bug of ours, said in one line (``EFFICACY_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from gettext import gettext as _
from pathlib import Path
from typing import TYPE_CHECKING

from efficacy.cli_args import ArgumentError, OneLineParser
from efficacy.tabular import Problem, Problems

if TYPE_CHECKING:
    from efficacy.practice.schedule import Schedule, ScheduleRequest

PROG = "efficacy schedule-rounds"
FEASIBLE, INVALID, UNDECIDED, BUG = 0, 2, 3, 1
#: A request of the largest size the scheduler takes fits in a few megabytes.
MAX_BYTES = 10_000_000
MAX_SECONDS = 3_600.0


def build_parser() -> argparse.ArgumentParser:
    from efficacy.practice.schedule.solver import DEFAULT_SECONDS

    parser = OneLineParser(
        prog=PROG,
        description=_(
            "Propose a peer-observation schedule for a window of weeks from the teachers' "
            "timetables and the substitutes available, or say why none exists."
        ),
    )
    parser.add_argument("input", metavar="INPUT.json", help=_("the request (see the README)"))
    parser.add_argument("--json", action="store_true", help=_("print one JSON document"))
    parser.add_argument(
        "--seconds",
        type=float,
        default=DEFAULT_SECONDS,
        metavar="N",
        help=_("time the solver may take (default %(default)g)"),
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        if not 0 < args.seconds <= MAX_SECONDS:
            raise ArgumentError(
                f"--seconds must be more than 0 and at most {MAX_SECONDS:g}, got {args.seconds:g}"
            )
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except ArgumentError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return INVALID
    try:
        return _run(Path(args.input), as_json=args.json, seconds=args.seconds)
    except BrokenPipeError:
        raise  # the reader went away (`| head`): not our bug, see efficacy.cli
    except Exception as exc:
        if os.environ.get("EFFICACY_DEBUG"):
            raise
        print(
            f"{PROG}: internal error ({type(exc).__name__}: {' '.join(str(exc).split())}); "
            "please report it, and set EFFICACY_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return BUG


def _run(path: Path, *, as_json: bool, seconds: float) -> int:
    # The solver loads OR-Tools: only when there is something to solve.
    from efficacy.practice.schedule import InvalidRequest, Schedule, read_request, schedule_rounds

    data, problem = _load(path)
    if problem is not None:
        return _invalid(Problems([problem]), as_json=as_json)
    try:
        request = read_request(data)
    except InvalidRequest as invalid:
        problems = Problems(
            Problem(path.name, None, p.where or None, p.message, p.hint) for p in invalid.problems
        )
        return _invalid(problems, as_json=as_json)
    result = schedule_rounds(request, seconds=seconds)
    if isinstance(result, Schedule):
        if as_json:
            print(
                json.dumps(
                    {
                        "status": "feasible",
                        "visits": [v.to_dict() for v in result.visits],
                        "substitute_periods": result.substitute_periods,
                        "objective": result.objective,
                        "seconds": round(result.seconds, 3),
                    }
                )
            )
        else:
            _print_timetable(request, result)
        return FEASIBLE
    reasons = [str(r) for r in result.reasons]
    if as_json:
        print(json.dumps({"status": result.status, "reasons": reasons}))
    else:
        heading = (
            "No schedule exists:"
            if result.status == "infeasible"
            else "No schedule found, and none proven impossible:"
        )
        print(heading)
        for reason in reasons:
            print(f"- {reason}")
    return INVALID if result.status == "infeasible" else UNDECIDED


def _load(path: Path) -> tuple[object, Problem | None]:
    """The decoded JSON of ``path``, or the one problem that stops it being read."""
    name = path.name or str(path)

    def problem(message: str, hint: str = "", line: int | None = None) -> tuple[None, Problem]:
        return None, Problem(name, line, None, message, hint)

    try:
        if path.stat().st_size > MAX_BYTES:
            return problem(
                f"the file is larger than {MAX_BYTES:,} bytes",
                "a request for the largest school the scheduler takes is far smaller",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        return problem("no such file", "check the path")
    except IsADirectoryError:
        return problem("is a folder, not a file", "give the path of the .json file")
    except OSError as error:
        return problem(f"cannot be read ({error.strerror or error})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return problem(f"is not UTF-8 text (byte {error.start + 1})", "save it as UTF-8 JSON")
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        return problem(
            f"is not valid JSON: {error.msg} at column {error.colno}",
            "check the brackets, commas and quotes there",
            line=error.lineno,
        )
    except ValueError:  # an integer of thousands of digits, which Python will not convert
        return problem(
            "holds a number too long to read",
            "every number of a request is a small whole number, such as 5 or 20",
        )
    except RecursionError:
        return problem("is nested too deeply to be a request")


def _invalid(problems: Problems, *, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"status": "invalid", **problems.to_dict()}))
    else:
        for line in problems.lines():
            print(line, file=sys.stderr)
        print(
            f"{PROG}: error: the request has {problems.total:,} problem(s); nothing was solved",
            file=sys.stderr,
        )
    return INVALID


def _print_timetable(request: ScheduleRequest, schedule: Schedule) -> None:
    """One table a week: each visited lesson with its host, team and observers, and how
    many observers are out of class in that period ("out", each one a substitute)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=100, highlight=False)
    teams = {t.id: t.team for t in request.teachers}
    lessons: defaultdict[tuple[int, int, int, str], list[str]] = defaultdict(list)
    out: defaultdict[tuple[int, int, int], int] = defaultdict(int)
    for visit in schedule.visits:
        lessons[visit.week, visit.day, visit.period, visit.host].append(visit.observer)
        out[visit.week, visit.day, visit.period] += 1
    for week in range(1, request.weeks + 1):
        table = Table(title=f"Week {week}", title_justify="left")
        for column in ("day", "period", "host", "team", "observers", "out"):
            table.add_column(column)
        for (w, day, period, host), observers in sorted(lessons.items()):
            if w == week:
                row = (day, period, host, teams[host], ", ".join(observers), out[w, day, period])
                table.add_row(*map(str, row))
        if table.row_count:
            console.print(table)
        else:
            console.print(f"Week {week}: no visits.")
    spread = (
        "every teacher's visits fall in different weeks"
        if schedule.objective == 0
        else f"{schedule.objective} times a teacher observes or is observed twice in one week"
    )
    optimal = "optimal" if schedule.optimal else "the best found in the time"
    console.print(
        f"{len(schedule.visits)} visits; {schedule.substitute_periods} periods of substitute "
        f"cover (at most {request.substitutes_per_period} observers out at once; 'out' counts "
        f"them); objective {schedule.objective} ({optimal}): {spread}. "
        f"Solved in {schedule.seconds:.1f} s."
    )
