"""``efficacy create-administrator``: the first administrator of a fresh install."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from efficacy.access.roster import can_import_roster
from efficacy.roster.models import District, Role, User

pytestmark = pytest.mark.django_db
PASSWORD = "Recipe-first-admin-2026"


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("EFFICACY_ADMIN_PASSWORD", PASSWORD)


def create(*args: str) -> None:
    call_command("create_administrator", *args, "--noinput")


def test_it_creates_a_district_administrator_who_may_import_the_roster(password):
    create(
        "first", "--email", "first@example.org", "--district", "Lakeside", "--district-id", "d-1"
    )
    account = User.objects.get(username="first")
    assert account.role == Role.ADMINISTRATOR
    assert account.school is None
    assert account.district == District.objects.get(sourced_id="d-1", name="Lakeside")
    assert account.check_password(PASSWORD)
    assert can_import_roster(account)


def test_the_roster_imported_later_fills_the_district_it_made(password, tmp_path):
    from efficacy.access.roster import ROSTER_SCOPE_ALL
    from efficacy.roster.oneroster import roster_import
    from efficacy.roster.oneroster.generate import district_generate

    create("first", "--email", "f@example.org", "--district", "Ours", "--district-id", "d-1")
    source = district_generate(tmp_path / "export", students=20, staff=4, classes=2, enrollments=40)
    roster_import(source=source, scope=ROSTER_SCOPE_ALL)
    assert District.objects.count() == 1
    assert User.objects.get(username="first").district.name == "Riverside District"


def test_it_uses_the_only_district_there_is(password):
    district = District.objects.create(name="Only one")
    create("first", "--email", "first@example.org")
    assert User.objects.get(username="first").district == district


def test_it_says_to_name_a_district_when_there_is_none(password):
    with pytest.raises(CommandError, match="no district yet: name it with --district") as raised:
        create("first", "--email", "first@example.org")
    assert raised.value.returncode == 1
    assert not User.objects.exists()


def test_it_asks_which_district_when_there_are_several(password):
    District.objects.create(name="North")
    District.objects.create(name="South")
    with pytest.raises(CommandError, match="several districts"):
        create("first", "--email", "first@example.org")


def test_running_it_again_changes_nothing(password, capsys):
    create("first", "--email", "first@example.org", "--district", "Lakeside")
    create("first", "--email", "first@example.org", "--district", "Lakeside")
    assert User.objects.filter(username="first").count() == 1
    assert District.objects.count() == 1
    assert "already exists" in capsys.readouterr().out


def test_an_account_of_that_name_with_another_role_is_refused(password):
    User.objects.create(username="first", role=Role.TEACHER)
    with pytest.raises(CommandError, match="not an active administrator"):
        create("first", "--email", "first@example.org", "--district", "Lakeside")
    assert User.objects.get(username="first").role == Role.TEACHER


def test_a_weak_password_is_refused_with_the_validators_reasons(monkeypatch):
    monkeypatch.setenv("EFFICACY_ADMIN_PASSWORD", "12345678")
    with pytest.raises(CommandError, match=r"The password is refused: .*too common"):
        create("first", "--email", "first@example.org", "--district", "Lakeside")
    assert not District.objects.exists()


def test_noinput_without_the_password_variable_says_which_to_set(monkeypatch):
    monkeypatch.delenv("EFFICACY_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="EFFICACY_ADMIN_PASSWORD, which is not set") as raised:
        create("first", "--email", "first@example.org", "--district", "Lakeside")
    assert raised.value.returncode == 2


def test_the_audit_log_records_the_administrator_the_command_made(password):
    from efficacy.audit.models import Action, AuditEvent, Via

    create("first", "--email", "first@example.org", "--district", "Lakeside")
    event = AuditEvent.objects.get(action=Action.ADMINISTRATOR_CREATED)
    account = User.objects.get(username="first")
    assert event.via == Via.COMMAND
    assert event.actor is None
    assert event.target_id == str(account.pk)
    assert event.detail == {"district": account.district_id}
    create("first", "--email", "first@example.org", "--district", "Lakeside")  # again: kept
    assert AuditEvent.objects.filter(action=Action.ADMINISTRATOR_CREATED).count() == 1
