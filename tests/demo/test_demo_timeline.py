"""Where the demo's story falls in the school year, whatever the day it is built."""

from __future__ import annotations

import datetime as dt

import pytest

from efficacy.demo.timeline import (
    SCRIPT_END,
    SCRIPT_PRESENT,
    SCRIPT_SEMESTER_2,
    SCRIPT_START,
    SchoolYear,
    demo_timeline,
    last_year_timeline,
    school_day,
)

# Every day of the script from its first to its last.
SCRIPT = [SCRIPT_START + dt.timedelta(days=n) for n in range((SCRIPT_END - SCRIPT_START).days + 1)]


def test_the_school_year_under_way_is_the_one_today_is_in():
    assert SchoolYear.under_way(dt.date(2026, 12, 2)).title == "2026–2027"
    assert SchoolYear.under_way(dt.date(2027, 3, 15)).title == "2026–2027"
    assert SchoolYear.under_way(dt.date(2026, 9, 1)).title == "2026–2027"
    assert SchoolYear.under_way(dt.date(2026, 8, 31)).title == "2025–2026"


def test_semester_2_starts_on_the_first_monday_of_february_and_semester_1_ends_the_friday_before():
    for start in range(2024, 2034):
        year = SchoolYear.starting(start)
        (s1_start, s1_end), (s2_start, s2_end) = year.semesters
        assert (s1_start, s2_end) == (dt.date(start, 9, 1), dt.date(start + 1, 6, 30))
        assert s2_start.weekday() == 0  # a Monday
        assert s2_start.month == 2
        assert s2_start.day <= 7
        assert s1_end == s2_start - dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("today", "year", "present", "in_semester_1"),
    [
        # Mid-March on: the story's two semesters are the year's.
        (dt.date(2027, 3, 15), "2026–2027", dt.date(2027, 3, 15), False),
        # Late November to mid-March: the whole story in semester 1.
        (dt.date(2026, 12, 2), "2026–2027", dt.date(2026, 12, 2), True),
        (dt.date(2027, 2, 10), "2026–2027", dt.date(2027, 1, 15), True),
        # Summer, and too early in the year: the year just ended, two weeks before its end.
        (dt.date(2027, 7, 20), "2026–2027", dt.date(2027, 6, 16), False),
        (dt.date(2027, 9, 10), "2026–2027", dt.date(2027, 6, 16), False),
    ],
)
def test_the_story_is_told_in_the_year_under_way_once_enough_of_it_has_passed(
    today, year, present, in_semester_1
):
    timeline = demo_timeline(today)
    assert timeline.year.title == year
    assert timeline.present == present
    assert timeline.in_semester_1 == in_semester_1
    assert timeline.day(SCRIPT_PRESENT) == present
    assert timeline.semester(1) == 1
    assert timeline.semester(2) == (1 if in_semester_1 else 2)


def test_whatever_the_day_what_happened_happened_before_it_and_the_plans_come_after():
    today = dt.date(2026, 9, 1)
    while today < dt.date(2028, 9, 1):
        timeline = demo_timeline(today)
        year = timeline.year
        last = year.semesters[0][1] if timeline.in_semester_1 else year.end
        days = [timeline.day(script) for script in SCRIPT]
        assert days == sorted(days), today  # the story keeps its order
        for script, day in zip(SCRIPT, days, strict=True):
            assert year.start <= day <= last, (today, script)
            if script < SCRIPT_PRESENT:
                assert day < timeline.present <= today, (today, script)
            if script > SCRIPT_PRESENT:
                assert day > timeline.present, (today, script)
        # What the story did and planned falls on school days, but for the year's bounds
        # (the present is the day of the build, whatever day that is).
        events = [d for s, d in zip(SCRIPT, days, strict=True) if s != SCRIPT_PRESENT]
        assert all(school_day(d) or d in (year.start, last) for d in events), today
        # A semester of the story stays in one semester of the year.
        semester_2 = timeline.day(SCRIPT_SEMESTER_2)
        before = [d for s, d in zip(SCRIPT, days, strict=True) if s < SCRIPT_SEMESTER_2]
        assert max(before) <= semester_2
        if not timeline.in_semester_1:
            assert semester_2 >= year.semesters[1][0]
        today += dt.timedelta(days=5)


def test_the_same_day_gives_the_same_dates():
    first = demo_timeline(dt.date(2026, 12, 2))
    again = demo_timeline(dt.date(2026, 12, 2))
    assert [first.day(s) for s in SCRIPT] == [again.day(s) for s in SCRIPT]


def test_last_years_cycles_happened_in_the_year_before_in_its_semesters_on_school_days():
    today = dt.date(2026, 9, 1)
    while today < dt.date(2028, 9, 1):
        timeline = demo_timeline(today)
        past = last_year_timeline(timeline)
        assert past.year == SchoolYear.starting(timeline.year.start.year - 1)
        assert not past.in_semester_1
        days = [past.day(script) for script in SCRIPT]
        assert days == sorted(days), today
        assert past.year.start <= days[0]
        assert days[-1] <= past.year.end < timeline.year.start
        # All of it happened, before the day of the build.
        assert past.present < today
        before = [d for s, d in zip(SCRIPT, days, strict=True) if s < SCRIPT_PRESENT]
        assert all(school_day(d) or d == past.year.start for d in before), today
        # The story's semesters are last year's semesters.
        semester_2 = past.year.semesters[1][0]
        assert all(
            (d >= semester_2) == (s >= SCRIPT_SEMESTER_2) for s, d in zip(SCRIPT, days, strict=True)
        ), today
        today += dt.timedelta(days=15)
