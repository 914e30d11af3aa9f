"""The retention policy: read strictly at start, and ``efficacy purge`` with its dry run."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from efficacy.config import RETENTION_DEFAULTS, envretention
from efficacy.rights.models import Erasure
from efficacy.roster.models import ImportRun, Status, Student
from efficacy.voice.models.tickets import ExitTicket, TicketAnswer

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=4000)


def test_the_policy_is_the_defaults_with_the_settings_days_over_them(monkeypatch):
    monkeypatch.setenv("EFFICACY_RETENTION", " audit=3000, import_files=7 ")
    policy = envretention("EFFICACY_RETENTION")
    assert policy == {**RETENTION_DEFAULTS, "audit": 3000, "import_files": 7}
    monkeypatch.delenv("EFFICACY_RETENTION")
    assert envretention("EFFICACY_RETENTION") == RETENTION_DEFAULTS


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("audits=30", "'audits' is not a kind of record kept"),
        ("audit=soon", "is not a number of days"),
        ("audit=0", "is not a number of days"),
        ("audit", "is not a kind=days pair"),
    ],
)
def test_an_unknown_kind_or_a_bad_number_stops_the_start(monkeypatch, value, message):
    monkeypatch.setenv("EFFICACY_RETENTION", value)
    with pytest.raises(ImproperlyConfigured, match=message):
        envretention("EFFICACY_RETENTION")


@pytest.fixture
def expired(world):
    """One of each kind this installation holds, past its retention, and one not past it."""
    Student.objects.filter(pk=world.retired_student.pk).update(date_last_modified=LONG_AGO)
    ticket = ExitTicket.objects.create(
        school_class=world.english_9_applied,
        lesson="Inference",
        code="OLDTICKET1",
        opened_on=dt.date(2015, 3, 2),
        closes_at=LONG_AGO,
    )
    TicketAnswer.objects.create(ticket=ticket, understood="quotes", confidence=3)
    upload = default_storage.save("imports/old-roster.zip", ContentFile(b"PK"))
    run = ImportRun.objects.create(created_by=world.admin_a, file_name="r.zip", stored_name=upload)
    ImportRun.objects.filter(pk=run.pk).update(created_at=LONG_AGO)
    recent_upload = default_storage.save("imports/new-roster.zip", ContentFile(b"PK"))
    recent = ImportRun.objects.create(
        created_by=world.admin_a, file_name="n.zip", stored_name=recent_upload
    )
    attempt = AccessAttempt.objects.create(
        username="x", ip_address="10.0.0.1", failures_since_start=1
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=LONG_AGO)
    return {"run": run, "recent": recent, "upload": upload, "recent_upload": recent_upload}


def _purge(*args) -> dict:
    out = io.StringIO()
    call_command("purge", "--json", *args, stdout=out)
    return {k["kind"]: k for k in json.loads(out.getvalue())["kinds"]}


def test_a_dry_run_lists_per_kind_how_many_would_go_and_the_oldest_and_changes_nothing(
    world, expired
):
    kinds = _purge("--dry-run")
    assert kinds["retired_students"]["count"] == 1
    assert kinds["retired_students"]["oldest"].startswith(LONG_AGO.date().isoformat())
    assert kinds["exit_ticket_answers"] == {
        **kinds["exit_ticket_answers"],
        "count": 1,
        "oldest": "2015-03-02",
    }
    assert kinds["import_files"]["count"] == 1
    assert kinds["signin_failures"]["count"] == 1
    # Every kind is held by some part of the installation (the audit log, API tokens too).
    assert kinds["audit"] == {**kinds["audit"], "held": True, "count": 0}
    assert all(kind["held"] for kind in kinds.values())
    assert TicketAnswer.objects.count() == 1
    assert not Erasure.objects.exists()
    assert default_storage.exists(expired["upload"])


def test_the_purge_erases_retired_students_and_deletes_the_rest_of_what_expired(world, expired):
    _purge()
    student = Student.objects.get(pk=world.retired_student.pk)  # erased, never deleted
    assert student.given_name == ""
    assert Erasure.objects.get(student=student).reason == Erasure.Reason.RETENTION
    assert TicketAnswer.objects.count() == 0
    assert not AccessAttempt.objects.exists()
    expired["run"].refresh_from_db()
    assert expired["run"].stored_name == ""
    assert not default_storage.exists(expired["upload"])
    expired["recent"].refresh_from_db()
    assert expired["recent"].stored_name  # 30 days have not passed
    assert default_storage.exists(expired["recent_upload"])
    assert _purge("--dry-run")["retired_students"]["count"] == 0


def test_a_shorter_policy_reaches_more_records(world, expired, settings):
    settings.EFFICACY_RETENTION = {**RETENTION_DEFAULTS, "import_files": 1}
    ImportRun.objects.filter(pk=expired["recent"].pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    assert _purge("--dry-run")["import_files"]["count"] == 2


def test_the_plain_output_says_each_kind_in_a_line(world, expired):
    out = io.StringIO()
    call_command("purge", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(
        line.startswith("retired_students: kept 2555 days; 1 would go, oldest") for line in lines
    )
    assert "audit: kept 2555 days; 0 would go" in lines


def test_erase_person_asks_for_yes(world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_person", "--student", str(world.ava.pk))
    assert not Erasure.objects.exists()
    call_command("erase_person", "--student", str(world.ava.pk), "--yes", stdout=io.StringIO())
    assert Erasure.objects.filter(student=world.ava).exists()
    assert Student.objects.get(pk=world.ava.pk).status == Status.ACTIVE


def _old_score_upload(world, *, days_ago: int):
    """A score upload whose worker died unseen: its file kept, ``days_ago`` days old."""
    from efficacy.cycles.models import EvidenceUpload
    from efficacy.cycles.plan.services import cycle_create

    cycle = cycle_create(user=world.lead_english, team=world.team_english, title="Inference")
    name = default_storage.save("evidence/orphan.csv", ContentFile(b"student,score\n"))
    upload = EvidenceUpload.objects.create(
        cycle=cycle, created_by=world.lead_english, kind=EvidenceUpload.Kind.SCORES,
        file_name="scores.csv", stored_names=[name], status=EvidenceUpload.RunStatus.RUNNING,
    )  # fmt: skip
    EvidenceUpload.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return upload, name


def test_the_score_files_a_dead_run_left_go_with_the_import_files(world):
    old, old_name = _old_score_upload(world, days_ago=40)
    assert _purge("--dry-run")["import_files"]["count"] == 1
    _purge()
    assert not default_storage.exists(old_name)
    old.refresh_from_db()
    assert old.stored_names == []
    assert old.file_name == "scores.csv"  # the run's history stays
    assert _purge("--dry-run")["import_files"]["count"] == 0


def test_a_recent_score_upload_keeps_its_files(world):
    _upload, name = _old_score_upload(world, days_ago=2)
    assert _purge("--dry-run")["import_files"]["count"] == 0
    _purge()
    assert default_storage.exists(name)


def _story_file(name: str, *, days_ago: int) -> str:
    """A file of the stories folder, written ``days_ago`` days ago."""
    import os

    stored = default_storage.save(f"stories/{name}", ContentFile(b"%PDF-1.7"))
    written = (timezone.now() - dt.timedelta(days=days_ago)).timestamp()
    os.utime(default_storage.path(stored), (written, written))
    return stored


def test_story_pdfs_past_their_retention_go_and_recent_ones_stay(world):
    old = _story_file("1-aaa.pdf", days_ago=45)
    waiting = _story_file("2-bbb.html", days_ago=31)
    recent = _story_file("1-ccc.pdf", days_ago=3)
    plan = _purge("--dry-run")["story_pdfs"]
    assert plan["count"] == 2
    assert plan["oldest"].startswith((timezone.now() - dt.timedelta(days=45)).date().isoformat())
    assert plan["days"] == 30
    _purge()
    assert not default_storage.exists(old)
    assert not default_storage.exists(waiting)
    assert default_storage.exists(recent)
    assert _purge("--dry-run")["story_pdfs"]["count"] == 0


def test_with_no_story_made_yet_there_is_nothing_to_purge(world):
    plan = _purge("--dry-run")["story_pdfs"]
    assert (plan["held"], plan["count"], plan["oldest"]) == (True, 0, None)


def test_erasing_a_staff_member_removes_every_story_pdf_that_could_name_them(
    world, django_capture_on_commit_callbacks
):
    from efficacy.rights.services import account_erase

    made = _story_file("1-aaa.pdf", days_ago=0)
    with django_capture_on_commit_callbacks(execute=True):
        account_erase(account=world.teacher_a, by=world.admin_a)
    assert not default_storage.exists(made)
