"""Pausing sign-in after repeated failures (django-axes), by account and by address.

* An **account** pauses after ``AXES_FAILURE_LIMIT`` failed sign-ins (5) from any
  address, so a guesser cannot go on from another one, and its owner's right password
  is refused too until the pause ends.
* An **address** pauses after ``EFFICACY_ADDRESS_FAILURE_LIMIT`` failed sign-ins (30)
  across all accounts. A school's staff often share one address behind its router, so
  this limit is higher than an account's; eighty guesses across twenty accounts stop.
* A pause lasts ``AXES_COOLOFF_TIME`` (15 minutes) after the latest failure, and the
  page says when to try again.
* A successful sign-in clears that account's failures, never the address's: signing in
  to one's own account does not buy more guesses at colleagues'.
* The client's address is the peer's (``REMOTE_ADDR``). ``X-Forwarded-For`` is read only
  when the peer is one of ``EFFICACY_TRUSTED_PROXIES``, from the right, skipping the
  trusted proxies: anyone else can write that header.
"""

from __future__ import annotations

import math
from datetime import datetime

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.timezone import now


class SignInLockout(AxesDatabaseHandler):
    """django-axes' database handler, with one limit per account and another per address."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The account's recent failures, or the lockout limit itself while the address is paused."""
        by_account = _recent(request, **_account(request, credentials)).get("failures") or 0
        if _address_is_paused(request):
            return max(by_account, get_failure_limit(request, credentials))
        return by_account

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a successful sign-in: clear the account's failures, not the address's."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def _account(request: HttpRequest, credentials: dict | None) -> dict[str, str | None]:
    return {"username": get_client_username(request, credentials)}


def _address(request: HttpRequest) -> dict[str, str | None]:
    return {"ip_address": getattr(request, "axes_ip_address", None)}


def _recent(request: HttpRequest, **criterion: str | None) -> dict[str, int | datetime | None]:
    """Failures matching ``criterion`` since the pause window began, and the latest one's time."""
    if not any(criterion.values()):
        return {"failures": 0, "latest": None}
    return AccessAttempt.objects.filter(
        attempt_time__gte=get_cool_off_threshold(request), **criterion
    ).aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))


def _address_is_paused(request: HttpRequest) -> bool:
    failures = _recent(request, **_address(request)).get("failures") or 0
    return failures >= settings.EFFICACY_ADDRESS_FAILURE_LIMIT


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The page a paused sign-in gets: why, and when to try again (HTTP 429)."""
    by_address = _address_is_paused(request)
    recent = _recent(
        request, **(_address(request) if by_address else _account(request, credentials))
    )
    latest = recent.get("latest") or getattr(request, "axes_attempt_time", None) or now()
    try_again_at = latest + get_cool_off(request)
    context = {
        "by_address": by_address,
        "try_again_at": try_again_at,
        "minutes": max(1, math.ceil((try_again_at - now()).total_seconds() / 60)),
    }
    return render(
        request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
