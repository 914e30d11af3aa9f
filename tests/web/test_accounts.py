"""Accounts: invitations, password resets, role changes and deactivation (issue 8, defect 15).

Staff imported from OneRoster have no password. An administrator invites them (a
one-time link by e-mail), resets passwords, changes roles and deactivates accounts,
within their scope; every person changes their own password and resets a forgotten
one by e-mail. The e-mails go to Django's locmem outbox here, and the tests follow
the links in them as a person would.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from efficacy.roster.models import AccountEvent, Role, Status, User
from efficacy.roster.oneroster.generate import export_write
from efficacy.roster.tokens import InvitationTokenGenerator
from tests.roster.conftest import base_files

NEW_PASSWORD = "Harbour-lights-2026"


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def without_password(user: User) -> User:
    """As the roster import creates staff: an unusable password."""
    user.password = make_password(None)
    user.save(update_fields=["password"])
    return user


def link_in(message) -> str:
    """The path of the one link in an e-mail."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def client_for(user: User | None) -> Client:
    """Another browser: signed in as ``user``, or nobody."""
    other = Client()
    if user is not None:
        other.force_login(user)
    return other


def act(client, person: User, action: str, **data):
    return client.post(reverse("account_manage", args=[person.pk]), {"action": action, **data})


def set_password_from(client, path: str, password: str = NEW_PASSWORD):
    """Open a reset or invitation link and choose ``password`` (Django hides the token first)."""
    opened = client.get(path)
    assert opened.status_code == 302, "the link should lead to the password form"
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


# --- an imported teacher, end to end ---------------------------------------------


def test_an_imported_teacher_is_invited_chooses_a_password_and_signs_in(client, db, tmp_path):
    files = base_files()
    files["users"][0]["email"] = "ada@north.example"
    call_command(
        "import_roster", str(export_write(tmp_path / "export", version="1.1", files=files))
    )
    ada = User.objects.get(username="ada")
    assert not ada.has_password
    assert sign_in(client, "ada", "").status_code == 200  # nothing to sign in with yet
    admin = User.objects.create_user(
        "north_admin", password=NEW_PASSWORD, role=Role.ADMINISTRATOR, school=ada.school
    )

    client.force_login(admin)
    listed = client.get(reverse("accounts")).content.decode()
    assert "Ada Byron" in listed
    assert "No password yet" in listed
    response = act(client, ada, "invite")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    invitation = mail.outbox[0]
    assert invitation.to == ["ada@north.example"]
    assert "Your username is: ada" in invitation.body
    assert "Invitation pending" in client.get(reverse("accounts")).content.decode()
    client.logout()

    done = set_password_from(client, link_in(invitation))
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    assert sign_in(client, "ada", NEW_PASSWORD)["Location"] == reverse("home")
    assert signed_in(client)
    events = list(AccountEvent.objects.filter(account=ada).values_list("action", flat=True))
    assert events == [AccountEvent.Action.INVITATION_ACCEPTED, AccountEvent.Action.INVITED]


def test_an_invitation_link_works_once(client, world):
    teacher = without_password(world.teacher_a)
    client.force_login(world.admin_a)
    act(client, teacher, "invite")
    client.logout()
    path = link_in(mail.outbox[0])
    set_password_from(client, path)
    again = client.get(path, follow=True).content.decode()
    assert "This invitation does not work" in again


def test_an_invitation_expires_after_the_configured_days(client, world, settings, monkeypatch):
    settings.EFFICACY_INVITATION_DAYS = 7
    teacher = without_password(world.teacher_a)
    client.force_login(world.admin_a)
    act(client, teacher, "invite")
    client.logout()
    later = dt.datetime.now() + dt.timedelta(days=7, hours=1)
    monkeypatch.setattr(InvitationTokenGenerator, "_now", lambda self: later)
    page = client.get(link_in(mail.outbox[0]), follow=True).content.decode()
    assert "This invitation does not work" in page
    teacher.refresh_from_db()
    assert not teacher.has_password


def test_an_invitation_still_works_on_its_last_day(client, world, settings, monkeypatch):
    settings.EFFICACY_INVITATION_DAYS = 7
    teacher = without_password(world.teacher_a)
    client.force_login(world.admin_a)
    act(client, teacher, "invite")
    client.logout()
    later = dt.datetime.now() + dt.timedelta(days=6, hours=23)
    monkeypatch.setattr(InvitationTokenGenerator, "_now", lambda self: later)
    set_password_from(client, link_in(mail.outbox[0]))
    teacher.refresh_from_db()
    assert teacher.has_password


