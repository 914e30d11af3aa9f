"""Parsing single CSV values leniently where the meaning is unambiguous.

Each parser returns the value, or raises ``BadValue`` with the message and hint
for the problem it makes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache

from django.utils.translation import gettext as _

TRUE = frozenset({"true", "1", "yes", "y", "t"})
FALSE = frozenset({"false", "0", "no", "n", "f"})
# Status values: ``inactive`` is how OneRoster 1.0 said ``tobedeleted``.
ACTIVE = frozenset({"", "active"})
TO_BE_DELETED = frozenset({"tobedeleted", "inactive", "deleted"})


class BadValue(ValueError):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise BadValue(
        _("%(value)s is not true or false") % {"value": repr(value)},
        _("write true or false"),
    )


# Exports repeat the same few dates and times on every row: parse each once.
@lru_cache(maxsize=4096)
def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadValue(
            _("%(value)s is not an ISO 8601 date") % {"value": repr(value)},
            _("write dates as YYYY-MM-DD, e.g. 2025-09-02"),
        ) from None


@lru_cache(maxsize=4096)
def parse_datetime(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadValue(
            _("%(value)s is not an ISO 8601 date and time") % {"value": repr(value)},
            _("write it as YYYY-MM-DDTHH:MM:SSZ, e.g. 2025-09-02T08:30:00Z"),
        ) from None
    # A date and time without a zone is read as UTC, which OneRoster prescribes.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_status(value: str) -> bool:
    """True when the record is to be deleted (retired)."""
    lowered = value.lower()
    if lowered in ACTIVE:
        return False
    if lowered in TO_BE_DELETED:
        return True
    raise BadValue(
        _("%(value)s is not a status") % {"value": repr(value)},
        _("write active or tobedeleted, or leave it empty"),
    )


def parse_year(value: str) -> int:
    if len(value) == 4 and value.isdigit():
        return int(value)
    raise BadValue(
        _("%(value)s is not a year") % {"value": repr(value)},
        _("write the year the school year ends, e.g. 2026"),
    )


def parse_list(value: str) -> list[str]:
    """A OneRoster list: comma-separated values."""
    return [v.strip() for v in value.split(",") if v.strip()] if value else []
