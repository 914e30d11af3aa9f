"""A background score upload says what happened: its outcome commits with the scores.

A worker can die at any moment; if the scores committed first and the run's outcome
after, a death between the two would leave scores under a run the page then calls
failed ("nothing was saved"). Here the worker "dies" where the
run's success is recorded (tests/ops/test_faults.py kills real workers at random moments
of the write).
"""

from __future__ import annotations

import io

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django_tasks import default_task_backend

from efficacy.cycles.evidence.tasks import evidence_upload_run
from efficacy.cycles.models import EvidenceUpload, Score

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class WorkerDied(BaseException):
    """Stands for SIGKILL: nothing catches it and nothing after it runs."""


@pytest.fixture
def queued(client, world, cycle, rubric, baseline, final, settings):
    settings.TASKS = DUMMY
    client.force_login(world.teacher_a)
    upload = io.BytesIO(
        "student,class,measure,occasion,score\n"
        f"{world.ava.identifier},,Inference rubric,Baseline,3\n"
        f"{world.ben.identifier},,Inference rubric,Baseline,2\n".encode()
    )
    upload.name = "scores.csv"
    client.post(reverse("cycles:upload", args=[cycle.pk]), {"file": upload})
    (task,) = default_task_backend.results
    return task


def test_a_worker_that_dies_as_it_records_the_outcome_has_saved_no_score(queued, monkeypatch):
    real_update = QuerySet.update

    def dies_at_the_outcome(self, **fields):
        if self.model is EvidenceUpload and fields.get("status") == "succeeded":
            raise WorkerDied
        return real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", dies_at_the_outcome)
    with pytest.raises(WorkerDied):
        evidence_upload_run.call(*queued.args, **queued.kwargs)
    monkeypatch.undo()

    run = EvidenceUpload.objects.get()
    assert run.status == EvidenceUpload.RunStatus.RUNNING  # the page will say it stopped...
    assert not Score.objects.exists()  # ...and that no score was saved: true


def test_a_worker_that_lives_records_the_outcome_with_the_scores(queued):
    evidence_upload_run.call(*queued.args, **queued.kwargs)
    run = EvidenceUpload.objects.get()
    assert (run.status, run.summary["created"]) == ("succeeded", 2)
    assert run.finished_at is not None
    assert Score.objects.count() == 2
