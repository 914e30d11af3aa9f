"""The forms of the round and meeting pages; every rule about what is allowed is in the
services."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from efficacy.cycles.models import InquiryCycle, Measure, Occasion, Strategy
from efficacy.practice.models import Debrief, ImplementationEntry, Note, ObserverDebrief
from efficacy.roster.models import SchoolClass, Status, User


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class _PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class _StrategyChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Strategy) -> str:
        return obj.shown_name


class PlanForm(forms.Form):
    host = _PersonChoice(label=_("Host teacher"), queryset=User.objects.none())
    school_class = forms.ModelChoiceField(
        label=_("Class"), queryset=SchoolClass.objects.none(), required=False
    )
    observers = _PeopleChoice(
        label=_("Observers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.CharField(label=_("Period"), max_length=40, required=False)
    strategies = _StrategyChoice(
        label=_("Focus: the cycle's strategies to look for"),
        queryset=Strategy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    pre_brief = forms.CharField(
        label=_("Pre-brief from the host"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the class is working on, and what the host would like the observers to watch."
        ),
    )

    def __init__(self, *args, cycle: InquiryCycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = User.objects.filter(
            team_memberships__team=cycle.team, status=Status.ACTIVE, is_active=True
        ).order_by("last_name", "first_name")
        self.fields["host"].queryset = members
        self.fields["observers"].queryset = members
        self.fields["strategies"].queryset = Strategy.objects.filter(cycle_uses__cycle=cycle)
        self.fields["school_class"].queryset = SchoolClass.objects.filter(
            school_id=cycle.team.school_id, status=Status.ACTIVE
        ).order_by("title")


class PlanChangeForm(PlanForm):
    """A planned round's date, period, observers, focus and pre-brief; the host and the
    class stay as planned."""

    def __init__(self, *args, cycle: InquiryCycle, **kwargs) -> None:
        super().__init__(*args, cycle=cycle, **kwargs)
        del self.fields["host"]
        del self.fields["school_class"]


class NoteForm(forms.Form):
    uuid = forms.UUIDField(widget=forms.HiddenInput)
    noted_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(
        label=_("Kind of note"), choices=Note.Kind.choices, initial=Note.Kind.SEEN
    )
    text = forms.CharField(
        label=_("What did you see or hear?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Describe what students and the teacher said and did, word for word where you can. "
            "Leave judgements (good, weak, should) for the debrief."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        # A fresh id with every form: the same form sent twice stores one note.
        kwargs["initial"].setdefault("uuid", uuid.uuid4())
        super().__init__(*args, **kwargs)


class NoteCorrectionForm(forms.Form):
    """Its author corrects a note: what kind it is and its text."""

    kind = forms.ChoiceField(label=_("Kind of note"), choices=Note.Kind.choices)
    text = forms.CharField(
        label=_("What did you see or hear?"), widget=forms.Textarea(attrs={"rows": 4})
    )


class PhotoForm(forms.Form):
    uuid = forms.UUIDField(widget=forms.HiddenInput)
    photo = forms.FileField(
        label=_("Photo of student work"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

    def __init__(self, *args, limit_mb: str = "", **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("uuid", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = _(
            "A JPEG or PNG photo, or a PDF, of at most %(limit)s MB. The photo's location is removed."
        ) % {"limit": limit_mb}


class DebriefForm(forms.ModelForm):
    class Meta:
        model = Debrief
        fields = list(Debrief.PROMPTS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in Debrief.PROMPTS}


class ObserverDebriefForm(forms.ModelForm):
    class Meta:
        model = ObserverDebrief
        fields = ["will_try", "for_host"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ["will_try", "for_host"]}


class PreBriefForm(forms.Form):
    pre_brief = forms.CharField(
        label=_("Pre-brief"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- team meetings ------------------------------------------------------------


def team_members(cycle: InquiryCycle):
    return User.objects.filter(
        team_memberships__team=cycle.team, status=Status.ACTIVE, is_active=True
    ).order_by("last_name", "first_name")


class _MeasureChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Measure) -> str:
        return obj.name


class _OccasionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Occasion) -> str:
        return obj.name


class MeetingForm(forms.Form):
    """Only the date and who came are required: a meeting is recorded in minutes."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = _PeopleChoice(
        label=_("Who came"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    evidence = forms.CharField(
        label=_("Evidence looked at"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Student work, scores, notes from a round: a line is enough."),
    )
    measures = _MeasureChoice(
        label=_("Measures looked at"),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    occasions = _OccasionChoice(
        label=_("Occasions looked at"),
        queryset=Occasion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decisions = forms.CharField(
        label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, cycle: InquiryCycle, **kwargs) -> None:
        members = team_members(cycle)
        kwargs.setdefault(
            "initial",
            # Most meetings are the whole team: untick whoever did not come.
            {
                "date": cycle.team.school.today(),
                "attendees": list(members.values_list("pk", flat=True)),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members
        self.fields["measures"].queryset = cycle.measures.order_by("pk")
        self.fields["occasions"].queryset = cycle.occasions.all()


class ActionForm(forms.Form):
    """One row of next actions; a row left blank is no action."""

    text = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner = _PersonChoice(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("no owner")
    )
    due_date = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, members=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["owner"].queryset = members

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and (
            cleaned.get("owner") or cleaned.get("due_date")
        ):
            self.add_error("text", _("Say what is to be done, or clear the row."))
        return cleaned


#: Blank action rows the form shows; "More rows" adds as many again, without JavaScript.
ACTION_ROWS = 3

ActionFormSet = forms.formset_factory(ActionForm, extra=ACTION_ROWS, max_num=60)


class WeekLogForm(forms.Form):
    """One radio group per class × strategy (``r-<class>-<strategy>``), none required:
    a cell left unrated is left as it was. Rules live in ``implementation_log_save``."""

    week = forms.DateField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        classes: list[SchoolClass],
        strategies: list[Strategy],
        ratings: dict[tuple[int, int], int],
        disabled: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cells: list[tuple[SchoolClass, list[tuple[Strategy, forms.BoundField]]]] = []
        for school_class in classes:
            row = []
            for strategy in strategies:
                name = f"r-{school_class.pk}-{strategy.pk}"
                self.fields[name] = forms.TypedChoiceField(
                    label=strategy.shown_name,
                    choices=ImplementationEntry.Rating.choices,
                    coerce=int,
                    required=False,
                    empty_value=None,
                    widget=forms.RadioSelect,
                    initial=ratings.get((school_class.pk, strategy.pk)),
                    disabled=disabled,
                )
                row.append((strategy, self[name]))
            self.cells.append((school_class, row))

    def ratings(self) -> dict[tuple[int, int], int]:
        """The rated cells of a valid form, by (class id, strategy id)."""
        out = {}
        for school_class, row in self.cells:
            for strategy, field in row:
                value = self.cleaned_data.get(field.name)
                if value is not None:
                    out[(school_class.pk, strategy.pk)] = value
        return out
