"""Setting up a second factor in a real browser: read the secret from the page, compute
the code as the phone would (django-otp's TOTP), confirm; sign out, sign in again with
the password and the code. axe on each page."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.browser.helpers import axe_violations, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def phone_code(secret_text: str, *, later: int = 0) -> str:
    totp = TOTP(b32decode(secret_text.replace(" ", "")))
    totp.time += later
    return f"{totp.token():06d}"


def test_a_teacher_adds_an_authenticator_and_signs_in_with_its_code(page, world):
    sign_in(page, "teacher_a", world.password)
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Second factor").click()
    assert page.locator("main svg").count() == 1
    assert axe_violations(page) == []
    secret = page.locator("#second-factor-secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill(phone_code(secret))
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("status").get_by_text("Your authenticator app is set up").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "teacher_a", world.password)
    assert page.get_by_role("heading", level=1).inner_text() == "Code from your authenticator app"
    assert axe_violations(page) == []
    # The code of the next period: the one just used is not accepted twice.
    page.get_by_label("Code from your authenticator app").fill(phone_code(secret, later=30))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Your account").is_visible()
    assert "English 9 Applied" in page.locator("main").inner_text()
