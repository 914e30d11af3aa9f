"""``{{ reason|reason_text }}``: a coverage scheduler's reason in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from efficacy.practice import reason_words
from efficacy.practice.schedule import Reason

register = template.Library()


@register.filter
def reason_text(reason: Reason | Mapping[str, Any]) -> str:
    return reason_words.reason_text(reason)
