"""The URL-wide matrix's rows for sign-in with the school's identity provider and the
second factor (see ``tests/web/test_url_matrix.py``).

* A provider's sign-in page (``/auth/oidc/<id>/login/``) and its callback are public:
  the sign-in page answers everyone (it only starts a sign-in), and a callback without
  a sign-in in progress sends back to our sign-in page (302). The provider here is a
  database row (rolled back with the test), so no setting leaks into other tests.
* The second-factor pages are a person's own: every active account opens them; a
  retired account is refused (403) or, on the code page, sent on (302: it has none).
"""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp

from tests.web.matrix_base import ACTIVE, EVERYONE_SIGNED_IN, Row, answers


def _provider(world, things):
    return [things["oidc_app"].provider_id]


ROWS: dict[str, Row] = {
    "openid_connect_login": Row(args=_provider, answers=answers(EVERYONE_SIGNED_IN), public=True),
    "openid_connect_callback": Row(
        args=_provider, answers=answers(EVERYONE_SIGNED_IN, 302), public=True
    ),
    "second_factor": Row(answers=answers(ACTIVE), otherwise=403),
    # Nobody here has a second factor: the page sends them on to where they were going.
    "second_factor_verify": Row(answers=answers(EVERYONE_SIGNED_IN, 302)),
}


def things(world, made: dict) -> dict:
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="school",
        name="School",
        client_id="matrix-client",
        secret="matrix-secret",
        settings={"server_url": "http://127.0.0.1:9"},
    )
    return {"oidc_app": app}
