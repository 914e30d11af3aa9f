"""Data rights leave their trace in the audit log, and the audit log keeps to its own
retention: an erasure does not rewrite it, ``efficacy purge`` removes its old rows."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from efficacy.audit.models import Action, AuditEvent
from efficacy.audit.services import record
from efficacy.rights.services import account_erase, student_correct, student_erase

pytestmark = pytest.mark.django_db


def _events(action: str):
    return AuditEvent.objects.filter(action=action)


def test_an_export_from_the_page_is_recorded_with_its_reader_and_school(client, world):
    client.force_login(world.admin_a)
    response = client.get(reverse("rights:student_export", args=[world.ava.pk]))
    assert response.status_code == 200
    event = _events(Action.PERSON_EXPORTED).get()
    assert event.actor == world.admin_a
    assert event.school_id == world.school_a.pk
    assert (event.target_type, event.target_id) == ("roster.student", str(world.ava.pk))
    assert event.target_label == ""  # never a student's name


def test_a_correction_and_an_erasure_are_recorded_without_the_students_name(world):
    student_correct(student=world.ava, by=world.admin_a, changes={"grade": "10"})
    assert _events(Action.PERSON_CORRECTED).get().detail == {"fields": ["grade"]}
    student_erase(student=world.ava, by=world.admin_a)
    erased = _events(Action.PERSON_ERASED).get()
    assert erased.actor == world.admin_a
    assert "Ava" not in str(erased.detail) + erased.target_label


def test_erasing_a_staff_member_leaves_the_append_only_log_as_it_was(world):
    record(actor=world.teacher_a, action=Action.SIGNED_IN)
    account_erase(account=world.teacher_a, by=world.admin_a)
    signed_in = _events(Action.SIGNED_IN).get()
    assert signed_in.actor_label == "teacher_a"  # kept until the log's own retention
    assert _events(Action.PERSON_ERASED).get().target_id == str(world.teacher_a.pk)


def test_purge_removes_audit_events_past_their_retention_and_records_that_it_did(world, settings):
    settings.EFFICACY_RETENTION = {**settings.EFFICACY_RETENTION, "audit": 30}
    old = record(actor=world.admin_a, action=Action.SIGNED_IN)
    recent = record(actor=world.admin_a, action=Action.SIGNED_OUT)
    # The log refuses an update: date the old event by purging relative to a later "now".
    out = io.StringIO()
    call_command("purge", "--dry-run", stdout=out)
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    later = timezone.now() + dt.timedelta(days=31)
    from efficacy.rights.retention import retention_purge

    recent_cutoff_kept = AuditEvent.objects.filter(pk=recent.pk)
    plan = {r.kind: r for r in retention_purge(now=later)}
    assert plan["audit"].held
    assert plan["audit"].count >= 2
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert not recent_cutoff_kept.exists()
    purged = _events(Action.RECORDS_PURGED).get(detail__kind="audit")
    assert purged.detail["count"] == plan["audit"].count
    assert purged.actor_label == "efficacy purge"
