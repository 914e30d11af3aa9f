"""The demo's days: the school year under way, and the story's dates placed in it.

The story of the demo's cycles (:mod:`efficacy.demo.cycles`) is written as a
*script*: the 2026–2027 school year as it stood on its present, 28 April 2027.
Building the demo places each of the script's dates in the school year under way,
relative to the day the demo is built (``today``), so that what had happened by the
script's present happened before that day and what was only planned lies after it:

* A school year runs from 1 September to 30 June. Semester 2 starts on the first
  Monday of February; semester 1 ends the Friday before.
* From six weeks into semester 2 (mid-March) to the end of August, the script's
  semester 1 is the year's semester 1, its semester 2 up to the present is
  stretched or shrunk to end the day before ``today`` (at the latest two weeks
  before the year ends), and what it plans after the present shares the rest of
  the year.
* From twelve weeks into the year (late November) to mid-March, the whole script
  is shrunk into semester 1 the same way (its present at the latest two weeks
  before the semester ends): the cycles the script runs in semester 2 run in
  semester 1, in its classes.
* Before late November too little of the year under way has passed to tell the
  story: the demo shows the year just ended, as it stood two weeks before its end.

The school's previous year (:func:`last_year_timeline`) holds the cycles its teams
closed the year before: the same script, placed in that year as a finished year is
(its present two weeks before it ended), so all of it happened.

So the cycles grow shorter when the demo is built early in a semester. Dates fall
on school days (:func:`school_day`), the same ``today`` always gives the same
dates, and nothing that happened (a score, a status change, a story) is dated
after the day before ``today``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

DAY = dt.timedelta(days=1)

# The script's year and its present (the story's "now"). Every date in the script
# before the present is something that happened; every date after it, a plan.
SCRIPT_START = dt.date(2026, 9, 1)
SCRIPT_SEMESTER_2 = dt.date(2027, 2, 1)
SCRIPT_PRESENT = dt.date(2027, 4, 28)
SCRIPT_END = dt.date(2027, 6, 30)

# How far into the year, or into semester 2, the story needs to be told there.
WEEKS_INTO_YEAR = 12
WEEKS_INTO_SEMESTER_2 = 6
# Room left after the present for what the cycles still plan.
PLANS = dt.timedelta(weeks=2)


def school_day(day: dt.date) -> bool:
    """Monday to Friday, but not Labour Day (the first Monday of September) nor in the
    winter break (23 December to 2 January)."""
    labour_day = day.month == 9 and day.weekday() == 0 and day.day <= 7
    winter_break = (day.month, day.day) >= (12, 23) or (day.month, day.day) <= (1, 2)
    return day.weekday() < 5 and not labour_day and not winter_break


@dataclass(frozen=True)
class SchoolYear:
    """A school year and its two semesters (first day, last day)."""

    start: dt.date
    end: dt.date
    semesters: tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]

    @property
    def key(self) -> str:
        """``2026-2027``: part of the sessions' sourced ids."""
        return f"{self.start.year}-{self.end.year}"

    @property
    def title(self) -> str:
        return f"{self.start.year}–{self.end.year}"

    @classmethod
    def starting(cls, year: int) -> SchoolYear:
        """The school year that starts in September of ``year``."""
        start, end = dt.date(year, 9, 1), dt.date(year + 1, 6, 30)
        february = dt.date(year + 1, 2, 1)
        semester_2 = february + (-february.weekday() % 7) * DAY  # the first Monday
        return cls(start, end, ((start, semester_2 - 3 * DAY), (semester_2, end)))

    @classmethod
    def under_way(cls, today: dt.date) -> SchoolYear:
        """The school year ``today`` is in; in July and August, the one just ended."""
        return cls.starting(today.year if today.month >= 9 else today.year - 1)


@dataclass(frozen=True)
class Timeline:
    """Where the script's dates fall in ``year``: a piecewise-linear map through
    ``knots`` (script date, real date), the script's present falling on ``present``."""

    year: SchoolYear
    present: dt.date
    knots: tuple[tuple[dt.date, dt.date], ...]
    #: The script's semester 2 runs in the year's semester 1 (a build before mid-March).
    in_semester_1: bool = False

    def day(self, script: dt.date) -> dt.date:
        """The real date of a script date: a school day before the present for what had
        happened by the script's present, a day after it for what was planned."""
        if script == SCRIPT_PRESENT:
            return self.present
        (x0, y0), (x1, y1) = self._segment(script)
        offset = (y1 - y0).days * (script - x0).days / (x1 - x0).days
        first, last = self.knots[0][1], self.knots[-1][1]
        if script < SCRIPT_PRESENT:
            day = min(y0 + math.floor(offset) * DAY, self.present - DAY)
            while not school_day(day) and day > first:
                day -= DAY
            return max(day, first)
        day = max(y0 + math.ceil(offset) * DAY, self.present + DAY)
        while not school_day(day) and day < last:
            day += DAY
        return min(day, last)

    def semester(self, script_semester: int) -> int:
        """The semester (1 or 2) of the year in which the script's semester runs."""
        return 1 if self.in_semester_1 else script_semester

    def _segment(self, script: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
        for left, right in zip(self.knots, self.knots[1:], strict=False):
            if script <= right[0]:
                return left, right
        return self.knots[-2], self.knots[-1]


def demo_timeline(today: dt.date) -> Timeline:
    """The timeline of a demo built on ``today`` (module docstring)."""
    year = SchoolYear.under_way(today)
    (_s1_start, s1_end), (s2_start, _s2_end) = year.semesters
    if today >= s2_start + dt.timedelta(weeks=WEEKS_INTO_SEMESTER_2):
        return _in_both_semesters(year, min(today, year.end - PLANS))
    if today >= year.start + dt.timedelta(weeks=WEEKS_INTO_YEAR):
        present = min(today, s1_end - PLANS)
        # The script's semesters share semester 1 in the script's proportions.
        share = (SCRIPT_SEMESTER_2 - SCRIPT_START) / (SCRIPT_PRESENT - SCRIPT_START)
        middle = year.start + round((present - year.start).days * share) * DAY
        knots = (
            (SCRIPT_START, year.start),
            (SCRIPT_SEMESTER_2, middle),
            (SCRIPT_PRESENT, present),
            (SCRIPT_END, s1_end),
        )
        return Timeline(year=year, present=present, knots=knots, in_semester_1=True)
    just_ended = SchoolYear.starting(year.start.year - 1)
    return _in_both_semesters(just_ended, just_ended.end - PLANS)


def _in_both_semesters(year: SchoolYear, present: dt.date) -> Timeline:
    knots = (
        (SCRIPT_START, year.start),
        (SCRIPT_SEMESTER_2, year.semesters[1][0]),
        (SCRIPT_PRESENT, present),
        (SCRIPT_END, year.end),
    )
    return Timeline(year=year, present=present, knots=knots)


def last_year_timeline(timeline: Timeline) -> Timeline:
    """The year before ``timeline``'s, whole and past: the script's dates placed in it as
    in a year just ended, so its cycles ran and closed before this year began."""
    last = SchoolYear.starting(timeline.year.start.year - 1)
    return _in_both_semesters(last, last.end - PLANS)
