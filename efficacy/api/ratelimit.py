"""The API's rate limits: per token (or, for a signed-in session, per person), a
fixed window of a minute, ``EFFICACY_API_READ_RATE`` reads and
``EFFICACY_API_WRITE_RATE`` changes.

The counter is the database one of the open pages (:func:`efficacy.voice.ratelimit.hit`),
so the limit holds across every server process; its keys are HMACs, never an id.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from efficacy.api.auth import is_write, token_of
from efficacy.voice.ratelimit import hit

#: The window, in seconds, both limits count in.
PER = 60


def _subject(request: HttpRequest) -> str:
    token = token_of(request)
    if token is not None:
        return f"token:{token.pk}"
    return f"person:{getattr(request.user, 'pk', None)}"


class ApiRate(BaseThrottle):
    """ninja's throttle over the shared database counter; ``wait()`` gives Retry-After."""

    def allow_request(self, request: HttpRequest) -> bool:
        writing = is_write(request)
        limit = settings.EFFICACY_API_WRITE_RATE if writing else settings.EFFICACY_API_READ_RATE
        scope = "api-write" if writing else "api-read"
        return hit(scope=scope, subject=_subject(request), limit=limit, per=PER)

    def wait(self) -> float:
        # Seconds to the start of the next window (the counter's windows are aligned).
        return PER - int(time.time()) % PER
