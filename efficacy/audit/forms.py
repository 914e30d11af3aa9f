"""The audit log's filters: who, what, when, and (district-wide) which school."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from efficacy.audit.models import KIND_ACTIONS, Action, AuditEvent, Kind

#: A kind of action is chosen as "kind:<code>", one action as its code.
KIND_PREFIX = "kind:"


def _action_choices() -> list[tuple[str, Any]]:
    kinds = [(f"{KIND_PREFIX}{value}", label) for value, label in Kind.choices]
    return [
        ("", _("Every action")),
        (_("Kinds of action"), kinds),
        (_("Actions"), list(Action.choices)),
    ]


class AuditFilterForm(forms.Form):
    who = forms.CharField(
        label=_("Who (username)"), required=False, max_length=150,
        help_text=_("The username, or its beginning."),
    )  # fmt: skip
    action = forms.ChoiceField(label=_("Action"), required=False, choices=_action_choices)
    date_from = forms.DateField(
        label=pgettext_lazy("a range of dates", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A date such as 2025-09-01."),
    )  # fmt: skip
    date_to = forms.DateField(
        label=pgettext_lazy("a range of dates", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Included."),
    )  # fmt: skip
    school = forms.ModelChoiceField(
        label=_("School"), required=False, queryset=None, empty_label=_("Every school")
    )

    def __init__(self, *args: Any, schools: QuerySet | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.fields["school"]
        else:
            self.fields["school"].queryset = schools.order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("This date is before the “From” date: swap them."))
        return data

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """``events`` narrowed to the valid filters (an invalid one is left out)."""
        data = self.cleaned_data if self.is_valid() else {}
        if who := (data.get("who") or "").strip():
            events = events.filter(actor_label__istartswith=who)
        if action := data.get("action"):
            if action.startswith(KIND_PREFIX):
                events = events.filter(action__in=KIND_ACTIONS[action.removeprefix(KIND_PREFIX)])
            else:
                events = events.filter(action=action)
        if start := data.get("date_from"):
            events = events.filter(at__gte=_day_start(start))
        if end := data.get("date_to"):
            events = events.filter(at__lt=_day_start(end + dt.timedelta(days=1)))
        if school := data.get("school"):
            events = events.filter(Q(school=school) | Q(school__isnull=True, actor__school=school))
        return events


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
