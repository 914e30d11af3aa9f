"""The forms of the survey pages; every rule about what is allowed is in
:mod:`efficacy.voice.services.surveys`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from efficacy.access.surveys import instruments_for_school
from efficacy.roster.models import School, Team
from efficacy.voice.models import Instrument
from efficacy.voice.services.surveys import SKIP, Question, instrument_title


class _InstrumentChoice(forms.ModelChoiceField):
    def __init__(self, *args, language: str = "en", **kwargs) -> None:
        self.language = language
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Instrument) -> str:
        return f"{instrument_title(obj, self.language)} ({obj.version})"


class WindowForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What staff will see, e.g. “Collective efficacy, autumn”."),
    )
    instrument = _InstrumentChoice(label=_("Instrument"), queryset=Instrument.objects.none())
    team = forms.ModelChoiceField(
        label=_("Who is asked"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("The whole school's teaching staff"),
        help_text=_("A team is asked only if it has enough members for its results to be shown."),
    )  # fmt: skip
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day staff can answer."),
    )

    def __init__(self, *args, school: School, language: str = "en", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments_for_school(school)
        self.fields["instrument"].language = language
        self.fields["team"].queryset = Team.objects.filter(school=school).order_by("name")


class AnswerForm(forms.Form):
    """One radio group per item, each with "Prefer not to answer"; a team choice when
    the respondent belongs to several teams of the school."""

    def __init__(self, *args, questions: list[Question], teams: list[Team], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            choices = [(str(o.value), o.label) for o in question.options]
            choices.append((SKIP, _("Prefer not to answer")))
            self.fields[f"item_{question.key}"] = forms.ChoiceField(
                label=question.text,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer, or “Prefer not to answer”."),
                    "invalid_choice": _("Choose one of the answers offered."),
                },
            )
        if len(teams) > 1:
            self.fields["team"] = forms.ModelChoiceField(
                label=_("You answer as a member of"),
                queryset=Team.objects.filter(pk__in=[t.pk for t in teams]).order_by("name"),
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={"required": _("Choose the team you answer as a member of.")},
            )

    def item_rows(self) -> list[dict]:
        """Each item as the page draws it: its name, question, errors and options with
        the one chosen so far. Plain data, so the page renders its 80-odd radio buttons
        without a widget template each (a phone on a busy morning waits for none)."""
        rows = []
        for question in self.questions:
            bound = self[f"item_{question.key}"]
            chosen = str(bound.value() or "")
            options = [
                {"value": value, "label": label, "id": f"{bound.auto_id}_{i}",
                 "checked": value == chosen, "skip": value == SKIP}
                for i, (value, label) in enumerate(bound.field.choices)
            ]  # fmt: skip
            rows.append({"name": bound.html_name, "label": question.text,
                         "errors": bound.errors, "options": options})  # fmt: skip
        return rows

    def answers(self) -> dict[str, str]:
        """{item key: chosen value}, without the items the person preferred not to answer."""
        chosen = {q.key: self.cleaned_data[f"item_{q.key}"] for q in self.questions}
        return {key: value for key, value in chosen.items() if value != SKIP}

    def add_answer_errors(self, errors: dict[str, list[str]]) -> None:
        """A service's errors next to the item they name (or at the top)."""
        for key, messages in errors.items():
            field = key if key == "team" else f"item_{key}"
            self.add_error(field if field in self.fields else None, messages)
