"""Filters shared by the lists of the API: query parameters typed, so that a value
that is not an id or a date answers a 422 problem naming it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet


def since(items: QuerySet[Any], field: str, when: dt.datetime | dt.date | None) -> QuerySet[Any]:
    """``items`` changed at or after ``when`` (a date means its first moment, UTC)."""
    if when is None:
        return items
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time.min, tzinfo=dt.UTC)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return items.filter(**{f"{field}__gte": when})
