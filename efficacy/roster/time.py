"""Each school's day: the time zone it keeps, and what "today" is there.

A district keeps a time zone (an IANA name such as ``America/Toronto``; the site's
``TIME_ZONE`` until an administrator sets one), and a school keeps its district's unless
its own is set. Both are stored empty until set, so a district follows the site's
``TIME_ZONE`` and a school its district's. A cycle started at 21:30 in Ontario is 02:30 the next day in UTC: the
date it is given must be the school's, not the server's.

The pages of a signed-in person are in their school's time zone (their district's for
district staff): ``efficacy.front.time_zone`` activates it for each request, so
``timezone.localdate()`` and the dates and times a template shows are theirs. Work
that belongs to one school asks it (``school.today()``, ``school.zone``) rather than
the active zone, so that a task or a command, which have no request, date things the
same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

#: The longest IANA name is 32 characters (America/Argentina/ComodRivadavia).
MAX_LENGTH = 64


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA time zone the system knows, sorted (the choices of the forms)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def validate_time_zone(value: str) -> None:
    """A time zone is one of :func:`time_zone_names` (an empty value is left to the field)."""
    if value and value not in time_zone_names():
        raise ValidationError(
            _("%(value)s is not a time zone. Choose one from the list, e.g. America/Toronto.")
            % {"value": value},
            code="invalid_time_zone",
        )


def default_time_zone() -> str:
    """The site's time zone (``TIME_ZONE``): a district's until one is set."""
    return settings.TIME_ZONE


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone called ``name``; the site's for an empty or unknown name (never an error:
    a name the system no longer knows must not stop a page)."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def today_in(name: str, now: dt.datetime | None = None) -> dt.date:
    """The date it is (or was at ``now``) in the time zone called ``name``."""
    return timezone.localtime(now or timezone.now(), zone(name)).date()


def end_of_day(day: dt.date, name: str) -> dt.datetime:
    """The last minute of ``day`` in the time zone called ``name``."""
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=zone(name))
