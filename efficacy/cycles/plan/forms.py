"""Forms of the cycle pages. They only parse input; services decide.

The cycle form turns the focus and comparison pickers into the group
definitions of :mod:`efficacy.cycles.plan.groups`, offering the school's actual
grades, pathways, classes, courses, student attributes and terms.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from efficacy.cycles.models import CycleStrategy, InquiryCycle, Measure, Occasion, Reflection
from efficacy.cycles.plan.services import GOAL_FIELDS, TEXT_FIELDS
from efficacy.roster.labels import attribute_label, pathway_label
from efficacy.roster.models import AcademicSession, School, SchoolClass, Status, Student
from efficacy.roster.selectors import grade_sort_key

#: The parts of a group definition the pickers edit, in the order they are shown.
GROUP_PARTS = ("grades", "pathways", "attributes", "classes", "courses", "term")

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label, help_text, *, rows: int = 3, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# --- the cycle ----------------------------------------------------------------


def _attribute_value(choice: str) -> tuple[str, Any]:
    name, _sep, raw = choice.partition("=")
    return name, json.loads(raw)


def _attribute_choice(name: str, value: Any) -> tuple[str, str]:
    return f"{name}={json.dumps(value)}", attribute_label(name, value)


def group_choices(school: School) -> dict[str, list[tuple[str, str]]]:
    """What a school's groups can be made of: its grades, pathways, attributes, classes, courses, terms."""
    students = Student.objects.filter(school=school, status=Status.ACTIVE)
    grades = sorted(
        {g for g in students.values_list("grade", flat=True).distinct() if g}, key=grade_sort_key
    )
    pathways = sorted({p for p in students.values_list("pathway", flat=True).distinct() if p})
    attributes: set[tuple[str, str]] = set()
    for flags in students.exclude(attributes={}).values_list("attributes", flat=True):
        for name, value in (flags or {}).items():
            if isinstance(value, bool | int | str) and len(str(value)) <= 40:
                attributes.add(_attribute_choice(str(name), value))
    classes = SchoolClass.objects.filter(school=school, status=Status.ACTIVE).order_by("title")
    terms = AcademicSession.objects.filter(district_id=school.district_id, status=Status.ACTIVE)
    return {
        "grades": [(g, g) for g in grades],
        "pathways": [(p, pathway_label(p)) for p in pathways],
        "attributes": sorted(attributes, key=lambda c: c[1]),
        "classes": [(str(c.pk), c.label) for c in classes],
        "courses": [
            (str(c.pk), f"{c.title} ({c.course_code})" if c.course_code else c.title)
            for c in school.courses.filter(status=Status.ACTIVE).order_by("title")
        ],
        "term": [(str(t.pk), f"{t.title} ({t.get_kind_display()})") for t in terms],
    }


def _group_fields(prefix: str, *, comparison: bool) -> dict[str, forms.Field]:
    multi = forms.CheckboxSelectMultiple
    fields = {
        f"{prefix}_grades": forms.MultipleChoiceField(
            label=_("Grades"), required=False, widget=multi
        ),
        f"{prefix}_pathways": forms.MultipleChoiceField(
            label=_("Pathways"),
            required=False,
            widget=multi,
            help_text=_("For example applied or academic courses."),
        ),
        f"{prefix}_attributes": forms.MultipleChoiceField(
            label=_("Student attributes"),
            required=False,
            widget=multi,
            help_text=_("For example English-language learners. One value per attribute."),
        ),
        f"{prefix}_classes": forms.MultipleChoiceField(
            label=_("Classes"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 6}),
            help_text=_("Students in any of these classes. Hold Ctrl (or ⌘) to choose several."),
        ),
        f"{prefix}_courses": forms.MultipleChoiceField(
            label=_("Courses"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 6}),
            help_text=_("Students in any class of these courses."),
        ),
        f"{prefix}_term": forms.ChoiceField(
            label=_("Term"),
            required=False,
            help_text=_("Only classes that run in this term."),
        ),
    }
    if comparison:
        fields[f"{prefix}_earlier_term"] = forms.ChoiceField(
            label=_("Or: the same course's students in an earlier term"),
            required=False,
            help_text=_(
                "Compares with last year's (or last semester's) students of the focus group's "
                "courses, with the same pathways and attributes. Choose the focus group's classes "
                "or courses first."
            ),
        )
    return fields


