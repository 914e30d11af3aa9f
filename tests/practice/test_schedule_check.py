"""check_schedule: the solver's rules read the other way round, for schedules edited by hand."""

from __future__ import annotations

import dataclasses

from efficacy.practice.schedule import (
    COUNTS,
    Schedule,
    Visit,
    check_schedule,
    read_request,
    schedule_rounds,
)
from tests.practice.checker import violations
from tests.practice.requests import school


def _solved(**options):
    request = read_request(school(**options))
    schedule = schedule_rounds(request, seconds=10)
    assert isinstance(schedule, Schedule)
    return request, list(schedule.visits)


def test_a_schedule_the_solver_returns_breaks_no_rule():
    request, visits = _solved()
    assert check_schedule(request, visits) == []


def test_removing_a_visit_breaks_only_the_counts():
    request, visits = _solved()
    removed = visits[0]
    codes = {r.code for r in check_schedule(request, visits[1:])}
    assert codes == COUNTS
    texts = " ".join(r.text for r in check_schedule(request, visits[1:]))
    assert f"{removed.observer} observes once; the team asked for twice" in texts


def test_moving_a_visit_into_prep_time_is_named():
    request, visits = _solved()
    teaches = {t.id: set(t.teaches) for t in request.teachers}
    visit = visits[0]
    free = next(
        (d, p)
        for d in range(1, request.days + 1)
        for p in range(1, request.periods_per_day + 1)
        if (d, p) not in teaches[visit.observer] and (d, p) in teaches[visit.host]
    )
    moved = dataclasses.replace(visit, day=free[0], period=free[1])
    reasons = check_schedule(request, [moved, *visits[1:]])
    assert "observer_not_teaching" in {r.code for r in reasons}


def test_the_checker_agrees_with_the_independent_one_on_a_double_booked_period():
    request, visits = _solved(substitutes_per_period=1)
    first = visits[0]
    # Another observer out in the same period: over the budget of one substitute.
    clash = Visit(first.week, first.day, first.period, first.observer, first.host)
    mine = {r.code for r in check_schedule(request, [*visits, clash])}
    assert "substitutes" in mine
    assert "one_place" in mine
    raw = school(substitutes_per_period=1)
    assert violations(raw, [v.to_dict() for v in [*visits, clash]])
