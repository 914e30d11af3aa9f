"""A score upload runs in the worker: the request keeps the file, the progress page shows
the outcome, a dead worker is noticed, and only the team and the uploader see the run."""

from __future__ import annotations

import datetime as dt
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from efficacy import progress
from efficacy.cycles.evidence.tasks import evidence_upload_run
from efficacy.cycles.models import EvidenceUpload, Score
from efficacy.cycles.plan.services import cycle_create
from efficacy.roster.models import TeamMembership

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def evidence(cycle, rubric, baseline, final):
    return cycle


def _scores(world) -> bytes:
    return (
        "student,class,measure,occasion,score\n"
        f"{world.ava.identifier},,Inference rubric,Baseline,3\n"
        f"{world.ben.identifier},,Inference rubric,Baseline,2\n"
    ).encode()


def _post(client, cycle, content: bytes, *, follow: bool = True):
    upload = io.BytesIO(content)
    upload.name = "scores.csv"
    url = reverse("cycles:upload", args=[cycle.pk])
    return client.post(url, {"file": upload}, follow=follow)


def _status(client, run) -> str:
    url = reverse("cycles:upload_run_status", args=[run.cycle_id, run.pk])
    return client.get(url).content.decode()


def test_an_upload_is_queued_kept_in_the_storage_and_applied_by_the_worker(
    client, world, evidence, settings
):
    settings.TASKS = DUMMY
    client.force_login(world.teacher_a)
    response = _post(client, evidence, _scores(world), follow=False)

    run = EvidenceUpload.objects.get()
    assert response.url == reverse("cycles:upload_run", args=[evidence.pk, run.pk])
    # The request saved nothing but the file: the worker checks and applies it.
    assert not Score.objects.exists()
    (name,) = run.stored_names
    assert name.startswith("evidence/")
    assert default_storage.exists(name)
    body = _status(client, run)
    assert 'hx-trigger="every 1s"' in body
    assert "efficacy worker" in body

    (queued,) = default_task_backend.results
    evidence_upload_run.call(*queued.args, **queued.kwargs)

    run.refresh_from_db()
    assert (run.status, run.summary["created"]) == ("succeeded", 2)
    assert Score.objects.count() == 2
    body = _status(client, run)
    assert "hx-trigger" not in body
    assert "Scores imported: 2 added, 0 updated, 0 unchanged, 0 empty cells skipped." in body
    # The file held students' scores: it goes once the run has finished, as its progress does.
    assert run.stored_names == []
    assert not default_storage.exists(name)
    assert progress.read(run.progress_key) is None


def test_the_worker_applies_the_upload_as_the_uploader_is_when_it_runs(
    client, world, evidence, settings
):
    settings.TASKS = DUMMY
    client.force_login(world.teacher_a)
    _post(client, evidence, _scores(world))
    TeamMembership.objects.filter(user=world.teacher_a).delete()
    (queued,) = default_task_backend.results
    evidence_upload_run.call(*queued.args, **queued.kwargs)

    run = EvidenceUpload.objects.get()
    assert (run.status, run.failure) == ("failed", "invalid")
    assert "Only members of" in run.problems[0]["text"]
    assert not Score.objects.exists()


def test_a_running_upload_shows_it_is_checking_and_keeps_polling(client, world, evidence):
    run = EvidenceUpload.objects.create(cycle=evidence, created_by=world.teacher_a,
                                        kind="scores", file_name="s.csv", status="running",
                                        started_at=timezone.now())  # fmt: skip
    progress.beat(run.progress_key)
    client.force_login(world.teacher_a)
    body = _status(client, run)
    assert "Checking the file" in body
    assert 'hx-trigger="every 1s"' in body


def test_an_upload_whose_worker_died_is_shown_as_failed_and_its_file_goes(client, world, evidence):
    stored = default_storage.save("evidence/x.csv", ContentFile(_scores(world)))
    run = EvidenceUpload.objects.create(
        cycle=evidence,
        created_by=world.teacher_a,
        kind="scores",
        file_name="s.csv",
        status="running",
        stored_names=[stored],
        started_at=timezone.now() - timedelta(minutes=30),
    )
    at = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    default_storage.save(
        progress.name_of(run.progress_key), ContentFile(f'{{"at": "{at}"}}'.encode())
    )
    client.force_login(world.teacher_a)

    body = _status(client, run)

    assert "hx-trigger" not in body
    assert "Checking the file did not finish, so no score was saved." in body
    assert "The worker checking this file stopped before it finished" in body
    run.refresh_from_db()
    assert (run.status, run.failure) == ("failed", "interrupted")
    assert not default_storage.exists(stored)


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("teacher_a", 200),  # the uploader
        ("lead_english", 200),  # sees the cycle's student evidence
        ("leader_a", 200),
        ("analyst", 404),  # sees the cycle, not its students
        ("teacher_a2", 404),  # another team
        ("teacher_b", 404),  # another school
    ],
)
def test_who_sees_an_uploads_run(client, world, evidence, person, status):
    run = EvidenceUpload.objects.create(cycle=evidence, created_by=world.teacher_a,
                                        kind="scores", file_name="s.csv", status="succeeded",
                                        summary={"created": 1, "updated": 0, "unchanged": 0,
                                                 "blank": 0})  # fmt: skip
    client.force_login(getattr(world, person))
    for name in ("cycles:upload_run", "cycles:upload_run_status"):
        url = reverse(name, args=[evidence.pk, run.pk])
        assert client.get(url).status_code == status, name


def test_a_run_is_reached_only_through_its_own_cycle(client, world, evidence):
    run = EvidenceUpload.objects.create(cycle=evidence, created_by=world.teacher_a,
                                        kind="scores", file_name="s.csv")  # fmt: skip
    other_cycle = cycle_create(user=world.lead_math, team=world.team_math, title="Fractions",
                               start_date=dt.date(2024, 9, 15),
                               end_date=dt.date(2024, 12, 15))  # fmt: skip
    client.force_login(world.leader_a)
    url = reverse("cycles:upload_run", args=[other_cycle.pk, run.pk])
    assert client.get(url).status_code == 404
