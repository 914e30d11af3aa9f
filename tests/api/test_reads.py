"""The read endpoints: each answers what the pages show the same person, in the
same shapes (ids as integers, dates ISO), and no more."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from efficacy.cycles.models import ImpactSummary, Score
from efficacy.practice.services import note_add
from efficacy.privacy import small_group
from tests.api.conftest import bearer
from tests.api.test_foundation import assert_problem
from tests.practice.fixtures import english_round
from tests.voice import results_world

pytestmark = pytest.mark.django_db


def get(client, person, name, *args, **query):
    return client.get(reverse(f"api:{name}", args=args), query, **bearer(person))


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


# --- roster ---------------------------------------------------------------------


def test_a_teacher_lists_the_students_of_the_classes_they_teach(client, world):
    assert ids(get(client, world.teacher_a, "students")) == {world.ava.pk, world.ben.pk}


def test_a_leader_filters_their_schools_students_by_class(client, world):
    everyone = ids(get(client, world.leader_a, "students"))
    assert {world.chloe.pk, world.eli.pk} <= everyone
    academic = get(client, world.leader_a, "students", school_class=world.english_9_academic.pk)
    assert ids(academic) == {world.chloe.pk, world.dev.pk}


def test_an_analyst_never_gets_an_individual_student(client, world):
    response = get(client, world.analyst, "students")
    assert response.json()["count"] == 0
    assert_problem(get(client, world.analyst, "student", world.ava.pk), 404)


def test_a_student_of_another_school_is_a_404_that_names_nothing(client, world):
    response = get(client, world.leader_a, "student", world.student_b.pk)
    assert_problem(response, 404)
    assert "Berg" not in response.content.decode()
    assert "Student" not in response.json()["detail"]


def test_a_student_reads_as_integers_and_names(client, world):
    body = get(client, world.teacher_a, "student", world.ava.pk).json()
    assert body == {
        "id": world.ava.pk,
        "school": world.school_a.pk,
        "given_name": "Ava",
        "family_name": "Brown",
        "identifier": world.ava.identifier,
        "grade": "09",
        "pathway": "applied",
    }


def test_a_class_names_its_teachers_the_reader_may_see(client, world):
    body = get(client, world.teacher_a2, "class", world.math_10.pk).json()
    assert body["teachers"] == sorted([world.lead_math.pk, world.teacher_a2.pk])
    assert body["course"] == "Mathematics 10"


def test_staff_filtered_by_team(client, world):
    team = get(client, world.leader_a, "staff", team=world.team_math.pk)
    assert ids(team) == {world.lead_math.pk, world.teacher_a2.pk}


def test_classes_changed_since_a_date(client, world):
    world.math_10.date_last_modified = timezone.make_aware(dt.datetime(2025, 3, 1))
    world.math_10.save()
    since = get(client, world.leader_a, "classes", updated_since="2025-02-01")
    assert ids(since) == {world.math_10.pk}
    assert_problem(get(client, world.leader_a, "classes", updated_since="March"), 422)


# --- cycles and evidence ----------------------------------------------------------


@pytest.fixture
def scores(world, cycle, rubric, baseline):
    made = {}
    for student, school_class, value in (
        (world.ava, world.english_9_applied, 2),
        (world.chloe, world.english_9_academic, 3),
    ):
        made[student.pk] = Score.objects.create(
            measure=rubric, occasion=baseline, student=student, school_class=school_class,
            value=value,
        )  # fmt: skip
    return made


def test_a_cycle_reads_with_its_dates_in_iso(client, world, cycle):
    body = get(client, world.teacher_a, "cycle", cycle.pk).json()
    assert body["start_date"] == "2024-09-15"
    assert body["team"] == world.team_english.pk
    assert body["status"] == "planning"


def test_cycles_filtered_by_status_and_an_unknown_status_is_a_422(client, world, cycle):
    assert ids(get(client, world.leader_a, "cycles", status="planning")) == {cycle.pk}
    assert ids(get(client, world.leader_a, "cycles", status="closed")) == set()
    body = assert_problem(get(client, world.leader_a, "cycles", status="done"), 422)
    assert body["errors"][0]["field"] == "status"


def test_measures_and_occasions_of_a_cycle(client, world, cycle, rubric, baseline):
    measures = get(client, world.analyst, "measures", cycle.pk).json()["results"]
    assert measures == [{"id": rubric.pk, "cycle": cycle.pk, "name": "Inference rubric",
                         "kind": "rubric", "min_score": 1.0, "max_score": 4.0}]  # fmt: skip
    assert ids(get(client, world.analyst, "occasions", cycle.pk)) == {baseline.pk}


def test_a_member_reads_the_evidence_of_the_students_they_teach(client, world, cycle, scores):
    mine = get(client, world.teacher_a, "evidence", cycle.pk)
    assert ids(mine) == {scores[world.ava.pk].pk}
    row = mine.json()["results"][0]
    assert row["student"] == world.ava.pk
    assert row["school_class"] == world.english_9_applied.pk
    assert row["value"] == 2.0


def test_the_cycles_lead_reads_every_students_evidence_and_filters_it(
    client, world, cycle, scores, rubric
):
    assert len(ids(get(client, world.lead_english, "evidence", cycle.pk))) == 2
    academic = get(client, world.lead_english, "evidence", cycle.pk,
                   school_class=world.english_9_academic.pk)  # fmt: skip
    assert ids(academic) == {scores[world.chloe.pk].pk}
    assert_problem(get(client, world.lead_english, "evidence", cycle.pk, measure="x"), 422)


def test_an_analyst_is_refused_student_evidence_with_a_403_problem(client, world, cycle, scores):
    response = get(client, world.analyst, "evidence", cycle.pk)
    assert_problem(response, 403)
    assert "Brown" not in response.content.decode()


def test_another_schools_cycle_is_a_404(client, world, cycle):
    assert_problem(get(client, world.teacher_b, "evidence", cycle.pk), 404)
    assert_problem(get(client, world.teacher_b, "cycle", cycle.pk), 404)


def test_the_impact_of_a_suppressed_group_gives_its_reason_never_its_size(
    client, world, cycle, rubric
):
    assert_problem(get(client, world.analyst, "impact", cycle.pk), 404)
    ImpactSummary.objects.create(
        cycle=cycle, measure=rubric, measure_name=rubric.name, n=None,
        reason=small_group(10, "focus_paired").to_dict(), computed_at=timezone.now(),
    )  # fmt: skip
    body = get(client, world.analyst, "impact", cycle.pk).json()
    assert body["n"] is None
    assert body["effect"] is None
    assert "10" in body["reason"]


# --- rounds and meetings ----------------------------------------------------------


def test_a_rounds_notes_are_for_its_team_and_counts_for_the_leader(client, world, cycle):
    observation = english_round(world, cycle)
    note_add(user=world.teacher_a, observation=observation, uuid=uuid.uuid4(), text="Pairs talk.")
    observer = get(client, world.lead_english, "round", observation.pk).json()
    assert [note["text"] for note in observer["notes"]] == ["Pairs talk."]
    leader = get(client, world.leader_a, "round", observation.pk)
    assert leader.json()["notes"] is None
    assert leader.json()["pre_brief"] is None
    assert leader.json()["note_count"] == 1
    assert "Pairs talk" not in leader.content.decode()
    assert ids(get(client, world.leader_a, "rounds", cycle=cycle.pk)) == {observation.pk}
    assert_problem(get(client, world.analyst, "round", observation.pk), 404)


# --- survey results ---------------------------------------------------------------


@pytest.fixture
def survey(world):
    answered = results_world.answers_for(world.team_english, 3, 4.0, seed=1)
    answered += results_world.answers_for(world.team_math, 6, 3.0, seed=2)
    answered += results_world.answers_for(None, 6, 3.5, seed=3)
    return results_world.window(
        world.school_a,
        invited=[world.teacher_a, world.lead_math, world.teacher_a2],
        answers=answered,
    )


def test_survey_results_leave_out_a_group_below_the_threshold_and_its_size(client, world, survey):
    response = get(client, world.leader_a, "survey-result", survey.pk)
    body = response.json()
    assert body["threshold"] == 5
    assert body["responded"] == 15
    groups = {group["key"]: group for group in body["groups"]}
    teams = {group["team"] for group in body["groups"]}
    assert world.team_english.pk not in teams
    assert "Grade 9 English" not in response.content.decode()
    for group in groups.values():
        assert group["n"] >= 5
        assert 1 <= group["index"]["mean"] <= 5


def test_a_teacher_reads_only_their_own_teams_results(client, world, survey):
    groups = get(client, world.lead_math, "survey-result", survey.pk).json()["groups"]
    assert {group["team"] for group in groups} <= {None, world.team_math.pk}
    assert ids(get(client, world.lead_math, "survey-results")) == {survey.pk}
    assert_problem(get(client, world.teacher_b, "survey-result", survey.pk), 404)


@pytest.mark.parametrize(
    ("since", "status"),
    [
        # Valid ISO 8601 that PostgreSQL refuses as an offset (beyond 15:59): read in UTC.
        ("0634-12-13T19:20:58-18:14", 200),
        # Moved to UTC, the first moment Python can hold goes before it: a 422, not a 500.
        ("0001-01-01T00:00:00+01:00", 422),
    ],
)
def test_a_date_filter_with_any_offset_is_read_in_utc(client, world, since, status):
    response = client.get(
        reverse("api:classes"), {"updated_since": since}, **bearer(world.leader_a)
    )
    assert response.status_code == status, response.content
