"""What every page does with a request's input, whichever app it belongs to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def int_or_none(value: Any) -> int | None:
    """A posted id as an int, or None when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