def test_resending_an_invitation_replaces_the_earlier_link(client, world):
    teacher = without_password(world.teacher_a)
    client.force_login(world.admin_a)
    act(client, teacher, "invite")
    act(client, teacher, "invite")
    client.logout()
    first, second = (link_in(message) for message in mail.outbox)
    assert "This invitation does not work" in client.get(first, follow=True).content.decode()
    set_password_from(client, second)
    assert sign_in(client, "teacher_a", NEW_PASSWORD).status_code == 302


def test_a_password_reset_link_is_not_an_invitation_link(client, world):
    client.post(reverse("password_reset"), {"email": "teacher_a@example.org"})
    path = link_in(mail.outbox[0])
    as_invitation = path.replace("/accounts/password/reset/", "/accounts/invitation/")
    assert (
        "This invitation does not work" in client.get(as_invitation, follow=True).content.decode()
    )


def test_someone_who_already_has_a_password_gets_a_reset_not_an_invitation(client, world):
    client.force_login(world.admin_a)
    assert act(client, world.teacher_a, "invite").status_code == 403
    assert mail.outbox == []


def test_an_account_without_an_email_address_cannot_be_invited(client, world):
    teacher = without_password(world.teacher_a)
    teacher.email = ""
    teacher.save()
    client.force_login(world.admin_a)
    page = client.get(reverse("account_manage", args=[teacher.pk])).content.decode()
    assert "no e-mail address" in page
    assert act(client, teacher, "invite").status_code == 403


def test_an_email_that_cannot_be_sent_says_so_and_records_nothing(client, world, monkeypatch):
    teacher = without_password(world.teacher_a)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "try later")

    monkeypatch.setattr("efficacy.roster.services.send_mail", refuse)
    client.force_login(world.admin_a)
    page = act(client, teacher, "invite", next=reverse("accounts"))
    assert page.status_code == 302
    shown = client.get(page["Location"]).content.decode()
    assert "could not be sent" in shown
    assert not AccountEvent.objects.filter(account=teacher).exists()


# --- forgotten passwords ---------------------------------------------------------


