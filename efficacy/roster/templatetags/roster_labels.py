"""``{{ student.pathway|pathway }}``, ``{{ key|attribute_name }}``: roster values in the reader's language."""

from __future__ import annotations

from django import template

from efficacy.roster.labels import attribute_name as _attribute_name
from efficacy.roster.labels import pathway_label

register = template.Library()


@register.filter
def pathway(value: str) -> str:
    return pathway_label(value or "")


@register.filter
def attribute_name(value: str) -> str:
    return _attribute_name(value or "")
