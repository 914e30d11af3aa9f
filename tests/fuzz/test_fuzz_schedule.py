"""The coverage scheduler's input under hostile requests and timetables: the JSON request
of ``efficacy schedule-rounds``, the timetable CSV of the page, and the page itself.
Each is read or refused with located problems; nothing else escapes, nothing is saved."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from efficacy.practice.models import RoundSchedule
from efficacy.practice.schedule import InvalidRequest, ScheduleRequest, read_request
from efficacy.practice.timetable import Timetable, timetable_read
from efficacy.schedule_cli import _load
from efficacy.tabular import Problems
from tests.fuzz.budget import fuzz
from tests.fuzz.mutations import mutated_csv
from tests.practice.requests import school

REQUEST = school(teachers=6, team_size=3, days=2, periods=3)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["", "x" * 200, "t00", "1", "team-0"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated_request(draw: st.DrawFn) -> object:
    """The valid request with a few keys, teachers or periods replaced, dropped or added."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    request = json.loads(json.dumps(REQUEST))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(["top", "top", "teacher", "teaches", "slot"]))
        if where == "top":
            key = draw(st.sampled_from([*request, "wekes", ""]))
            if draw(st.booleans()):
                request.pop(key, None)
            else:
                request[key] = draw(json_values)
        elif not isinstance(request.get("teachers"), list) or not request["teachers"]:
            continue
        else:
            teachers = request["teachers"]
            i = draw(st.integers(0, len(teachers) - 1))
            teacher = teachers[i]
            if where == "teacher":
                choice = draw(st.sampled_from(["replace", "duplicate", "key"]))
                if choice == "replace":
                    teachers[i] = draw(json_values)
                elif choice == "duplicate":
                    teachers.append(teacher)
                elif isinstance(teacher, dict):
                    teacher[draw(st.sampled_from(["id", "team", "teaches", "x"]))] = draw(
                        json_values
                    )
            elif isinstance(teacher, dict) and isinstance(teacher.get("teaches"), list):
                slots = teacher["teaches"]
                if where == "teaches" or not slots:
                    slots.append(draw(json_values))
                else:
                    slots[draw(st.integers(0, len(slots) - 1))] = draw(
                        st.lists(json_values, max_size=3)
                        | st.tuples(st.integers(-5, 20), st.integers(-5, 20)).map(list)
                    )
    return request


@fuzz(100)
@given(request=mutated_request())
def test_a_hostile_request_reads_or_lists_every_problem_with_where_it_is(request):
    try:
        read = read_request(request)
    except InvalidRequest as invalid:
        problems = invalid.problems
    else:
        assert isinstance(read, ScheduleRequest)
        return
    assert problems
    for problem in problems:
        assert problem.message.strip()
        assert isinstance(problem.where, str)


@fuzz(60)
@given(raw=st.binary(max_size=500) | st.sampled_from([b"", b"\xef\xbb\xbf{}", b"[" * 100_000,
                                                      b'{"days": ' + b"1" * 5_000 + b"}"])
       | st.builds(lambda r: json.dumps(r).encode(), mutated_request()))  # fmt: skip
@example(raw=b'{"days": ' + b"1" * 5_000 + b"}")  # found by fuzzing: a ValueError escaped
def test_any_file_given_to_schedule_rounds_is_read_or_refused_with_its_place(raw, tmp_path_factory):
    path = tmp_path_factory.mktemp("request") / "request.json"
    path.write_bytes(raw)
    data, problem = _load(path)
    if problem is not None:
        assert data is None
        assert problem.file == "request.json"
        assert problem.message
        return
    try:
        read_request(data)
    except InvalidRequest as invalid:
        problems = invalid.problems
    else:
        return
    assert problems


TIMETABLE = [["teacher", "day", "period", "team"]] + [
    [who, day, period, "Grade 9 English"]
    for who in ("lead_english", "teacher_a", "coach_a")
    for day in ("1", "Tuesday")
    for period in ("1", "2")
]


@pytest.mark.django_db
@fuzz(60)
@given(data=mutated_csv(TIMETABLE))
def test_a_hostile_timetable_reads_or_lists_its_problems_by_line_and_column(world, data):
    read = timetable_read(school=world.school_a, data=data, file="timetable.csv", days=5,
                          periods=6)  # fmt: skip
    if isinstance(read, Timetable):
        assert all(1 <= d <= 5 and 1 <= p <= 6 for _u, _t, slots in read.teachers for d, p in slots)
        return
    assert isinstance(read, Problems)
    assert read.total
    for problem in read:
        assert problem.file == "timetable.csv"
        assert problem.message


@pytest.mark.django_db
@fuzz(4, most=100)
@given(data=mutated_csv(TIMETABLE))
def test_the_schedule_page_answers_a_hostile_timetable_with_its_problems(client, world, data):
    client.force_login(world.leader_a)
    before = RoundSchedule.objects.count()
    response = client.post(
        reverse("practice:schedule_new", args=[world.school_a.pk]),
        {"timetable_text": data.decode("utf-8", errors="replace").replace("\x00", ""),
         "start_date": "2024-10-07", "weeks": 1, "days": 5, "periods_per_day": 6,
         "substitutes_per_period": 1, "visits_each": 1, "max_observers_per_visit": 2,
         "same_team": "on"},
    )  # fmt: skip
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert RoundSchedule.objects.count() == before
