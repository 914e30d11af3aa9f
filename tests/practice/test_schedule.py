"""The coverage scheduler: valid schedules, and plain reasons when there is none."""

from __future__ import annotations

import copy
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from efficacy.practice.schedule import (
    Impossible,
    Schedule,
    Undecided,
    read_request,
    schedule_rounds,
)
from efficacy.practice.schedule.solver import VisitModel
from tests.practice.checker import violations
from tests.practice.requests import school, trio


def _solve(request: dict, seconds: float = 10) -> Schedule | Impossible | Undecided:
    return schedule_rounds(read_request(request), seconds=seconds)


def _visits(schedule: Schedule) -> list[dict]:
    return [v.to_dict() for v in schedule.visits]


@pytest.mark.parametrize(
    "request_",
    [
        school(),
        school(same_team=False, visits_each=3),
        school(max_observers_per_visit=1),
        school(substitutes_per_period=1),
        school(teachers=10, team_size=5, visits_each=3, weeks=3),
        school(days=5, periods=8, taught=6, teachers=18, team_size=6, weeks=4),
    ],
    ids=["teams", "across-teams", "one-observer", "one-substitute", "three-each", "full-week"],
)
def test_every_rule_holds_in_the_schedule_it_proposes(request_):
    schedule = _solve(request_)

    assert isinstance(schedule, Schedule), schedule
    assert violations(request_, _visits(schedule)) == []
    assert schedule.substitute_periods == len(request_["teachers"]) * request_["visits_each"]


def test_the_visits_come_sorted_by_week_day_period_host_and_observer():
    schedule = _solve(school())

    keys = [(v.week, v.day, v.period, v.host, v.observer) for v in schedule.visits]
    assert keys == sorted(keys)


def test_its_objective_counts_a_teacher_twice_in_one_week_and_is_zero_when_it_can_be():
    request = school(weeks=2)
    schedule = _solve(request)

    twice = Counter((v.observer, "observes", v.week) for v in schedule.visits) + Counter(
        (v.host, "observed", v.week) for v in schedule.visits
    )
    assert schedule.objective == sum(n - 1 for n in twice.values())
    assert schedule.optimal
    assert schedule.objective == 0


def test_more_visits_than_weeks_put_some_teachers_twice_in_a_week():
    schedule = _solve(school(teachers=8, visits_each=3, weeks=2, substitutes_per_period=3))

    assert isinstance(schedule, Schedule)
    assert schedule.objective >= 8 * 2  # each teacher observes and is observed 3 times in 2 weeks


def _trio_plus_a_team_that_teaches_all_day() -> dict:
    request = trio()
    every_period = [[day, period] for day in range(1, 5) for period in (1, 2)]
    request["teachers"] += [
        {"id": name, "team": "y", "teaches": every_period} for name in ("dan", "eve", "fay")
    ]
    return request


def _with(request: dict, **changes: object) -> dict:
    return {**copy.deepcopy(request), **changes}


def _teacher(request: dict, id_: str) -> dict:
    return next(t for t in request["teachers"] if t["id"] == id_)


def _without_day_2_and_3(request: dict, id_: str) -> dict:
    request = copy.deepcopy(request)
    teacher = _teacher(request, id_)
    teacher["teaches"] = [s for s in teacher["teaches"] if s[0] not in (2, 3)]
    return request


def _only_with(request: dict, id_: str, period: list[int]) -> dict:
    request = copy.deepcopy(request)
    _teacher(request, id_)["teaches"] = [period]
    return request


def _team_short_of_cover() -> dict:
    """Team a teaches together in four periods only; team b has room to spare."""
    crowded = [[day, 1] for day in range(1, 5)]
    roomy = [[day, period] for day in range(1, 5) for period in (2, 3, 4)]
    return {
        "days": 4,
        "periods_per_day": 4,
        "weeks": 1,
        "substitutes_per_period": 1,
        "visits_each": 2,
        "teachers": [{"id": f"a{i}", "team": "a", "teaches": crowded} for i in range(3)]
        + [{"id": f"b{i}", "team": "b", "teaches": roomy} for i in range(3)],
    }


