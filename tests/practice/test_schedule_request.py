"""A scheduling request is checked whole: every problem listed, nothing solved."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from efficacy.practice.schedule import InvalidRequest, read_request
from efficacy.practice.schedule.request import MAX_POSSIBLE_VISITS, MAX_TEACHERS
from tests.practice.requests import school


def _problems(request: object) -> list[tuple[str, str]]:
    with pytest.raises(InvalidRequest) as raised:
        read_request(request)
    return [(p.where, p.message) for p in raised.value.problems]


def test_a_valid_request_reads_with_its_defaults():
    request = read_request(school())

    assert request.max_observers_per_visit == 3
    assert request.same_team is True
    assert request.teachers[0].id == "t00"
    assert request.teaching[1, 1]  # someone teaches the first period of the first day


def test_it_lists_every_problem_at_once_with_where_it_is():
    request = school()
    request["days"] = 8
    request["wekes"] = 2
    del request["visits_each"]
    request["teachers"][1]["teaches"].append([1, 9])
    request["teachers"][3]["id"] = "t00"
    day, period = request["teachers"][4]["teaches"][0]
    request["teachers"][4]["teaches"].append([day, period])
    request["teachers"][5]["teaches"][0] = [1]

    problems = _problems(request)

    assert problems == [
        ("wekes", "is not a key the scheduler knows"),
        ("visits_each", "is missing"),
        ("days", "must be a whole number from 1 to 7, not 8"),
        ("teachers[1].teaches[9]", "period 9 is outside the day"),
        ("teachers[3].id", "teacher 't00' is listed twice (first at teachers[0])"),
        ("teachers[4].teaches[9]",
         f"[{day}, {period}] is listed twice (first at teachers[4].teaches[0])"),
        ("teachers[5].teaches[0]", "must be a [day, period] pair of whole numbers, not [1]"),
    ]  # fmt: skip


def test_a_day_outside_the_week_is_a_problem_once_days_is_valid():
    request = school()
    request["teachers"][2]["teaches"].append([4, 1])

    assert _problems(request) == [("teachers[2].teaches[9]", "day 4 is outside the week")]


def test_a_team_of_one_is_refused_when_hosts_and_observers_share_a_team():
    request = school()
    request["teachers"][0]["team"] = "alone"

    assert _problems(request) == [
        (
            "teachers[0].team",
            "team 'alone' has one teacher: with same_team nobody can observe them or be "
            "observed by them",
        )
    ]
    assert read_request({**request, "same_team": False}).same_team is False


def test_a_team_is_required_only_when_hosts_and_observers_share_a_team():
    request = school()
    for teacher in request["teachers"]:
        del teacher["team"]

    assert ("teachers[0].team", "is missing") in _problems(request)
    assert read_request({**request, "same_team": False}).teachers[0].team == ""


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("weeks", True, "must be a whole number from 1 to 20, not true"),
        ("weeks", 2.0, "must be a whole number from 1 to 20, not 2.0"),
        ("weeks", 21, "must be a whole number from 1 to 20, not 21"),
        ("periods_per_day", 17, "must be a whole number from 1 to 16, not 17"),
        ("substitutes_per_period", -1, "must be a whole number from 0 to 2000, not -1"),
        ("visits_each", 0, "must be a whole number from 1 to 20, not 0"),
        ("max_observers_per_visit", "3", 'must be a whole number from 1 to 20, not "3"'),
        ("same_team", "yes", "must be true or false, not a text"),
        ("teachers", [], "must be a list of at least one teacher"),
        ("teachers", {"id": "t01"}, "must be a list of at least one teacher"),
    ],
)
def test_a_value_of_the_wrong_kind_or_out_of_range_is_a_problem(key, value, message):
    assert (key, message) in _problems({**school(), key: value})


def test_a_request_that_is_not_an_object_is_one_problem():
    assert _problems([1, 2]) == [("", "the request must be a JSON object, not a list")]


def test_it_refuses_more_teachers_than_it_takes():
    teachers = [{"id": f"t{i}", "team": "x", "teaches": [[1, 1]]} for i in range(MAX_TEACHERS + 1)]

    assert _problems({**school(), "teachers": teachers}) == [
        ("teachers", "lists 2,001 teachers; the scheduler takes at most 2,000")
    ]


def test_it_refuses_a_model_larger_than_it_can_build():
    everyone = [[d, p] for d in range(1, 8) for p in range(1, 17)]
    teachers = [{"id": f"t{i}", "team": "x", "teaches": everyone} for i in range(60)]
    request = {**school(), "days": 7, "periods_per_day": 16, "weeks": 20, "teachers": teachers}

    ((where, message),) = _problems(request)

    assert where == ""
    assert message.startswith("the timetable allows 7,929,600 possible visits")
    assert f"at most {MAX_POSSIBLE_VISITS:,}" in message


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 30) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip
_keys = st.sampled_from(["days", "periods_per_day", "weeks", "substitutes_per_period",
                         "visits_each", "max_observers_per_visit", "same_team", "teachers"])  # fmt: skip


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    st.one_of(
        _json,
        st.dictionaries(_keys, _json),
        st.builds(lambda changes: {**school(), **changes}, st.dictionaries(_keys, _json)),
    )
)
def test_any_json_is_either_a_request_or_a_list_of_problems(data):
    problems = []
    try:
        read_request(data)
    except InvalidRequest as invalid:
        problems = invalid.problems
        assert problems, "an invalid request lists its problems"
    assert all(p.message for p in problems)
