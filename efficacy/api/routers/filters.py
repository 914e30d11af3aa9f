"""Filters shared by the lists of the API: query parameters typed, so that a value
that is not an id or a date answers a 422 problem naming it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from efficacy.api.problems import Problem


def since(items: QuerySet[Any], field: str, when: dt.datetime | dt.date | None) -> QuerySet[Any]:
    """``items`` changed at or after ``when`` (a date means its first moment, UTC)."""
    if when is None:
        return items
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time.min, tzinfo=dt.UTC)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        # In UTC: PostgreSQL refuses an offset beyond 15:59 ("-18:14" is valid ISO 8601).
        when = when.astimezone(dt.UTC)
    except OverflowError:  # the first or last moments Python can hold, moved past them
        raise Problem(
            422,
            _("This date cannot be read."),
            code="validation",
            errors=[{"field": "updated_since", "message": _("This date is out of range."),
                     "hint": _("Give a date as YYYY-MM-DD (or a date and time in ISO 8601).")}],
        ) from None  # fmt: skip
    return items.filter(**{f"{field}__gte": when})
