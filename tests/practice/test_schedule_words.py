"""The scheduler's reasons in the reader's language: a wording for every code, the
scheduler's own English in English, and the stored English when words are missing."""

from __future__ import annotations

import ast
import inspect

import pytest
from django.utils import translation

from efficacy.practice.reason_words import RULE_WORDS, WORDS, names_text, reason_text
from efficacy.practice.schedule import (
    COUNTS,
    Undecided,
    Visit,
    check,
    check_schedule,
    read_request,
    reasons,
    schedule_rounds,
    solver,
)
from efficacy.practice.schedule.reasons import RULES, Reason, conflict, necessary_conditions
from tests.practice.requests import school, trio


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _codes_in_source() -> set[str]:
    """Every code a ``Reason(...)`` of the scheduler's modules names; the one call that
    takes its code from a variable gives the two counts."""
    codes: set[str] = set()
    variable = 0
    for module in (reasons, check, solver):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Reason":
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    codes.add(first.value)
                else:
                    variable += 1
    assert variable == 1, "a new Reason(...) with a code from a variable: list its codes here"
    return codes | COUNTS


def test_every_code_the_scheduler_gives_has_words():
    codes = _codes_in_source()
    assert len(codes) > 20
    assert codes - set(WORDS) == set(), "word these codes in efficacy/practice/reason_words.py"
    assert set(WORDS) - codes == set(), "words for a code the scheduler no longer gives"


def test_every_requirement_a_conflict_can_name_has_words():
    assert set(RULE_WORDS) == set(RULES)


def _teams_of(n: int, team: str, teaches: list[list[int]]) -> list[dict]:
    return [{"id": f"{team}{i}", "team": team, "teaches": teaches} for i in range(n)]


def _impossible_requests() -> list[dict]:
    """Requests each failing a condition that needs no solver, between them all of them."""
    alone_at_1_1 = trio()
    alone_at_1_1["teachers"][0]["teaches"] = [[1, 2]]
    only_bob = trio()
    only_bob["teachers"][0]["teaches"] = [[1, 1]]
    no_periods = school()
    no_periods["teachers"][-1]["teaches"] = []
    one_day = school(weeks=1)
    one_day["teachers"][5]["teaches"] = [s for s in one_day["teachers"][5]["teaches"] if s[0] == 1]
    crowded = [[day, 1] for day in range(1, 5)]
    roomy = [[day, period] for day in range(1, 5) for period in (2, 3, 4)]
    team_short = {
        "days": 4,
        "periods_per_day": 4,
        "weeks": 1,
        "substitutes_per_period": 1,
        "visits_each": 2,
        "teachers": _teams_of(3, "a", crowded) + _teams_of(3, "b", roomy),
    }
    few_periods = trio()
    few_periods["teachers"] = [
        {"id": "ann", "team": "x", "teaches": [[1, 1], [2, 1], [3, 1], [4, 1]]},
        {"id": "bob", "team": "x", "teaches": [[1, 1], [2, 2], [3, 2]]},
        {"id": "cy", "team": "x", "teaches": [[2, 1], [3, 1], [4, 1], [2, 2], [3, 2]]},
    ]
    return [
        school(teachers=4, team_size=2),
        school(teachers=2, same_team=False),
        no_periods,
        alone_at_1_1,
        {**alone_at_1_1, "same_team": False},
        only_bob,
        {**only_bob, "same_team": False},
        one_day,
        {**one_day, "same_team": False},
        few_periods,
        {**few_periods, "same_team": False},
        school(teachers=24, team_size=6, weeks=1, substitutes_per_period=3),
        school(substitutes_per_period=0),
        team_short,
    ]


