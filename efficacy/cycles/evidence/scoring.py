"""The rules one score must follow, shared by grid entry and every import.

Each check returns a :class:`ScoreProblem` (a message and a hint for a person)
or nothing, so the grid can show it next to the cell and an import can report
it with its row and column. The closed-cycle guard and the rule for the class a
score is filed under are shared the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from efficacy.cycles.models import Measure


@dataclass(frozen=True)
class ScoreProblem:
    message: str
    hint: str


def parse_score(raw: Any, measure: Measure) -> tuple[float | None, ScoreProblem | None]:
    """``(value, None)`` for a valid score, ``(None, None)`` for a blank cell, else a problem."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, bool):
        return None, _not_a_number(raw, measure)
    try:
        if isinstance(raw, (int, float)):
            value = float(raw)
        else:
            text = str(raw).strip()
            value = float(text.replace(",", ".") if text.count(",") == 1 else text)
    except (ValueError, OverflowError):  # an integer too large for a float is no score either
        return None, _not_a_number(raw, measure)
    if math.isnan(value) or math.isinf(value):
        return None, _not_a_number(raw, measure)
    if not measure.in_range(value):
        return None, ScoreProblem(
            _("%(value)s is outside the range of %(measure)s (%(low)s to %(high)s).")
            % {
                "value": _fmt(value),
                "measure": measure.name,
                "low": _fmt(measure.min_score),
                "high": _fmt(measure.max_score),
            },
            _("Check the score; if the measure's range is wrong, the team lead can change it."),
        )
    if measure.kind == Measure.Kind.RUBRIC and not value.is_integer():
        return None, ScoreProblem(
            _("%(value)s is not a rubric level of %(measure)s.")
            % {"value": _fmt(value), "measure": measure.name},
            _("Rubric levels are whole numbers from %(low)s to %(high)s.")
            % {"low": _fmt(measure.min_score), "high": _fmt(measure.max_score)},
        )
    return value, None


def default_class_id(student_classes: set[int], own_classes: set[int]) -> int | None:
    """The class a score is filed under when none is given: the student's class
    among the user's own, else among all theirs; lowest id first, so it is stable."""
    candidates = sorted(student_classes & own_classes) or sorted(student_classes)
    return candidates[0] if candidates else None


def _not_a_number(raw: Any, measure: Measure) -> ScoreProblem:
    return ScoreProblem(
        _("“%(raw)s” is not a number.") % {"raw": _shown(raw)},
        _("Enter a number from %(low)s to %(high)s, or leave the cell empty if there is no score.")
        % {"low": _fmt(measure.min_score), "high": _fmt(measure.max_score)},
    )


def _shown(raw: Any) -> str:
    """A value as a person typed it, cut short: a crafted cell can hold thousands of digits."""
    text = str(raw)
    return text if len(text) <= 40 else text[:39] + "…"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
