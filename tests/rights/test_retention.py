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
