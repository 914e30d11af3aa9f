"""Forms for the roster pages. They only parse input; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from efficacy.roster.labels import pathway_label
from efficacy.roster.models import Team, TeamMembership


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind of team"), choices=Team.Kind.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: the grade, department or focus of the team."),
    )


class MembershipForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=None)
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamMembership.TeamRole.choices)

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or number"), required=False, max_length=100)
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    pathway = forms.ChoiceField(label=_("Pathway"), required=False)

    def __init__(self, *args, grades=(), pathways=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", _("All grades")), *[(g, g) for g in grades]]
        self.fields["pathway"].choices = [
            ("", _("All pathways")),
            *[(p, pathway_label(p)) for p in pathways],
        ]


class RosterUploadForm(forms.Form):
    export = forms.FileField(
        label=_("OneRoster export (.zip)"),
        help_text=_("A OneRoster 1.1 or 1.2 CSV export as one zip file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
