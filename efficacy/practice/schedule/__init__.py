"""The coverage scheduler: who observes whom, when, with the substitutes there are.

From each teacher's timetable (their teaching periods, the same every week) and
the substitutes who can cover an observer's class, propose peer observations
for a window of weeks so that every teacher observes and is observed the number
of times the team asked for, nobody observes in their prep time, no more
observers are out at once than there are substitutes, and nobody is in two
places at once. ``efficacy schedule-rounds`` runs it from the command line.

- :mod:`.request`: :func:`read_request` checks a request whole and lists every
  problem (:class:`InvalidRequest`).
- :mod:`.solver`: :func:`schedule_rounds` solves it with OR-Tools CP-SAT and
  returns a :class:`Schedule`, or :class:`Impossible` with its reasons, or
  :class:`Undecided` when time ran out first.
- :mod:`.reasons`: the plain sentences that say why no schedule exists.
- :mod:`.check`: :func:`check_schedule`, every rule a list of visits breaks (a
  schedule edited by hand is checked again with it).

Pure Python on OR-Tools: no Django, no database (import-linter checks it).
"""

from __future__ import annotations

from efficacy.practice.schedule.check import COUNTS, check_schedule
from efficacy.practice.schedule.reasons import Reason
from efficacy.practice.schedule.request import (
    InputProblem,
    InvalidRequest,
    ScheduleRequest,
    Teacher,
    read_request,
)
from efficacy.practice.schedule.solver import (
    Impossible,
    Schedule,
    Undecided,
    Visit,
    schedule_rounds,
)

__all__ = [
    "COUNTS",
    "Impossible",
    "InputProblem",
    "InvalidRequest",
    "Reason",
    "Schedule",
    "ScheduleRequest",
    "Teacher",
    "Undecided",
    "Visit",
    "check_schedule",
    "read_request",
    "schedule_rounds",
]
