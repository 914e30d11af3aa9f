"""An imported teacher's first sign-in, in a real browser: the administrator invites
them, the teacher opens the link from the e-mail, chooses a password and signs in.
And axe on every account page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command

from efficacy.roster.models import Role, User
from efficacy.roster.oneroster.generate import export_write
from tests.browser.helpers import axe_violations, sign_in
from tests.roster.conftest import base_files

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

ADMIN_PASSWORD = "North-high-admin-2026"
TEACHER_PASSWORD = "Ada-chooses-this-2026"


@pytest.fixture
def imported_teacher(tmp_path):
    """Ada Byron, imported from a OneRoster export (no password), and her school's administrator."""
    files = base_files()
    files["users"][0]["email"] = "ada@north.example"
    call_command(
        "import_roster", str(export_write(tmp_path / "export", version="1.1", files=files))
    )
    ada = User.objects.get(username="ada")
    User.objects.create_user(
        "north_admin",
        password=ADMIN_PASSWORD,
        first_name="Nora",
        last_name="Admin",
        role=Role.ADMINISTRATOR,
        school=ada.school,
    )
    return ada


def test_an_administrator_invites_an_imported_teacher_who_then_signs_in(page, imported_teacher):
    sign_in(page, "north_admin", ADMIN_PASSWORD)
    page.get_by_role("link", name="Accounts").click()
    row = page.get_by_role("row", name=re.compile("Ada Byron"))
    assert "No password yet" in row.inner_text()
    row.get_by_role("button", name="Invite Ada Byron").click()
    assert page.get_by_role("status").get_by_text("Invitation sent to Ada Byron").is_visible()
    assert (
        "Invitation pending" in page.get_by_role("row", name=re.compile("Ada Byron")).inner_text()
    )
    page.get_by_role("button", name="Sign out").click()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome to Efficacy"
    assert "Your username is ada" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("New password", exact=True).fill(TEACHER_PASSWORD)
    page.get_by_label("New password confirmation").fill(TEACHER_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your password is set"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(TEACHER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Your account").is_visible()
    # The link worked once.
    page.goto(link)
    assert "This invitation does not work" in page.locator("main").inner_text()


@pytest.mark.parametrize("where", ["accounts", "account", "manage", "forgot", "sent"])
def test_account_pages_have_no_serious_accessibility_violations(page, world, where):
    if where in ("accounts", "account", "manage"):
        sign_in(page, "admin_a", world.password)
    urls = {
        "accounts": "/accounts/staff/",
        "manage": f"/accounts/staff/{world.teacher_a.pk}/",
        "account": "/accounts/",
        "forgot": "/accounts/password/reset/",
        "sent": "/accounts/password/reset/sent/",
    }
    page.goto(page.base + urls[where])
    assert axe_violations(page) == []
