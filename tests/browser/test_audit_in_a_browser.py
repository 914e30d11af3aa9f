"""The audit log in a real browser: an administrator finds a failed sign-in to one of
their teachers and filters the log down to it; axe finds nothing serious at a desktop's
width (1280 px) or a phone's (390 px)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_an_administrator_finds_a_failed_sign_in_in_the_audit_log(page, world):
    sign_in(page, "teacher_a", "Not-the-password-42")
    sign_in(page, "admin_a", world.password)
    page.get_by_role("link", name="Audit log").click()
    assert page.get_by_role("heading", name="Audit log").is_visible()
    table = page.get_by_role("table", name="Audit events")
    assert "failed to sign in" in table.inner_text()

    page.get_by_label("Action").select_option(label="failed to sign in")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    rows = page.get_by_role("table", name="Audit events").get_by_role("row")
    assert rows.count() == 2  # the header and the one failed sign-in
    assert "teacher_a" in rows.nth(1).inner_text()
    assert "signed in" not in rows.nth(1).inner_text().replace("failed to sign in", "")

    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert axe_violations(page) == [], width
