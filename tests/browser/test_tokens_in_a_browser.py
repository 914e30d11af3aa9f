"""A teacher makes a personal access token in a real browser, copies it from the one
page that shows it, uses it, and revokes it. And axe on the Tokens page."""

from __future__ import annotations

import re

import pytest

from efficacy.api.tokens import token_authenticate
from tests.browser.helpers import axe_violations, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_a_teacher_creates_copies_and_revokes_a_token(page, world):
    sign_in(page, "teacher_a", world.password)
    page.goto(f"{page.base}/accounts/")
    page.get_by_role("link", name="Access tokens").click()
    assert page.get_by_role("heading", name="Access tokens", level=1).is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Name").fill("Grade 9 notebook")
    page.get_by_label("Read and write (send evidence, import rosters)").check()
    page.get_by_label("Expires after (days)").fill("30")
    page.get_by_role("button", name="Create the token").click()

    shown = page.get_by_role("textbox", name="Token", exact=True)
    raw = shown.input_value()
    assert re.fullmatch(r"eff_[A-Za-z0-9_-]{43}", raw)
    assert page.get_by_text("it is shown only this once").is_visible()
    assert axe_violations(page) == []
    token = token_authenticate(raw)
    assert token.name == "Grade 9 notebook"
    assert token.can_write

    # Never shown again: back to the account, and to the Tokens page.
    page.get_by_role("link", name="Back to your account").click()
    page.get_by_role("link", name="Access tokens").click()
    assert raw not in page.content()
    row = page.get_by_role("row", name=re.compile("Grade 9 notebook"))
    assert token.prefix in row.inner_text()
    row.get_by_role("button", name="Revoke the token “Grade 9 notebook”").click()
    assert page.get_by_role("status").get_by_text("revoked").first.is_visible()
    assert "revoked on" in page.get_by_role("row", name=re.compile("Grade 9 notebook")).inner_text()
    assert token_authenticate(raw) is None
