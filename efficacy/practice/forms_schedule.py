"""The coverage scheduler's form: the timetable, the window and the substitutes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from efficacy.practice.schedule.request import (
    DEFAULT_MAX_OBSERVERS,
    MAX_DAYS,
    MAX_OBSERVERS,
    MAX_PERIODS,
    MAX_VISITS_EACH,
    MAX_WEEKS,
)


class ScheduleForm(forms.Form):
    timetable_file = forms.FileField(
        label=_("Timetable (CSV)"),
        required=False,
        help_text=_("One line per teaching period: teacher,day,period (and team)."),
    )
    timetable_text = forms.CharField(
        label=_("…or paste it"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    reuse = forms.BooleanField(label=_("Use the last timetable again"), required=False)
    start_date = forms.DateField(
        label=_("First Monday"), widget=forms.DateInput(attrs={"type": "date"})
    )
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=MAX_WEEKS, initial=4)
    days = forms.IntegerField(
        label=_("School days a week"), min_value=1, max_value=MAX_DAYS, initial=5
    )
    periods_per_day = forms.IntegerField(
        label=_("Periods a day"), min_value=1, max_value=MAX_PERIODS, initial=6
    )
    substitutes_per_period = forms.IntegerField(
        label=_("Substitutes a period"), min_value=0, max_value=2_000, initial=1
    )
    visits_each = forms.IntegerField(
        label=_("Visits each"),
        min_value=1,
        max_value=MAX_VISITS_EACH,
        initial=2,
        help_text=_("Each teacher observes this many times, and is observed this many times."),
    )
    max_observers_per_visit = forms.IntegerField(
        label=_("Observers a lesson at most"),
        min_value=1,
        max_value=MAX_OBSERVERS,
        initial=DEFAULT_MAX_OBSERVERS,
    )
    same_team = forms.BooleanField(
        label=_("Host and observer share a team"), required=False, initial=True
    )


class MoveForm(forms.Form):
    week = forms.IntegerField(label=_("Week"), min_value=1, max_value=MAX_WEEKS)
    day = forms.IntegerField(label=_("Day"), min_value=1, max_value=MAX_DAYS)
    period = forms.IntegerField(label=_("Period"), min_value=1, max_value=MAX_PERIODS)
