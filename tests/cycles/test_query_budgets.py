"""Query budgets: the cycle page, the team page, a teacher's home page and "Save all" cost
a bounded number of queries, and "Save all" costs the same whatever the number of changed
cells."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from efficacy.cycles.evidence.selectors import class_cycle_students
from efficacy.cycles.evidence.services import score_set
from efficacy.cycles.models import Score
from efficacy.cycles.plan.services import (
    cycle_create,
    measure_create,
    milestone_create,
    occasion_create,
)
from efficacy.practice.services import ActionDraft, meeting_record
from efficacy.roster.models import Student
from tests.practice.fixtures import english_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied_class_of_25(world, cycle, rubric, baseline, final):
    """English 9 Applied with 25 focus students: 50 cells of the rubric at two occasions."""
    for i in range(23):
        world.enrolled_student(
            world.english_9_applied,
            given_name=f"Student{i:02d}",
            family_name="Budget",
            identifier=f"B{i:03d}",
            grade="09",
            pathway="applied",
        )
    return world.english_9_applied


def _cells(school_class, occasions, count):
    cycle = occasions[0].cycle
    students = class_cycle_students(cycle, school_class_id=school_class.pk).order_by("pk")
    cells = {
        f"score-{student.pk}-{occasion.pk}": str(1 + (i + j) % 4)
        for i, student in enumerate(students)
        for j, occasion in enumerate(occasions)
    }
    return dict(list(cells.items())[:count])


def _save_all(client, cycle, school_class, rubric, cells):
    url = reverse("cycles:grid", args=[cycle.pk])
    url += f"?class={school_class.pk}&measure={rubric.pk}"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, cells)
    assert response.status_code == 302, response.content.decode()[:2000]
    return len(queries)


def test_save_all_costs_the_same_queries_for_5_and_for_50_changed_cells(
    client, world, cycle, rubric, baseline, final, applied_class_of_25
):
    client.force_login(world.teacher_a)
    five = _cells(applied_class_of_25, [baseline, final], 5)
    fifty = _cells(applied_class_of_25, [baseline, final], 50)
    assert len(fifty) == 50
    cost_of_five = _save_all(client, cycle, applied_class_of_25, rubric, five)
    Score.objects.all().delete()
    cost_of_fifty = _save_all(client, cycle, applied_class_of_25, rubric, fifty)
    assert Score.objects.count() == 50
    assert cost_of_fifty == cost_of_five
    assert cost_of_fifty <= 40


def test_save_all_changing_and_clearing_stored_scores_costs_the_same_for_5_and_50(
    client, world, cycle, rubric, baseline, final, applied_class_of_25
):
    client.force_login(world.teacher_a)
    fifty = _cells(applied_class_of_25, [baseline, final], 50)
    _save_all(client, cycle, applied_class_of_25, rubric, fifty)
    changed = {
        name: "" if i % 2 else str(1 + int(value) % 4)
        for i, (name, value) in enumerate(fifty.items())
    }
    five = dict(list(changed.items())[:5])
    cost_of_five = _save_all(client, cycle, applied_class_of_25, rubric, five)
    cost_of_fifty = _save_all(client, cycle, applied_class_of_25, rubric, changed)
    assert Score.objects.count() == 25
    assert cost_of_fifty == cost_of_five


def test_the_cycle_page_costs_a_bounded_number_of_queries(
    client,
    world,
    cycle,
    rubric,
    baseline,
    final,
    applied_class_of_25,
    django_assert_max_num_queries,
):
    for name in ("Checkpoint 1", "Checkpoint 2", "Checkpoint 3"):
        occasion_create(user=world.lead_english, cycle=cycle, name=name, kind="checkpoint")
    for title in ("Plan the unit", "Baseline marked", "Moderate together"):
        milestone_create(user=world.lead_english, cycle=cycle, title=title)
    for i, student in enumerate(Student.objects.filter(family_name="Budget")[:20]):
        score_set(
            user=world.teacher_a,
            measure=rubric,
            occasion=baseline,
            student=student,
            value=1 + i % 4,
        )
    client.force_login(world.lead_english)
    with django_assert_max_num_queries(60):
        response = client.get(reverse("cycles:detail", args=[cycle.pk]))
    assert response.status_code == 200


def _team_page_queries(client, team) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("front:team", args=[team.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_team_page_costs_the_same_queries_for_one_cycle_and_for_six(
    client, world, cycle, rubric, baseline, final, django_assert_max_num_queries
):
    client.force_login(world.lead_english)
    with django_assert_max_num_queries(20):
        one = _team_page_queries(client, world.team_english)
    for i in range(5):
        other = cycle_create(user=world.lead_english, team=world.team_english, title=f"Cycle {i}")
        measure_create(user=world.lead_english, cycle=other, name="Essay", max_score=10)
    assert _team_page_queries(client, world.team_english) == one


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


def test_a_teachers_home_page_costs_the_same_queries_for_one_action_and_for_twenty(
    client, world, cycle, rubric, baseline, final, django_assert_max_num_queries
):
    """Open actions, scores to enter and rounds to attend: a few queries each, whatever
    their number (the scores to enter add one query per cycle, of at most a dozen)."""
    for occasion in (baseline, final):
        occasion.date = dt.date(2024, 9, 20)
        occasion.save()

    def upcoming_round() -> None:
        observation = english_round(world, cycle)
        observation.date = timezone.localdate() + dt.timedelta(days=7)
        observation.save()

    upcoming_round()

    def meeting(n: int) -> None:
        meeting_record(
            user=world.lead_english, cycle=cycle, date=dt.date(2024, 10, 1),
            attendees=[world.teacher_a],
            actions=[ActionDraft(f"Action {i}", owner=world.teacher_a) for i in range(n)],
        )  # fmt: skip

    meeting(1)
    client.force_login(world.teacher_a)
    with django_assert_max_num_queries(25):
        one = _home_queries(client)
    assert "Host a round in your class" in client.get(reverse("home")).content.decode()
    meeting(19)
    upcoming_round()
    upcoming_round()
    for i in range(3):
        occasion_create(user=world.lead_english, cycle=cycle, name=f"Checkpoint {i}",
                        kind="checkpoint", date=dt.date(2024, 10, 1 + i))  # fmt: skip
        measure_create(user=world.lead_english, cycle=cycle, name=f"Quiz {i}", max_score=10)
    assert _home_queries(client) == one
