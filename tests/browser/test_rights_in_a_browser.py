"""An access request and an erasure, in a real browser: the administrator finds the
student, downloads the export, then erases them after typing their name. And axe on
every data-rights page."""

from __future__ import annotations

import zipfile

import pytest

from efficacy.rights.models import Erasure
from tests.browser.helpers import axe_violations, sign_in
from tests.world import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_an_administrator_exports_then_erases_a_student(page, world):
    ava = str(world.ava)
    sign_in(page, "admin_a", PASSWORD)
    page.goto(f"{page.base}/rights/")
    assert axe_violations(page) == []
    page.get_by_label("Name, student number, username or e-mail").fill(world.ava.given_name)
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name=ava).click()
    assert page.get_by_role("heading", level=1).inner_text() == ava
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the export (zip)").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
    assert {"README.txt", "everything.json", "scores.csv"} <= set(names)

    page.get_by_role("link", name="Erase this person…").click()
    assert axe_violations(page) == []
    page.get_by_label("Type the person's name to confirm").fill("Someone Else")
    page.get_by_role("button", name=f"Erase {ava}").click()
    assert "That is not the name" in page.locator("main").inner_text()
    assert not Erasure.objects.exists()
    assert axe_violations(page) == []
    page.get_by_label("Type the person's name to confirm").fill(ava)
    page.get_by_role("button", name=f"Erase {ava}").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").get_by_text("The student is erased").is_visible()
    assert Erasure.objects.filter(student=world.ava).exists()