@pytest.mark.parametrize(
    ("request_", "code", "words"),
    [
        (
            school(teachers=4, team_size=2),
            "team_too_small",
            "Team team-0 has 2 teachers: each must observe 2 different colleagues of the team, "
            "so it needs at least 3.",
        ),
        (
            school(teachers=2, same_team=False),
            "team_too_small",
            "The school has 2 teachers: each must observe 2 different colleagues, so it needs "
            "at least 3.",
        ),
        (
            _with(school(), teachers=[*school()["teachers"][:-1], {"id": "t11", "team": "team-2", "teaches": []}]),
            "teaches_nothing",
            "t11 teaches no period, so cannot observe or be observed",
        ),
        (
            _only_with(trio(), "ann", [1, 1]),
            "too_few_colleagues",
            "ann must observe 2 different colleagues of their team and be observed by 2, but "
            "only bob teaches at a time when ann teaches too.",
        ),
        (
            _without_day_2_and_3(school(weeks=1), "t05"),
            "too_few_days",
            "t05 can observe on only 1 day in 1 week",
        ),
        (
            _with(trio(), teachers=[
                {"id": "ann", "team": "x", "teaches": [[1, 1], [2, 1], [3, 1], [4, 1]]},
                {"id": "bob", "team": "x", "teaches": [[1, 1], [2, 2], [3, 2]]},
                {"id": "cy", "team": "x", "teaches": [[2, 1], [3, 1], [4, 1], [2, 2], [3, 2]]},
            ]),
            "too_few_periods",
            "bob teaches at the same time as a colleague of their team in only 3 periods over "
            "1 week; being observed twice takes at least 2 of them",
        ),
        (
            school(teachers=24, team_size=6, weeks=1, substitutes_per_period=3),
            "not_enough_cover",
            "The visits need 48 periods of substitute cover (24 teachers × 2), but at most 36 "
            "are possible over 1 week: 3 observers out at a time",
        ),
        (
            school(substitutes_per_period=0),
            "no_substitutes",
            "substitutes_per_period is 0, so no observer can leave their class, but the visits "
            "need 24 periods of substitute cover.",
        ),
        (
            _team_short_of_cover(),
            "not_enough_team_cover",
            "Team a's visits need 6 periods of substitute cover (3 teachers × 2), but at most 4 "
            "are possible over 1 week",
        ),
    ],
    ids=["team", "school", "teaches-nothing", "colleagues", "days", "periods", "cover",
         "no-substitutes", "team-cover"],
)  # fmt: skip
def test_an_impossible_request_says_which_condition_fails_with_its_numbers(request_, code, words):
    result = _solve(request_)

    assert isinstance(result, Impossible)
    assert code in [r.code for r in result.reasons]
    assert any(words in r.text for r in result.reasons), [r.text for r in result.reasons]


def test_the_solver_confirms_each_condition_said_to_fail():
    """The conditions are necessary: whenever one fails, the full model has no solution."""
    for request in [
        _team_short_of_cover(),
        _without_day_2_and_3(school(weeks=1), "t05"),
        school(teachers=24, team_size=6, weeks=1, substitutes_per_period=3),
    ]:
        model = VisitModel(read_request(request)).model
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 2
        assert solver.solve(model) == cp_model.INFEASIBLE


def test_when_only_the_solver_can_tell_it_names_the_rules_that_conflict():
    result = _solve(trio(weeks=1))

    assert isinstance(result, Impossible)
    (reason,) = result.reasons
    assert reason.code == "conflict"
    assert reason.text.startswith("No schedule meets all of these at once: ")
    assert "nobody observes while being observed" in reason.text
    assert "nobody observes the same colleague twice" in reason.text
    assert "bob" in reason.text
    assert "cy" not in reason.text
    assert reason.text.endswith("Setting any one of them aside would allow a schedule.")


def test_the_same_request_over_two_weeks_has_a_schedule():
    request = trio(weeks=2)
    schedule = _solve(request)

    assert isinstance(schedule, Schedule)
    assert violations(request, _visits(schedule)) == []


def test_sharing_a_team_is_named_when_a_visit_across_teams_would_solve_it():
    result = _solve(_trio_plus_a_team_that_teaches_all_day())

    assert isinstance(result, Impossible)
    assert "host and observer share a team" in result.reasons[0].text


def test_out_of_time_it_says_it_could_not_decide():
    result = _solve(school(days=5, periods=8, taught=6, teachers=30, team_size=6), seconds=0.001)

    assert isinstance(result, Undecided)
    assert "give it longer (--seconds)" in result.reasons[0].text


_tiny = st.fixed_dictionaries(
    {
        "days": st.integers(1, 2),
        "periods_per_day": st.just(3),
        "weeks": st.integers(1, 3),
        "substitutes_per_period": st.integers(1, 3),
        "visits_each": st.integers(1, 2),
        "max_observers_per_visit": st.integers(1, 3),
        "same_team": st.booleans(),
        "teachers": st.lists(
            st.sets(st.tuples(st.integers(1, 2), st.integers(1, 3)), min_size=1, max_size=6),
            min_size=3,
            max_size=6,
        ),
    }
)


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(_tiny)
def test_small_requests_get_a_valid_schedule_or_a_reason_the_solver_agrees_with(drawn):
    request = {**drawn, "teachers": [
        {"id": f"t{i}", "team": "x" if i % 2 or not drawn["same_team"] else "y",
         "teaches": sorted([d, p] for d, p in slots if d <= drawn["days"])}
        for i, slots in enumerate(drawn["teachers"])
    ]}  # fmt: skip
    if request["same_team"] and len(request["teachers"]) < 4:
        request["same_team"] = False  # a team of one is not a valid request
    parsed = read_request(request)
    result = schedule_rounds(parsed, seconds=10)

    if isinstance(result, Schedule):
        assert violations(request, _visits(result)) == []
    else:
        assert isinstance(result, Impossible)
        assert result.reasons
        assert all(r.text for r in result.reasons)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.solve(VisitModel(parsed).model) == cp_model.INFEASIBLE


def test_the_checker_catches_a_broken_schedule():
    """The tests' own checker is worth trusting: it flags each rule broken on purpose."""
    request = school()
    good = _visits(_solve(request))
    first = good[0]
    broken = [
        [*good, {**first, "observer": first["host"]}],
        [{**first, "day": 9}, *good[1:]],
        good[1:],
        [*good, first],
    ]
    for visits in broken:
        assert violations(request, visits)
