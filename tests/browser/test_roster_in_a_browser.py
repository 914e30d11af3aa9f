"""A school leader and an administrator in a real browser: keyboard, axe, upload."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from efficacy.roster.models import District, Role, User
from efficacy.roster.oneroster.generate import district_generate
from tests.browser.helpers import axe_violations, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_a_school_leader_signs_in_and_sees_the_school_and_a_team(page, world):
    sign_in(page, "leader_a", world.password)
    assert page.get_by_role("heading", level=1).inner_text() == "Northview Secondary: dashboard"
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Teams and classes"
    ).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Northview Secondary"
    page.get_by_role("link", name="Grade 9 English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Grade 9 English"
    assert page.get_by_role("rowheader", name="Elif Yilmaz").is_visible()


def test_the_skip_link_takes_a_keyboard_user_to_the_main_content(page, world):
    sign_in(page, "leader_a", world.password)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside_main


@pytest.mark.parametrize("where", ["sign-in", "school", "team", "students"])
def test_pages_have_no_serious_accessibility_violations(page, world, where):
    if where != "sign-in":
        sign_in(page, "leader_a", world.password)
    urls = {
        "sign-in": "/accounts/login/",
        "school": f"/schools/{world.school_a.pk}/",
        "team": f"/teams/{world.team_english.pk}/",
        "students": f"/schools/{world.school_a.pk}/students/",
    }
    page.goto(page.base + urls[where])
    assert axe_violations(page) == []


def _upload(page, name: str, content: bytes) -> None:
    page.goto(f"{page.base}/roster/import/")
    page.get_by_label("OneRoster export (.zip)").set_input_files(
        {"name": name, "mimeType": "application/zip", "buffer": content}
    )
    page.get_by_role("button", name="Upload and import").click()


def test_an_administrator_uploads_an_invalid_export_and_sees_every_problem(
    page, world, immediate_tasks
):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "manifest.csv",
            "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.users,bulk\n",
        )
        archive.writestr("users.csv", "sourcedId,status\nu1,active\n")
    sign_in(page, "district_admin", world.password)
    _upload(page, "broken.zip", buffer.getvalue())
    problems = page.locator("ol.problems li")
    problems.first.wait_for()
    assert problems.count() >= 2
    # file:line:column: message (hint)
    for text in problems.all_inner_texts():
        assert re.fullmatch(r"[\w.]+:\d*:[\w.]*: .+ \(.+\)", text), text
    assert "nothing was imported" in page.locator("#import-status").inner_text()


def test_an_administrator_uploads_a_valid_export_and_sees_the_summary(
    page, world, immediate_tasks, tmp_path
):
    export = district_generate(
        tmp_path / "e.zip", students=20, staff=4, classes=3, enrollments=40, as_zip=True
    )
    # The generated export is of "Riverside District" (d-1): its administrator uploads it.
    riverside = District.objects.create(name="Riverside District", sourced_id="d-1")
    User.objects.create_user(
        "river_admin", password=world.password, role=Role.ADMINISTRATOR, district=riverside
    )
    sign_in(page, "river_admin", world.password)
    _upload(page, "district.zip", export.read_bytes())
    page.get_by_text("The roster was imported.").wait_for()
    assert page.get_by_role("rowheader", name="users").is_visible()
    assert axe_violations(page) == []
