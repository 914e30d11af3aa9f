"""The district dashboard's filters: a GET form whose choices are what the district has.

A value that is not among the choices (a stale bookmark, a school of another district)
is an error on its field and filters nothing, so a guessed id reveals nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from efficacy.cycles.impact.district import DistrictFilter, FilterChoices
from efficacy.roster.models import School


class DistrictFilterForm(forms.Form):
    school = forms.TypedChoiceField(label=_("School"), required=False, coerce=int, empty_value=None)
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    group = forms.ChoiceField(label=_("Student group"), required=False)
    year = forms.TypedChoiceField(
        label=_("School year"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, *, schools: Sequence[School], choices: FilterChoices) -> None:
        super().__init__(data)
        every = ("", _("All"))
        fields = {name: cast(forms.ChoiceField, f) for name, f in self.fields.items()}
        fields["school"].choices = [every, *((s.pk, s.name) for s in schools)]
        fields["grade"].choices = [every, *((g, g) for g in choices.grades)]
        fields["subject"].choices = [every, *((s, s) for s in choices.subjects)]
        fields["group"].choices = [every, *choices.groups]
        fields["year"].choices = [
            every,
            *((y, _("%(start)d–%(end)d") % {"start": y - 1, "end": y}) for y in choices.years),
        ]

    def district_filter(self) -> DistrictFilter:
        """The valid fields' values; a field with an error keeps everything."""
        if not self.is_bound:
            return DistrictFilter()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return DistrictFilter(
            school=data.get("school"),
            grade=data.get("grade") or "",
            subject=data.get("subject") or "",
            group=data.get("group") or "",
            year=data.get("year"),
        )

    @property
    def narrowed(self) -> bool:
        return self.district_filter() != DistrictFilter()
