"""How roster values read on a page: pathways and student attributes, translated.

The roster stores what the student information system sent (``applied``, ``iep``);
a page shows it in the reader's language. A value the product does not know (a
school-defined pathway or flag) is shown as it was imported.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, pgettext_lazy

#: Ontario-style pathways: grades 9 and 10 (applied, academic, locally developed), grades
#: 11 and 12 (college, university, university/college, workplace), and open courses.
PATHWAYS = {
    "applied": pgettext_lazy("pathway", "applied"),
    "academic": pgettext_lazy("pathway", "academic"),
    "locally developed": pgettext_lazy("pathway", "locally developed"),
    "college": pgettext_lazy("pathway", "college"),
    "university": pgettext_lazy("pathway", "university"),
    "university/college": pgettext_lazy("pathway", "university/college"),
    "workplace": pgettext_lazy("pathway", "workplace"),
    "open": pgettext_lazy("pathway", "open"),
}

#: Student flags the product knows by name (OneRoster demographics and common metadata).
ATTRIBUTES = {
    "ell": pgettext_lazy("student attribute", "English-language learner"),
    "iep": pgettext_lazy("student attribute", "IEP"),
}


def pathway_label(value: str) -> str:
    """A pathway in the reader's language; an unknown one as imported."""
    label = PATHWAYS.get(value.strip().lower()) if value else None
    return str(label) if label is not None else value


def attribute_name(name: str) -> str:
    """A student attribute's name in the reader's language; an unknown one as imported."""
    known = ATTRIBUTES.get(name.strip().lower())
    return str(known) if known is not None else name


def attribute_label(name: str, value: Any) -> str:
    """A student attribute and its value, e.g. "IEP: yes" ("PEI : oui")."""
    shown = attribute_name(name)
    if value is True:
        return gettext("%(name)s: yes") % {"name": shown}
    if value is False:
        return gettext("%(name)s: no") % {"name": shown}
    return gettext("%(name)s: %(value)s") % {"name": shown, "value": value}
