"""A signed-in person's pages are in the time zone of their school (efficacy/roster/time.py).

:class:`UserTimeZoneMiddleware`, placed after the authentication middleware, activates
their school's time zone (their district's for district staff) for the request, so that
``timezone.localdate()`` is the school's today and the times a page shows are the
school's. Anyone else (the sign-in page, a student's exit ticket) gets the site's
``TIME_ZONE``. The zone is deactivated after each response: a thread that serves the next
request starts from the site's.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from efficacy.roster.selectors import time_zone_of
from efficacy.roster.time import zone


class UserTimeZoneMiddleware:
    """Pages of a signed-in person are in their school's time zone (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone(time_zone_of(user)))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
