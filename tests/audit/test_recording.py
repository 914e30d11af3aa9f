"""Each audited change writes exactly one event, with the right actor, school and target,
in the transaction of the change: if the event cannot be written, the change fails."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from efficacy.audit.models import Action, AuditEvent, Via
from efficacy.cycles.evidence.services import evidence_delete, score_set, scores_save
from efficacy.cycles.models import Score
from efficacy.cycles.plan.services import cycle_update
from efficacy.roster import services as roster
from efficacy.roster.models import ImportRun, Role, TeamMembership
from efficacy.voice.services.instruments import instrument_load
from efficacy.voice.services.surveys import survey_window_close
from tests.voice.survey_fixtures import make_instrument, window_of
from tests.voice.test_instrument_pages import example_yaml

pytestmark = pytest.mark.django_db


def only(action: str) -> AuditEvent:
    """The one event of ``action``; fails if there are none or several."""
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, [str(e) for e in events]
    return events[0]


# --- evidence -----------------------------------------------------------------


def test_entering_a_score_records_the_student_by_id_and_never_by_name(
    world, cycle, rubric, baseline
):
    score = score_set(
        user=world.lead_english, measure=rubric, occasion=baseline, student=world.ava, value=3
    )
    event = only(Action.SCORE_SET)
    assert event.actor == world.lead_english
    assert event.actor_label == "lead_english"
    assert event.school_id == world.school_a.pk
    assert (event.target_type, event.target_id) == ("roster.student", str(world.ava.pk))
    assert event.target_label == ""
    assert event.detail["score"] == score.pk
    assert event.detail["created"] is True
    assert "Ava" not in str(event.detail)
    assert "Brown" not in str(event.detail)
    assert event.via == Via.COMMAND  # no request: a service called directly


def test_changing_a_score_records_one_more_event(world, cycle, rubric, baseline):
    for value in (2, 3):
        score_set(user=world.lead_english, measure=rubric, occasion=baseline, student=world.ava,
                  value=value)  # fmt: skip
    events = AuditEvent.objects.filter(action=Action.SCORE_SET)
    assert events.count() == 2
    assert [e.detail["created"] for e in events.order_by("id")] == [True, False]


def test_clearing_a_score_records_a_deletion_and_no_name(world, cycle, rubric, baseline):
    score_set(user=world.lead_english, measure=rubric, occasion=baseline, student=world.ava,
              value=3)  # fmt: skip
    score_set(user=world.lead_english, measure=rubric, occasion=baseline, student=world.ava,
              value="")  # fmt: skip
    event = only(Action.EVIDENCE_DELETED)
    assert event.detail["count"] == 1
    assert event.target_type == "cycles.inquirycycle"
    assert event.target_id == str(cycle.pk)
    assert "Ava" not in str(event.detail)


def test_deleting_evidence_records_one_event_with_the_count(world, cycle, rubric, baseline):
    for student in (world.ava, world.ben):
        score_set(user=world.lead_english, measure=rubric, occasion=baseline, student=student,
                  value=2)  # fmt: skip
    deleted = evidence_delete(
        user=world.lead_english, cycle=cycle, scores=Score.objects.all(), what="all scores"
    )
    assert deleted == 2
    event = only(Action.EVIDENCE_DELETED)
    assert event.detail["count"] == 2
    assert event.actor == world.lead_english
    assert event.school_id == world.school_a.pk


def test_saving_the_grid_records_one_event_per_batch_with_its_counts(
    world, cycle, rubric, baseline, final
):
    values = {
        (world.ava.pk, baseline): "2",
        (world.ava.pk, final): "3",
        (world.ben.pk, baseline): "1",
    }
    scores_save(user=world.lead_english, measure=rubric, school_class=world.english_9_applied,
                values=values)  # fmt: skip
    event = only(Action.EVIDENCE_SAVED)
    assert event.detail["created"] == 3
    assert event.detail["updated"] == 0
    assert event.target_id == str(cycle.pk)
    assert event.school_id == world.school_a.pk


def test_a_score_is_not_saved_when_its_audit_event_cannot_be_written(
    world, cycle, rubric, baseline, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr("efficacy.cycles.evidence.services.record", broken)
    with pytest.raises(RuntimeError):
        score_set(user=world.lead_english, measure=rubric, occasion=baseline, student=world.ava,
                  value=3)  # fmt: skip
    assert not Score.objects.exists()
    assert not AuditEvent.objects.exists()


# --- goals ----------------------------------------------------------------------


def test_changing_a_cycles_goal_records_which_fields_changed(world, cycle, rubric):
    cycle_update(user=world.lead_english, cycle=cycle, performance_measure=rubric,
                 performance_threshold=3, performance_target_percent=70)  # fmt: skip
    event = only(Action.GOAL_CHANGED)
    assert event.actor == world.lead_english
    assert event.target_id == str(cycle.pk)
    assert "performance_target_percent" in event.detail["fields"]


def test_a_change_that_leaves_the_goal_alone_records_nothing(world, cycle):
    cycle_update(user=world.lead_english, cycle=cycle, plan="Chunked texts every week.")
    assert not AuditEvent.objects.filter(action=Action.GOAL_CHANGED).exists()


# --- surveys ----------------------------------------------------------------------


def test_opening_and_closing_a_survey_window_are_recorded(world):
    window = window_of(world, make_instrument())
    opened = only(Action.SURVEY_OPENED)
    assert opened.actor == world.leader_a
    assert opened.school_id == world.school_a.pk
    assert opened.target_id == str(window.pk)
    survey_window_close(user=world.leader_a, window=window)
    closed = only(Action.SURVEY_CLOSED)
    assert closed.target_id == str(window.pk)


def test_loading_an_instrument_is_recorded_once_and_not_when_it_is_already_there(world):
    instrument_load(text=example_yaml(), user=world.leader_a)
    instrument_load(text=example_yaml(), user=world.leader_a)
    event = only(Action.INSTRUMENT_LOADED)
    assert event.actor == world.leader_a
    assert event.detail["district"] == world.district.pk


# --- roles and permissions ---------------------------------------------------------


def test_a_role_change_is_recorded_with_the_roles_before_and_after(world):
    roster.account_role_set(by=world.admin_a, account=world.teacher_a, role=Role.COACH)
    event = only(Action.ROLE_CHANGED)
    assert event.actor == world.admin_a
    assert event.school_id == world.school_a.pk
    assert (event.target_type, event.target_id) == ("roster.user", str(world.teacher_a.pk))
    assert event.detail == {"from": Role.TEACHER, "to": Role.COACH}


def test_deactivating_and_reactivating_an_account_are_recorded(world):
    roster.account_deactivate(by=world.admin_a, account=world.teacher_a)
    roster.account_reactivate(by=world.admin_a, account=world.teacher_a)
    assert only(Action.ACCOUNT_DEACTIVATED).target_id == str(world.teacher_a.pk)
    assert only(Action.ACCOUNT_REACTIVATED).actor == world.admin_a


def test_team_membership_set_and_remove_are_recorded(world):
    roster.team_membership_set(by=world.leader_a, team=world.team_english, user=world.teacher_a2,
                               role=TeamMembership.TeamRole.MEMBER)  # fmt: skip
    roster.team_membership_remove(by=world.leader_a, team=world.team_english, user=world.teacher_a2)
    added = only(Action.TEAM_MEMBER_SET)
    assert added.target_id == str(world.team_english.pk)
    assert added.detail["user"] == world.teacher_a2.pk
    assert only(Action.TEAM_MEMBER_REMOVED).school_id == world.school_a.pk


def test_invitations_and_password_resets_sent_are_recorded(world, mailoutbox):
    world.teacher_a2.set_unusable_password()  # imported from the roster, not yet invited
    world.teacher_a2.save()
    roster.account_invite(by=world.admin_a, account=world.teacher_a2, base_url="http://testserver")
    roster.account_password_reset_send(by=world.admin_a, account=world.teacher_a,
                                       base_url="http://testserver")  # fmt: skip
    assert only(Action.INVITATION_SENT).target_id == str(world.teacher_a2.pk)
    assert only(Action.PASSWORD_RESET_SENT).actor == world.admin_a


def test_a_roster_import_is_recorded_when_it_starts_and_when_it_finishes(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.csv", "propertyName,value\n")
    upload = SimpleUploadedFile("bad.zip", buffer.getvalue(), content_type="application/zip")
    run = roster.import_run_start(by=world.admin_a, upload=upload)
    started, finished = only(Action.ROSTER_IMPORT_STARTED), only(Action.ROSTER_IMPORT_FINISHED)
    assert started.actor == finished.actor == world.admin_a
    assert started.target_id == finished.target_id == str(run.pk)
    assert finished.detail["status"] == ImportRun.RunStatus.FAILED
    assert finished.detail["problems"] >= 1