def _broken_schedule() -> list[Reason]:
    """A hand-edited schedule that breaks every rule the checker knows."""
    every_slot = [[d, p] for d in (1, 2) for p in (1, 2)]
    request = read_request(
        {
            "days": 2,
            "periods_per_day": 2,
            "weeks": 2,
            "substitutes_per_period": 2,
            "visits_each": 2,
            "max_observers_per_visit": 2,
            "teachers": [
                *({"id": t, "team": "x", "teaches": every_slot} for t in "abcef"),
                {"id": "g", "team": "x", "teaches": [[1, 1], [2, 1]]},
                {"id": "d", "team": "y", "teaches": every_slot},
                {"id": "h", "team": "y", "teaches": every_slot},
            ],
        }
    )
    visits = [
        Visit(3, 1, 1, "a", "b"),  # outside the window
        Visit(1, 1, 1, "a", "zed"),  # one unknown teacher
        Visit(1, 1, 1, "zed", "zod"),  # two
        Visit(1, 1, 1, "a", "a"),  # themselves
        Visit(1, 1, 2, "a", "d"),  # across teams
        Visit(1, 1, 2, "g", "b"),  # g has no lesson then; b is observed then too
        Visit(1, 1, 2, "b", "g"),  # g's prep time
        *(Visit(1, 2, 1, "a", o) for o in "bce"),  # three observers, three out
        Visit(1, 2, 2, "a", "f"),  # f in two lessons
        Visit(1, 2, 2, "b", "f"),
        Visit(1, 1, 1, "e", "c"),  # c observes e twice, twice on day 1
        Visit(2, 1, 2, "e", "c"),
        Visit(2, 1, 1, "e", "c"),
    ]
    return check_schedule(request, visits)


def _every_reason() -> list[Reason]:
    found = [
        r for request in _impossible_requests() for r in necessary_conditions(read_request(request))
    ]
    found += _broken_schedule()
    rules = [
        ("observes", 0),
        ("observes", 1),
        ("observed", 2),
        *((rule, None) for rule in RULES if rule not in ("observes", "observed")),
    ]
    request = read_request({**trio(), "max_observers_per_visit": 3, "substitutes_per_period": 2})
    found += [conflict(request, rules, minimal=True), conflict(request, rules, minimal=False)]
    big = read_request(school(days=5, periods=8, taught=6, teachers=30, team_size=6))
    undecided = schedule_rounds(big, seconds=0.001)
    assert isinstance(undecided, Undecided)
    found += undecided.reasons
    found.append(
        Reason(
            "conflict_unnamed",
            "The solver proved that no schedule meets every rule, but could not single out "
            "which rules conflict in 10 seconds.",
            {"seconds": 10.0},
        )
    )
    return found


def test_in_english_the_page_words_every_reason_as_the_command_line_does():
    found = _every_reason()
    assert {r.code for r in found} == _codes_in_source()
    stored = [{"code": r.code, "text": r.text, "params": dict(r.params)} for r in found]
    assert [reason_text(r) for r in stored] == [r.text for r in found]


def test_a_count_of_one_takes_the_singular_the_command_line_lacks():
    request = read_request({**trio(), "substitutes_per_period": 1, "max_observers_per_visit": 1})
    rules = [("substitutes", None), ("max_observers", None)]
    reason = conflict(request, rules, minimal=False)
    assert "at most 1 observers are out of class" in reason.text
    assert reason_text(reason) == (
        "No schedule meets all of these at once: at most 1 observer is out of class in any "
        "one period; a lesson has at most 1 observer."
    )


def test_names_past_eight_end_with_how_many_others():
    ids = [f"t{i:02d}" for i in range(12)]
    assert names_text(ids) == "t00, t01, t02, t03, t04, t05, t06, t07 and 4 others"
    assert names_text(ids[:9]).endswith("t07 and 1 other")
    assert names_text(["ann", "bob", "cy"]) == "ann, bob and cy"
    with translation.override("fr"):
        assert names_text(["ann", "bob", "cy"]) == "ann, bob et cy"


def test_an_unknown_code_or_params_stored_before_they_were_whole_keep_the_english():
    assert reason_text({"code": "new_rule", "text": "A new rule.", "params": {}}) == "A new rule."
    older = {"code": "not_enough_cover", "text": "The visits need 48 periods.", "params": {}}
    assert reason_text(older) == "The visits need 48 periods."