def test_a_person_resets_a_forgotten_password_by_email(client, world):
    response = client.post(reverse("password_reset"), {"email": "TEACHER_A@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["teacher_a@example.org"]
    path = link_in(mail.outbox[0])
    done = set_password_from(client, path)
    assert done["Location"] == reverse("password_reset_complete")
    assert sign_in(client, "teacher_a", world.password).status_code == 200  # the old one
    assert sign_in(client, "teacher_a", NEW_PASSWORD).status_code == 302
    client.logout()
    assert "This link does not work" in client.get(path, follow=True).content.decode()


@pytest.mark.parametrize("email", ["nobody@example.org", "retired_user@example.org"])
def test_a_reset_for_an_unknown_or_retired_address_reveals_nothing(client, world, email):
    known = client.post(reverse("password_reset"), {"email": "teacher_a@example.org"})
    mail.outbox.clear()
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == known.status_code == 302
    assert response["Location"] == known["Location"]
    assert mail.outbox == []


def test_a_reset_link_for_a_deactivated_account_opens_nothing(client, world):
    client.post(reverse("password_reset"), {"email": "teacher_a@example.org"})
    User.objects.filter(pk=world.teacher_a.pk).update(is_active=False)
    page = client.get(link_in(mail.outbox[0]), follow=True).content.decode()
    assert "This link does not work" in page


def test_an_administrator_sends_a_reset_link_that_replaces_the_password(client, world):
    client.force_login(world.admin_a)
    act(client, world.teacher_a, "reset")
    client.logout()
    set_password_from(client, link_in(mail.outbox[0]))
    assert sign_in(client, "teacher_a", world.password).status_code == 200
    assert sign_in(client, "teacher_a", NEW_PASSWORD).status_code == 302
    sent = AccountEvent.objects.get(account=world.teacher_a, action=AccountEvent.Action.RESET_SENT)
    assert sent.by == world.admin_a


# --- a person's own account ------------------------------------------------------


def test_a_person_changes_their_password_on_their_account_page(client, world):
    client.force_login(world.teacher_a)
    page = client.get(reverse("account")).content.decode()
    assert "teacher_a" in page
    assert 'autocomplete="current-password"' in page
    wrong = client.post(
        reverse("account"),
        {"old_password": "guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    response = client.post(
        reverse("account"),
        {
            "old_password": world.password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == reverse("account")
    assert signed_in(client)  # the session survives its own password change
    client.logout()
    assert sign_in(client, "teacher_a", NEW_PASSWORD).status_code == 302
    assert AccountEvent.objects.filter(
        account=world.teacher_a, action=AccountEvent.Action.PASSWORD_CHANGED
    ).exists()


def test_a_new_password_must_pass_the_password_rules(client, world):
    client.force_login(world.teacher_a)
    response = client.post(
        reverse("account"),
        {"old_password": world.password, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()


# --- deactivation and roles ------------------------------------------------------


def test_a_deactivated_account_cannot_sign_in_and_a_reactivated_one_can(client, world):
    teacher = client_for(world.teacher_a)
    assert teacher.get(reverse("home")).status_code == 200
    client.force_login(world.admin_a)
    act(client, world.teacher_a, "deactivate")
    world.teacher_a.refresh_from_db()
    assert not world.teacher_a.is_active
    # The session the teacher had open ends at its next request.
    assert teacher.get(reverse("home")).status_code == 302
    other = client_for(None)
    assert sign_in(other, "teacher_a", world.password).status_code == 200
    assert not signed_in(other)
    act(client, world.teacher_a, "reactivate")
    assert sign_in(other, "teacher_a", world.password).status_code == 302
    actions = AccountEvent.objects.filter(account=world.teacher_a).values_list("action", flat=True)
    assert list(actions) == ["reactivated", "deactivated"]


def test_an_administrator_changes_a_role_and_the_history_says_from_what_to_what(client, world):
    client.force_login(world.admin_a)
    act(client, world.teacher_a, "role", role=Role.COACH)
    world.teacher_a.refresh_from_db()
    assert world.teacher_a.role == Role.COACH
    page = client.get(reverse("account_manage", args=[world.teacher_a.pk])).content.decode()
    assert "Teacher → Coach" in page
    assert "Adam Roy" in page


def test_an_administrator_cannot_lock_themselves_out(client, world):
    client.force_login(world.admin_a)
    page = client.get(reverse("account_manage", args=[world.admin_a.pk])).content.decode()
    assert "Deactivate the account" not in page
    assert act(client, world.admin_a, "deactivate").status_code == 403
    assert act(client, world.admin_a, "role", role=Role.TEACHER).status_code == 403
    world.admin_a.refresh_from_db()
    assert world.admin_a.is_active
    assert world.admin_a.role == Role.ADMINISTRATOR


def test_an_administrator_cannot_touch_an_account_outside_their_school(client, world):
    client.force_login(world.admin_a)
    for person in (world.teacher_b, world.district_admin, world.teacher_c):
        assert act(client, person, "deactivate").status_code == 404
        person.refresh_from_db()
        assert person.is_active


def test_a_school_administrator_may_not_make_a_district_analyst(client, world):
    client.force_login(world.admin_a)
    page = client.get(reverse("account_manage", args=[world.teacher_a.pk])).content.decode()
    assert 'value="district_analyst"' not in page
    assert 'value="administrator"' in page  # an administrator of their own school
    response = act(client, world.teacher_a, "role", role=Role.DISTRICT_ANALYST)
    assert response.status_code == 302
    world.teacher_a.refresh_from_db()
    assert world.teacher_a.role == Role.TEACHER


def test_a_district_administrator_may_make_a_district_analyst(client, world):
    client.force_login(world.district_admin)
    act(client, world.teacher_b, "role", role=Role.DISTRICT_ANALYST)
    world.teacher_b.refresh_from_db()
    assert world.teacher_b.role == Role.DISTRICT_ANALYST


def test_a_retired_account_offers_no_action(client, world):
    client.force_login(world.admin_a)
    page = client.get(reverse("account_manage", args=[world.retired_user.pk])).content.decode()
    assert "left the roster" in page
    assert 'name="action"' not in page
    assert act(client, world.retired_user, "reactivate").status_code == 403


def test_the_accounts_page_searches_and_filters_by_state(client, world):
    without_password(world.teacher_a2)
    client.force_login(world.admin_a)
    found = client.get(reverse("accounts"), {"q": "Nguyen"}).content.decode()
    assert "Tom Nguyen" in found
    assert "Theo Martin" not in found
    no_password = client.get(reverse("accounts"), {"state": "none"}).content.decode()
    assert "Theo Martin" in no_password
    assert "Tom Nguyen" not in no_password
    assert "Invite<span" in no_password
    retired = client.get(reverse("accounts"), {"state": Status.RETIRED}).content.decode()
    assert "Rita Old" in retired
    assert "Tom Nguyen" not in retired


def test_the_navigation_offers_accounts_to_administrators_and_your_account_to_everyone(
    client, world
):
    client.force_login(world.admin_a)
    admin_home = client.get(reverse("roster:import")).content.decode()
    assert f'href="{reverse("accounts")}"' in admin_home
    client.force_login(world.leader_a)
    leader = client.get(reverse("front:school", args=[world.school_a.pk])).content.decode()
    assert f'href="{reverse("accounts")}"' not in leader
    assert f'href="{reverse("account")}"' in leader


def test_account_pages_are_in_french(client, world):
    client.cookies["django_language"] = "fr"
    client.force_login(world.admin_a)
    page = client.get(reverse("accounts")).content.decode()
    assert "Comptes" in page
    assert "Votre compte" in page
