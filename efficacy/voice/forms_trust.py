"""The forms of the trust pages; every rule about what is allowed is in
:mod:`efficacy.voice.services.trust` (text length and scripted text included, so a
refused text comes back with one message, whichever page sent it)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from efficacy.cycles.models import InquiryCycle, MasteryMoment
from efficacy.roster.models import Team, User
from efficacy.voice.models import Commitment


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class _MomentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: MasteryMoment) -> str:
        return obj.cycle.title


class _CycleChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: InquiryCycle) -> str:
        return f"{obj.title} ({obj.team.name})"


def _text(label, *, required: bool = True, rows: int = 3, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _date(label, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


def _moment(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class WinForm(forms.Form):
    text = _text(_("What's one professional win from the past week?"))
    team = forms.ModelChoiceField(
        label=_("Team (optional)"), queryset=Team.objects.none(), required=False
    )

    def __init__(self, *args, teams=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if teams is None or not teams.exists():
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams


class WinEditForm(forms.Form):
    text = _text(_("Your win"))


class CelebrateForm(forms.Form):
    celebration = _text(
        _("What you celebrate"),
        help_text=_("A sentence or two, said to the whole school."),
    )
    mastery_moment = _MomentChoice(
        label=_("The mastery moment behind it (optional)"),
        queryset=MasteryMoment.objects.none(),
        required=False,
    )
    cycle = _CycleChoice(
        label=_("Or the inquiry cycle whose evidence is behind it (optional)"),
        queryset=InquiryCycle.objects.none(),
        required=False,
        help_text=_("Only those who may open the cycle see this link."),
    )

    def __init__(self, *args, moments, cycles, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mastery_moment"].queryset = moments
        self.fields["cycle"].queryset = cycles


class CheckInForm(forms.Form):
    staff = _PersonChoice(label=_("With"), queryset=User.objects.none())
    held_on = _date(_("Date"))
    note = _text(_("Note"), required=False, help_text=_("What you talked about, briefly."))
    follow_up = _text(_("Follow-up"), required=False, rows=2)
    follow_up_due = _date(_("Follow up by"), required=False)

    def __init__(self, *args, staff, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff.order_by("last_name", "first_name")


class OfficeHourForm(forms.Form):
    starts_at = _moment(_("Starts"))
    ends_at = _moment(_("Ends"))
    place = forms.CharField(label=_("Where"), required=False, strip=False)


class BookingForm(forms.Form):
    topic = forms.CharField(
        label=_("What you would like to talk about (optional)"), required=False, strip=False
    )


class CommitmentForm(forms.Form):
    what = _text(_("What you will look into"))
    due_on = _date(_("Due"))
    asked_by = _PersonChoice(
        label=_("Who asked"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("They will see this commitment and its receipts."),
    )

    def __init__(self, *args, askers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asked_by"].queryset = askers.order_by("last_name", "first_name")


class ReceiptForm(forms.Form):
    text = _text(
        _("What was done"),
        help_text=_(
            'Even when the answer is no: "we looked into it, and the answer is no, because …".'
        ),
    )
    link = forms.URLField(
        label=_("Link to what shows it (optional)"),
        required=False,
        max_length=200,  # the column's length
        assume_scheme="https",
    )
    status = forms.ChoiceField(
        label=_("Where it stands now"),
        choices=Commitment.Status.choices,
        widget=forms.RadioSelect,
    )


class BoxForm(forms.Form):
    title = forms.CharField(label=_("Title"), strip=False)
    prompt = _text(_("What you ask"), required=False)


class SuggestionForm(forms.Form):
    text = _text(
        _("Your suggestion"),
        rows=5,
        help_text=_(
            "Anonymous: your name is not stored with it. Your wording, a detail only you "
            "know, can still identify you."
        ),
    )


class ReplyForm(forms.Form):
    you_said = _text(
        _("You said"),
        help_text=_("Paraphrase the suggestion so no one is recognised by their words."),
    )
    we_did = _text(_("We did"), help_text=_("What was done, or why not."))
    commitment_what = _text(_("A commitment to follow it (optional)"), required=False, rows=2)
    commitment_due = _date(_("Commitment due"), required=False)
