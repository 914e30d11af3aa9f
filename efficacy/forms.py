"""What every page does with a request's input, whichever app it belongs to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils.translation import gettext as _


def int_or_none(value: Any) -> int | None:
    """A posted id as an int, or None when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def database_busy(error: OperationalError) -> bool:
    """SQLite's answer when another writer (a roster import) held the database past the
    busy timeout: the save did not happen, and trying again in a moment will work."""
    return "database is locked" in str(error)


def database_busy_message() -> str:
    return _(
        "The database is busy (a roster import may be saving), so this was not saved. "
        "What you typed is kept: try again in a moment."
    )


def add_service_errors(form: forms.Form, error: ValidationError, *, aliases=None) -> None:
    """Show a service's ValidationError next to the fields it names.

    ``aliases`` maps a service key to a form field (e.g. ``{"decision": "decision_3"}``);
    a key the form has no field for lands in ``form.extra_errors`` (the cycle
    form shows ``focus`` and ``comparison`` errors in their fieldsets) or, failing
    that, among the form's own errors at the top.
    """
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    extra = getattr(form, "extra_errors", None)
    for key, messages in error.message_dict.items():
        field = aliases.get(key, key)
        if field in form.fields:
            form.add_error(field, messages)
        elif extra is not None and key in extra:
            extra[key].extend(messages)
        else:
            form.add_error(None, messages)
