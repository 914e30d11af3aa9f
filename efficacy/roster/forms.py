"""Forms for the roster pages. They only parse input; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from efficacy.roster import time
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


#: The id of the page's one list of time zones, which every time-zone field suggests from.
TIME_ZONE_LIST = "time-zones"


def _time_zone_field(label: str, *, required: bool, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=time.MAX_LENGTH,
        validators=[time.validate_time_zone],
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"list": TIME_ZONE_LIST, "autocomplete": "off", "spellcheck": "false"}
        ),
    )


class TimeZonesForm(forms.Form):
    """The district's time zone (for a district administrator) and each school's.

    One text field a place, suggesting from one ``<datalist>`` of every IANA name (a
    district of a hundred schools would otherwise send a hundred lists of six hundred).
    """

    def __init__(self, *args, district=None, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = list(schools)
        if district is not None:
            self.fields["district"] = _time_zone_field(
                _("Time zone of %(district)s") % {"district": district.name},
                required=False,
                help_text=_(
                    "Its schools keep it unless they have their own. Empty: the site's (%(zone)s)."
                )
                % {"zone": time.default_time_zone()},
            )
            self.initial.setdefault("district", district.time_zone)
        for school in self.schools:
            key = self.school_key(school)
            self.fields[key] = _time_zone_field(
                str(school.name),
                required=False,
                help_text=_("Empty: the district's (%(zone)s).")
                % {"zone": school.district.time_zone_name},
            )
            self.initial.setdefault(key, school.time_zone)

    @staticmethod
    def school_key(school) -> str:
        return f"school_{school.pk}"
