"""The forms of the exit-ticket pages; every rule about what is allowed is in
:mod:`efficacy.voice.services.tickets`."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from efficacy.cycles.models import InquiryCycle
from efficacy.roster.models import SchoolClass
from efficacy.voice.services.tickets import (
    CODE_LENGTH,
    CONFIDENCE,
    MAX_ANSWER_CHARS,
    MAX_LESSON_CHARS,
)


def _at_most(n: int) -> str:
    return gettext("At most %(n)s characters.") % {"n": n}


def _code_hint() -> str:
    return gettext("The %(n)s letters and digits your teacher shows.") % {"n": CODE_LENGTH}


def _confidence_choices() -> list[tuple[int, str]]:
    return [(level, f"{level} · {label}") for level, label in CONFIDENCE.items()]


at_most = lazy(_at_most, str)


class _ClassChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: SchoolClass) -> str:
        return obj.label


class _CycleChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: InquiryCycle) -> str:
        return f"{obj.title} ({obj.team})"


class TicketOpenForm(forms.Form):
    school_class = _ClassChoice(
        label=_("Class"),
        queryset=SchoolClass.objects.none(),
        error_messages={"required": _("Choose the class.")},
    )
    lesson = forms.CharField(
        label=_("What was the lesson about?"),
        # The service says what is wrong with a long lesson; the field keeps what was typed.
        max_length=MAX_LESSON_CHARS * 4,
        help_text=_("Students see it above the questions, e.g. “Adding fractions”."),
        error_messages={"required": _("Say in a few words what the lesson was about.")},
    )
    cycle = _CycleChoice(
        label=_("Inquiry cycle (optional)"),
        queryset=InquiryCycle.objects.none(),
        required=False,
        empty_label=_("None: only I see the answers"),
        help_text=_(
            "Linked to a cycle, the ticket is shared with the cycle's team and school leader "
            "once it has enough answers."
        ),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Empty: at the end of today. You can close it earlier."),
        error_messages={"invalid": _("Give a date and time, e.g. 2025-03-14 15:30.")},
    )

    def __init__(self, *args, classes, cycles, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes
        self.fields["cycle"].queryset = cycles


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=lazy(_code_hint, str)(),
        error_messages={"required": _("Type the code your teacher shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class AnswerForm(forms.Form):
    understood = forms.CharField(
        label=_("What did you understand today?"),
        required=False,
        # Longer text is refused by the service with its length, and kept in the box.
        max_length=MAX_ANSWER_CHARS * 20,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=at_most(MAX_ANSWER_CHARS),
    )
    stuck = forms.CharField(
        label=_("Where are you stuck?"),
        required=False,
        max_length=MAX_ANSWER_CHARS * 20,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=at_most(MAX_ANSWER_CHARS),
    )
    confidence = forms.TypedChoiceField(
        label=_("How confident are you?"),
        choices=_confidence_choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how confident you are, from 1 to 5."),
            "invalid_choice": _("Choose how confident you are, from 1 to 5."),
        },
    )


class EvidenceForm(forms.Form):
    question = forms.CharField(widget=forms.HiddenInput)
    label = forms.CharField(widget=forms.HiddenInput, max_length=1000)
    note = forms.CharField(
        label=_("What the team makes of it (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
