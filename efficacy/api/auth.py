"""Who is asking: a personal access token (``Authorization: Bearer TOKEN``) or the
signed-in session, so that the interactive documentation works for a person who is
signed in.

* A token is checked by :func:`efficacy.api.tokens.token_authenticate`; an unknown,
  expired or revoked token, or one of an inactive account, answers 401 (it never
  falls back to the session).
* Any valid token reads; a change (any method but GET, HEAD, OPTIONS) needs a
  read-write token, else 403. A session may change what its person may, with
  Django's CSRF check.
* ``request.auth`` is the person (a ``User``); ``request.api_token`` the token, or
  None for a session. Endpoints then ask :mod:`efficacy.access` as the pages do.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from efficacy.access.roster import is_active_account
from efficacy.access.tokens import token_may_act
from efficacy.api.models import AccessToken
from efficacy.api.problems import Problem
from efficacy.api.tokens import token_authenticate
from efficacy.roster.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiRequest(HttpRequest):
    """A request that passed :data:`AUTH`: endpoints annotate theirs with this type."""

    auth: User
    api_token: AccessToken | None


def is_write(request: HttpRequest) -> bool:
    return request.method not in SAFE_METHODS


def token_of(request: HttpRequest) -> AccessToken | None:
    """The access token the request came with, or None for a signed-in session."""
    return getattr(request, "api_token", None)


class BearerToken(HttpBearer):
    """``Authorization: Bearer TOKEN``: a personal access token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        access_token = token_authenticate(token.strip()) if token.strip() else None
        if access_token is None or not token_may_act(access_token, write=False):
            # A token that does not work is an answer in itself: never try the session.
            raise AuthenticationError()
        if is_write(request) and not token_may_act(access_token, write=True):
            raise Problem(
                403,
                _("This token may only read; create a read-write token to change data."),
                code="read-only-token",
            )
        request.api_token = access_token  # type: ignore[attr-defined]
        request.user = access_token.user
        return access_token.user


class SignedInSession(APIKeyCookie):
    """Django's session, CSRF checked on changes (ninja's ``SessionAuth``, answering
    with our problem rather than ninja's plain 403)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        try:
            return super()._get_key(request)
        except Exception as exc:  # ninja's "CSRF check Failed"
            raise Problem(
                403,
                _(
                    "The CSRF check failed: send the csrftoken cookie's value in the"
                    " X-CSRFToken header, or use a personal access token."
                ),
                code="csrf",
            ) from exc

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = getattr(request, "user", None)
        if is_active_account(user):
            request.api_token = None  # type: ignore[attr-defined]
            return user
        return None


#: The API's authentication, in order: a token first, then the session.
AUTH = [BearerToken(), SignedInSession()]
