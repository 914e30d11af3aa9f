"""The audit log is append-only: the model, its queryset and the database itself refuse
an update or a delete; only purge_before (the retention policy) removes rows.
Run on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from efficacy.audit.models import Action, AppendOnly, AuditEvent
from efficacy.audit.services import purge_before, record
from efficacy.roster.models import School, User

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def event(world):
    return record(actor=world.admin_a, action=Action.ROLE_CHANGED, school=world.school_a,
                  target=world.teacher_a, detail={"from": "teacher", "to": "coach"})  # fmt: skip


def sql(statement: str, params=()) -> None:
    """Run raw SQL in a savepoint, so a refusal leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_saving_an_event_again_is_refused(event):
    event.action = Action.SIGNED_IN
    with pytest.raises(AppendOnly):
        event.save()


def test_deleting_an_event_through_the_model_or_the_queryset_is_refused(event):
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.SIGNED_IN)
    assert AuditEvent.objects.filter(pk=event.pk, action=Action.ROLE_CHANGED).exists()


@pytest.mark.parametrize(
    "assignment",
    ["action = 'signed_in'", "actor_label = 'someone_else'", "detail = '{}'", "school_id = NULL"],
)
def test_the_database_refuses_an_update_through_raw_sql(event, assignment):
    with pytest.raises(DatabaseError, match="append-only"):
        sql(f"UPDATE {TABLE} SET {assignment} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "admin_a"


def test_the_database_refuses_to_give_an_event_another_actor(event, world):
    with pytest.raises(DatabaseError, match="append-only"):
        sql(f"UPDATE {TABLE} SET actor_id = %s WHERE id = %s", [world.teacher_a.pk, event.pk])


def test_the_database_refuses_a_delete_through_raw_sql(event):
    with pytest.raises(DatabaseError, match="append-only"):
        sql(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_account_deleted_leaves_its_events_readable_under_its_username(world):
    gone = User.objects.create(username="short_stay", school=world.school_a)
    record(actor=gone, action=Action.SIGNED_IN, school=world.school_a)
    gone.delete()
    kept = AuditEvent.objects.get(action=Action.SIGNED_IN)
    assert kept.actor is None
    assert kept.actor_label == "short_stay"


def test_purge_before_deletes_only_the_events_older_than_the_cutoff(event, world):
    later = record(actor=world.admin_a, action=Action.SIGNED_IN)
    cutoff = later.at - dt.timedelta(microseconds=1)
    assert event.at < cutoff
    assert purge_before(cutoff) == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [later.pk]
    # The permit went with the transaction: nothing else may be deleted afterwards.
    with pytest.raises(DatabaseError, match="append-only"):
        sql(f"DELETE FROM {TABLE}")


def test_purge_before_with_nothing_that_old_deletes_nothing(event):
    assert purge_before(timezone.now() - dt.timedelta(days=365)) == 0
    assert AuditEvent.objects.count() == 1


def test_a_school_deleted_leaves_its_events_with_its_id(world):
    gone = School.objects.create(district=world.district, name="Closed Annex", sourced_id="s-x")
    record(actor=world.district_admin, action=Action.ROLE_CHANGED, school=gone)
    school_id = gone.pk
    gone.delete()
    assert AuditEvent.objects.get(action=Action.ROLE_CHANGED).school_id == school_id