class CycleForm(forms.Form):
    """Every field a person edits on a cycle (``services.EDITABLE_FIELDS``).

    The performance goal needs the cycle's measures, so it appears only when
    editing (``cycle`` given).
    """

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("A short name the team will recognise, e.g. “Inference in grade 9 applied”."),
    )
    problem_of_practice = _text(
        _("Problem of practice"),
        _("What students find hard that the team wants to change, in a sentence or two."),
    )
    mastery_goal = _text(
        _("Mastery goal (the narrow goal)"),
        _(
            "The skill your focus students will gain, e.g. “infer from texts and justify it with "
            "evidence”. Narrow enough that the team can tell whether it worked."
        ),
    )
    focus_chosen_for_low_scores = forms.BooleanField(
        label=_("These students were chosen because they scored low"),
        required=False,
        help_text=InquiryCycle._meta.get_field("focus_chosen_for_low_scores").help_text,
    )
    specific_focus = _text(
        _("Specific focus"),
        _(
            "Exactly which part of the skill the whole team will work on, e.g. “justifying an "
            "inference with a quotation”."
        ),
    )
    plan = _text(
        _("Plan"),
        _(
            "What the team will do, when and who does what: lessons, strategies, peer "
            "observation. Add milestones with owners and dates on the cycle page."
        ),
        rows=4,
    )
    monitoring = _text(
        _("Means of monitoring progress"),
        _(
            "How you will check progress along the way: which measure, on which occasions "
            "(baseline, checkpoints, final). Define the measures on the cycle page."
        ),
    )
    prediction = _text(
        _("Prediction"),
        _(
            "What you expect to see at the end, and why. At the end you compare it with what "
            "happened."
        ),
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DATE_INPUT)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE_INPUT)
    performance_measure = forms.ModelChoiceField(
        label=_("Measure"),
        queryset=Measure.objects.none(),
        required=False,
        empty_label=_("No performance goal"),
    )
    performance_threshold = forms.FloatField(
        label=_("Threshold"),
        required=False,
        help_text=InquiryCycle._meta.get_field("performance_threshold").help_text,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    performance_target_percent = forms.IntegerField(
        label=_("Target: % of focus students"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("The share of focus students who should reach the threshold, e.g. 70."),
    )

    def __init__(self, *args, school: School, cycle: InquiryCycle | None = None, **kwargs):
        self.cycle = cycle
        if cycle is not None and not kwargs.get("data") and not (args and args[0]):
            kwargs["initial"] = {**self.initial_for(cycle), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.extra_errors: dict[str, list[str]] = {"focus": [], "comparison": []}
        self.fields.update(_group_fields("focus", comparison=False))
        self.fields.update(_group_fields("comparison", comparison=True))
        choices = group_choices(school)
        for prefix in ("focus", "comparison"):
            current = getattr(cycle, prefix, None) or {}
            for part in GROUP_PARTS:
                field = self.fields[f"{prefix}_{part}"]
                field.choices = self._with_current(choices[part], current, part)
                if part == "term":
                    field.choices = [("", _("Any term")), *field.choices]
        self.fields["comparison_earlier_term"].choices = [
            ("", _("No earlier term")),
            *choices["term"],
        ]
        if cycle is None:
            for name in ("performance_measure", "performance_threshold"):
                del self.fields[name]
            del self.fields["performance_target_percent"]
        else:
            self.fields["performance_measure"].queryset = cycle.measures.all()
            if cycle.goal_frozen:
                self.fields["goal_change_reason"] = forms.CharField(
                    label=_("Why the goal or the prediction changes"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=_(
                        "Only if you change the performance goal, its measure or the "
                        "prediction. The cycle page and its story show the old and the new "
                        "goal; the verdict judges the goal the cycle started with."
                    ),
                )

    @staticmethod
    def _with_current(choices, definition: dict, part: str) -> list[tuple[str, str]]:
        """Keep a value the cycle already uses even if it left the roster, so saving loses nothing."""
        known = {value for value, _label in choices}
        if part == "attributes":
            current = [_attribute_choice(k, v) for k, v in (definition.get(part) or {}).items()]
        elif part == "term":
            term = definition.get(part)
            current = [(str(term), str(term))] if term else []
        else:
            current = [(str(v), str(v)) for v in definition.get(part) or []]
        return [*choices, *[c for c in current if c[0] not in known]]

    @staticmethod
    def initial_for(cycle: InquiryCycle) -> dict[str, Any]:
        # serializable_value: the performance measure's id, not the measure.
        initial: dict[str, Any] = {
            name: cycle.serializable_value(name) for name in (*TEXT_FIELDS, *GOAL_FIELDS)
        }
        for prefix in ("focus", "comparison"):
            definition = getattr(cycle, prefix) or {}
            for part in ("grades", "pathways", "classes", "courses"):
                initial[f"{prefix}_{part}"] = [str(v) for v in definition.get(part) or []]
            initial[f"{prefix}_attributes"] = [
                _attribute_choice(k, v)[0] for k, v in (definition.get("attributes") or {}).items()
            ]
            initial[f"{prefix}_term"] = str(definition.get("term") or "")
        initial["comparison_earlier_term"] = str(cycle.comparison.get("earlier_term") or "")
        return initial

    def clean(self):
        cleaned = super().clean()
        for prefix in ("focus", "comparison"):
            names = [_attribute_value(c)[0] for c in cleaned.get(f"{prefix}_attributes") or []]
            if len(names) != len(set(names)):
                self.add_error(
                    f"{prefix}_attributes",
                    _("Choose one value per attribute (for example yes or no, not both)."),
                )
        return cleaned

    def group(self, prefix: str) -> dict[str, Any]:
        data = self.cleaned_data
        definition: dict[str, Any] = {}
        for part in ("grades", "pathways"):
            if data.get(f"{prefix}_{part}"):
                definition[part] = data[f"{prefix}_{part}"]
        for part in ("classes", "courses"):
            if data.get(f"{prefix}_{part}"):
                definition[part] = [int(v) for v in data[f"{prefix}_{part}"]]
        if data.get(f"{prefix}_attributes"):
            definition["attributes"] = dict(
                _attribute_value(c) for c in data[f"{prefix}_attributes"]
            )
        if data.get(f"{prefix}_term"):
            definition["term"] = int(data[f"{prefix}_term"])
        if prefix == "comparison" and data.get("comparison_earlier_term"):
            definition["earlier_term"] = int(data["comparison_earlier_term"])
        return definition

    def service_fields(self) -> dict[str, Any]:
        """The cleaned form as keyword arguments of ``cycle_create`` / ``cycle_update``."""
        data = self.cleaned_data
        fields = {name: data[name] for name in TEXT_FIELDS}
        fields["focus"] = self.group("focus")
        fields["comparison"] = self.group("comparison")
        if self.cycle is not None:
            for name in GOAL_FIELDS:
                fields[name] = data.get(name)
            if "goal_change_reason" in self.fields:
                fields["goal_change_reason"] = data.get("goal_change_reason", "")
        return fields

    def group_fields(self, prefix: str) -> list[forms.BoundField]:
        names = [f"{prefix}_{part}" for part in GROUP_PARTS]
        if prefix == "comparison":
            names.append("comparison_earlier_term")
        return [self[name] for name in names]

    def focus_fields(self) -> list[forms.BoundField]:
        return self.group_fields("focus")

    def comparison_fields(self) -> list[forms.BoundField]:
        return self.group_fields("comparison")


# --- plan, measures, occasions, status ------------------------------------------


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200, required=False)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("No owner yet")
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members


class MeasureForm(forms.Form):
    """Shown on the cycle page beside the occasion form, so each has its own ids
    (both have ``name`` and ``kind``): every label then names its own input."""

    name = forms.CharField(
        label=_("Name of the measure"),
        max_length=200,
        required=False,
        help_text=_("For example “Inference rubric” or “Reading quiz”."),
    )
    kind = forms.ChoiceField(label=_("Scored in"), choices=Measure.Kind.choices)
    min_score = forms.FloatField(
        label=_("Lowest score"),
        initial=0,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    max_score = forms.FloatField(
        label=_("Highest score"),
        help_text=_("For a rubric, the highest level, e.g. 4."),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    common = forms.BooleanField(
        label=_("Common to all members"),
        required=False,
        initial=True,
        help_text=Measure._meta.get_field("common").help_text,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "measure-%s")
        super().__init__(*args, **kwargs)


class OccasionForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the occasion"),
        max_length=200,
        required=False,
        help_text=_("For example “Baseline (September)”."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Occasion.Kind.choices,
        help_text=_("One baseline and one final; any number of checkpoints in between."),
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "occasion-%s")
        super().__init__(*args, **kwargs)


class StepBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Why go back a step?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The team sees the reason in the cycle's history."),
    )


# --- strategies ---------------------------------------------------------------------


class StrategyChoiceForm(forms.Form):
    """Which strategies the cycle uses and which of them every member uses."""

    strategies = forms.MultipleChoiceField(required=False)
    shared = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, strategies, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(s.pk), s.name) for s in strategies]
        self.fields["strategies"].choices = choices
        self.fields["shared"].choices = choices

    def selected(self, name: str) -> set[str]:
        if self.is_bound:
            return {str(v) for v in self.data.getlist(name)}
        return {str(v) for v in self.initial.get(name, [])}


class StrategyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    description = _text(
        _("Description"),
        _("What the strategy is and how to use it, in a few sentences a colleague could act on."),
        rows=5,
        required=False,
    )
    look_fors = _text(
        _("Look-fors, one per line"),
        _("What an observer can see or hear in a lesson when the strategy is in use."),
        rows=5,
        required=False,
    )
    references = _text(
        _("Research references, one per line (optional)"),
        _("Plain citations, e.g. “Hattie, J. (2012). Visible Learning for Teachers.”"),
        rows=3,
        required=False,
    )

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- reflection ---------------------------------------------------------------------


class ReflectionForm(forms.Form):
    """The cause-and-effect prompts, a note per strategy, and (editors, while
    reviewing) the adopt / adapt / abandon decision per strategy."""

    def __init__(
        self,
        *args,
        reflection: Reflection | None,
        cycle_strategies: list[CycleStrategy],
        decide: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        notes = (reflection.strategy_notes if reflection else {}) or {}
        for name in Reflection.PROMPTS:
            self.fields[name] = forms.CharField(
                label=Reflection._meta.get_field(name).verbose_name,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=getattr(reflection, name, ""),
            )
        self.cycle_strategies = cycle_strategies
        self.decide = decide
        for cs in cycle_strategies:
            self.fields[f"note_{cs.strategy_id}"] = forms.CharField(
                label=gettext("Note on %(strategy)s") % {"strategy": cs.strategy.shown_name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=notes.get(str(cs.strategy_id), ""),
            )
            if decide:
                self.fields[f"decision_{cs.pk}"] = forms.ChoiceField(
                    label=gettext("Decision on %(strategy)s")
                    % {"strategy": cs.strategy.shown_name},
                    required=False,
                    choices=[("", _("Not decided yet")), *CycleStrategy.Decision.choices],
                    widget=forms.RadioSelect,
                    initial=cs.decision,
                )
                self.fields[f"decision_note_{cs.pk}"] = forms.CharField(
                    label=gettext("Why (%(strategy)s)") % {"strategy": cs.strategy.shown_name},
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    initial=cs.decision_note,
                )

    def prompt_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in Reflection.PROMPTS]

    def strategy_rows(self) -> list[dict[str, Any]]:
        rows = []
        for cs in self.cycle_strategies:
            rows.append(
                {
                    "cycle_strategy": cs,
                    "note": self[f"note_{cs.strategy_id}"],
                    "decision": self[f"decision_{cs.pk}"] if self.decide else None,
                    "decision_note": self[f"decision_note_{cs.pk}"] if self.decide else None,
                }
            )
        return rows

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in Reflection.PROMPTS}

    def strategy_notes(self) -> dict[str, str]:
        return {
            str(cs.strategy_id): self.cleaned_data[f"note_{cs.strategy_id}"]
            for cs in self.cycle_strategies
        }

    def decisions(self) -> list[tuple[CycleStrategy, str, str]]:
        """(cycle strategy, decision, note) for each strategy with a decision chosen."""
        if not self.decide:
            return []
        out = []
        for cs in self.cycle_strategies:
            decision = self.cleaned_data.get(f"decision_{cs.pk}")
            if decision:
                out.append((cs, decision, self.cleaned_data.get(f"decision_note_{cs.pk}", "")))
        return out
