"""A cycle's impact, computed by :mod:`efficacy.analysis` from the evidence frame.

One measure at a time (default: the performance goal's measure, else the
first common measure), baseline against final occasion:

- ``prepost``: the focus group's pre/post effect (d_av with CI, years of
  growth prorated to the cycle's weeks);
- ``impact``: focus against comparison (ANCOVA and difference-in-differences
  g, baseline equivalence), when the cycle has a comparison group;
- ``gap``: comparison minus focus at baseline and final, and its reduction
  (a narrowing gap is a positive reduction);
- ``goal``: the mastery-moment verdict (:mod:`efficacy.cycles.mastery`);
- ``by_class``: the focus group's pre/post effect per class.

A statistic that cannot be computed (too few students, no variation) is
``None`` with its reason in ``notes``: the page shows the reason, never a
traceback. Groups below ``min_n`` come back suppressed from the library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings

from efficacy.analysis._core import pair_scores
from efficacy.analysis.gap import gap_change
from efficacy.analysis.impact import impact_estimate
from efficacy.analysis.prepost import prepost_effect, prepost_effect_by
from efficacy.analysis.results import AnalysisError, Result
from efficacy.cycles import mastery
from efficacy.cycles.models import InquiryCycle, Measure
from efficacy.cycles.selectors import COMPARISON, FOCUS, cycle_evidence_frame


@dataclass(frozen=True)
class CycleImpact:
    measure: str | None
    prepost: Result | None = None
    impact: Result | None = None
    gap: Result | None = None
    goal: mastery.Verdict | None = None
    by_class: pd.DataFrame | None = None
    notes: dict[str, str] = field(default_factory=dict)


def impact_measure(cycle: InquiryCycle) -> Measure | None:
    if cycle.has_performance_goal:
        return cycle.performance_measure
    measures = cycle.measures.order_by("pk")
    return measures.filter(common=True).first() or measures.first()


def cycle_impact(
    cycle: InquiryCycle, *, measure: Measure | None = None, min_n: int | None = None, seed: int = 0
) -> CycleImpact:
    min_n = settings.EFFICACY_MIN_STUDENT_N if min_n is None else min_n
    measure = measure or impact_measure(cycle)
    if measure is None:
        return CycleImpact(measure=None, notes={"measure": "The cycle has no measure yet."})
    frame = cycle_evidence_frame(cycle)
    rows = frame[
        (frame["measure"] == measure.name) & frame["occasion_kind"].isin(["baseline", "final"])
    ]
    notes: dict[str, str] = {}
    pairs = {g: _pairs(rows[rows["group"] == g]) for g in (FOCUS, COMPARISON)}
    weeks = cycle.weeks

    def attempt(name: str, compute) -> Any:
        try:
            return compute()
        except AnalysisError as exc:
            notes[name] = str(exc)
            return None

    focus_pre, focus_post = pairs[FOCUS]
    prepost = attempt(
        "prepost", lambda: prepost_effect(focus_pre, focus_post, weeks=weeks, min_n=min_n)
    )
    impact = gap = None
    comp_pre, comp_post = pairs[COMPARISON]
    if len(comp_pre):
        impact = attempt(
            "impact",
            lambda: impact_estimate(focus_pre, focus_post, comp_pre, comp_post, min_n=min_n),
        )
        gap = attempt(
            "gap",
            lambda: gap_change(comp_pre, focus_pre, comp_post, focus_post, seed=seed, min_n=min_n),
        )
    else:
        notes["impact"] = "No comparison group scores: only the pre/post effect can be shown."
    focus_rows = rows[rows["group"] == FOCUS]
    by_class = attempt(
        "by_class",
        lambda: prepost_effect_by(
            focus_rows,
            by="class",
            id="student",
            score="score",
            occasion="occasion_kind",
            pre="baseline",
            post="final",
            weeks=weeks,
            min_n=min_n,
        ),
    )
    return CycleImpact(
        measure=measure.name,
        prepost=prepost,
        impact=impact,
        gap=gap,
        goal=mastery.goal_met(cycle, frame=frame),
        by_class=by_class,
        notes=notes,
    )


def _pairs(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Baseline and final arrays, one element per student (NaN where missing)."""
    if rows.empty:
        return np.array([]), np.array([])
    paired = pair_scores(
        rows,
        keys=[],
        id="student",
        score="score",
        occasion="occasion_kind",
        pre="baseline",
        post="final",
    )
    return np.asarray(paired["pre"], dtype=float), np.asarray(paired["post"], dtype=float)
