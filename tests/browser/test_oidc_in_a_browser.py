"""Signing in with the school's identity provider in a real browser: the button on our
sign-in page, the (local) provider's consent page, and back to the signed-in home.
axe on our pages; the strict CSP holds (the button is a form, no script)."""

from __future__ import annotations

import pytest

from efficacy.front.oidc.config import Provider, allauth_providers, form_action_origins
from tests.browser.helpers import axe_violations
from tests.oidc_provider import LocalProvider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def school_provider(settings, world):
    with LocalProvider(client_id="efficacy", secret="s3cret") as provider:
        provider.consent = True
        configured = [
            Provider(id="generic", kind="generic", name="ClassLink", server_url=provider.url,
                     client_id="efficacy", secret="s3cret", domains=("example.org",))
        ]  # fmt: skip
        settings.EFFICACY_OIDC_PROVIDERS = configured
        settings.SOCIALACCOUNT_PROVIDERS = allauth_providers(configured)
        policy = settings.CONTENT_SECURITY_POLICY
        directives = {**policy["DIRECTIVES"]}
        directives["form-action"] = [*directives["form-action"], *form_action_origins(configured)]
        settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
        yield provider


def test_a_teacher_signs_in_with_the_schools_provider(page, world, school_provider):
    school_provider.identity = {"sub": "cl-42", "email": "teacher_a@example.org",
                                "email_verified": True}  # fmt: skip
    page.goto(f"{page.base}/accounts/login/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in with ClassLink").click()
    page.wait_for_load_state()
    assert "Sign in as teacher_a@example.org" in page.locator("main").inner_text()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/") == page.base.rstrip("/")
    assert page.get_by_role("link", name="Your account").is_visible()
    assert "Tom Nguyen" in page.locator("header").inner_text()
    assert axe_violations(page) == []
