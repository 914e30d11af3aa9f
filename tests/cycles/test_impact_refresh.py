"""Stored impact summaries follow the evidence: every evidence write queues one
recompute of its cycle once it commits (not one per score), and the summary says
when it was computed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from efficacy.cycles.evidence.imports import scores_import
from efficacy.cycles.evidence.selectors import class_cycle_students
from efficacy.cycles.evidence.services import evidence_delete, score_set
from efficacy.cycles.impact.recompute import impact_recompute
from efficacy.cycles.models import ImpactSummary, InquiryCycle, Score

pytestmark = pytest.mark.django_db

REFRESH = "efficacy.cycles.impact.tasks.impact_refresh_task"


def _queued(cycle) -> list[DBTaskResult]:
    return [
        task
        for task in DBTaskResult.objects.filter(task_path=REFRESH)
        if task.args_kwargs["kwargs"] == {"cycle_id": cycle.pk}
    ]


def _run_queued() -> None:
    for task in DBTaskResult.objects.filter(task_path=REFRESH):
        task.task.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])


def test_save_all_of_every_cell_queues_one_refresh_of_its_cycle(
    client, world, cycle, rubric, baseline, final, django_capture_on_commit_callbacks
):
    students = class_cycle_students(cycle, school_class_id=world.english_9_applied.pk)
    cells = {
        f"score-{s.pk}-{o.pk}": str(1 + i % 4)
        for i, s in enumerate(students)
        for o in (baseline, final)
    }
    client.force_login(world.teacher_a)
    url = reverse("cycles:grid", args=[cycle.pk])
    url += f"?class={world.english_9_applied.pk}&measure={rubric.pk}"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(url, cells)
    assert Score.objects.count() == len(cells) == 4
    assert len(callbacks) == 1
    assert len(_queued(cycle)) == 1


def test_an_upload_queues_one_refresh(
    world, cycle, rubric, baseline, final, django_capture_on_commit_callbacks
):
    content = (
        "student,measure,occasion,score\n"
        f"{world.ava.identifier},{rubric.name},{baseline.name},2\n"
        f"{world.ben.identifier},{rubric.name},{baseline.name},3\n"
        f"{world.ava.identifier},{rubric.name},{final.name},4\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = scores_import(
            user=world.teacher_a, cycle=cycle, content=content, filename="scores.csv"
        )
    assert result.ok, result.problems
    assert result.created == 3
    assert len(callbacks) == 1
    assert len(_queued(cycle)) == 1


def test_a_file_with_problems_writes_nothing_and_queues_nothing(
    world, cycle, rubric, baseline, django_capture_on_commit_callbacks
):
    content = (
        f"student,measure,occasion,score\n{world.ava.identifier},{rubric.name},{baseline.name},9\n"
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = scores_import(
            user=world.teacher_a, cycle=cycle, content=content.encode(), filename="scores.csv"
        )
    assert not result.ok
    assert callbacks == []


@pytest.mark.parametrize("value", ["3", ""])
def test_setting_or_clearing_one_score_queues_one_refresh(
    world, cycle, rubric, baseline, django_capture_on_commit_callbacks, value
):
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        score_set(
            user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=value
        )
    assert len(callbacks) == 1


def test_deleting_evidence_queues_one_refresh(
    world, cycle, rubric, baseline, final, django_capture_on_commit_callbacks
):
    for occasion in (baseline, final):
        score_set(
            user=world.teacher_a, measure=rubric, occasion=occasion, student=world.ava, value=2
        )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        evidence_delete(
            user=world.lead_english,
            cycle=cycle,
            scores=Score.objects.all(),
            what="all of Ava's scores",
            reason="entered in the wrong cycle",
        )
    assert len(callbacks) == 1
    assert len(_queued(cycle)) == 1


def test_the_queued_refresh_recomputes_the_stored_summary_and_says_when(
    world, cycle, rubric, baseline, final, django_capture_on_commit_callbacks
):
    impact_recompute(cycles=InquiryCycle.objects.filter(pk=cycle.pk))
    before = ImpactSummary.objects.get(cycle=cycle)
    ImpactSummary.objects.filter(pk=before.pk).update(
        computed_at=timezone.now() - dt.timedelta(days=1)
    )
    assert before.measure_name == rubric.name
    with django_capture_on_commit_callbacks(execute=True):
        score_set(
            user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=2
        )
    _run_queued()
    after = ImpactSummary.objects.get(cycle=cycle)
    assert after.computed_at > timezone.now() - dt.timedelta(minutes=5)
