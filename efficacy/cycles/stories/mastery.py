"""When a closed cycle counts as a mastery moment, and how strong its evidence is.

The verdict has two parts, shown separately (``shared/STATISTICS.md``, "Verdicts"):

*Was the goal met?*

1. **With a performance goal** (measure, threshold, target share), judged as it
   stood when the cycle started (:meth:`InquiryCycle.judged_goal`; a later change
   is recorded and shown beside it, never silently applied): the goal is met
   when, among focus students with a *final* score on that measure, the share
   scoring at or above the threshold reaches the target.
2. **Without one**: the focus group's pre/post effect (d_av, baseline to final,
   students with both scores) has a 95% interval wholly above the growth
   expected over the cycle's weeks (the 0.40 hinge prorated,
   :func:`efficacy.analysis.growth_beyond_expected`): ordinary growth is not a
   mastery moment.

*How strong is the evidence that the team's work made the difference?* Graded
by :func:`efficacy.analysis.evidence_strength` from the comparison group's
adjusted effect and the growth; a comparison that contradicts the gain blocks
the moment and the verdict says so.

No evidence means no mastery moment: the cycle closes, and the page says why.
Nor does a group below the reporting threshold (``EFFICACY_MIN_STUDENT_N``,
:mod:`efficacy.privacy`): no verdict is computed from its figures, and the
impact panel, which hides them, agrees. The figures come from the impact
pipeline (:func:`efficacy.cycles.impact.panel.cycle_verdict`), so the panel and
the verdict cannot disagree. The snapshot stored with the moment is the
evidence *as it was* when the cycle closed, so later edits cannot rewrite the story.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from efficacy import privacy
from efficacy.analysis import (
    FLAT_OCCASION,
    AnalysisError,
    EvidenceStrength,
    ImpactEstimate,
    PrePostEffect,
    evidence_strength,
    expected_growth,
    growth_beyond_expected,
    prepost_effect,
)
from efficacy.analysis import verdict as grading
from efficacy.cycles.evidence.selectors import cycle_evidence_frame
from efficacy.cycles.models import InquiryCycle, Measure, Occasion, Reflection
from efficacy.cycles.plan.selectors import FOCUS

PERFORMANCE_GOAL = "performance_goal"
PREPOST_GAIN = "prepost_gain"

#: The grades in words (shown in the panel, the feed and the story), strongest first.
GRADE_WORDS = {
    grading.COMPARISON_EQUIVALENT: gettext_lazy(
        "Strong: the focus group outgrew a comparison group that started level with it."
    ),
    grading.COMPARISON_ADJUSTED: gettext_lazy(
        "Moderate: the focus group outgrew a comparison group once their different "
        "starting points were taken into account."
    ),
    grading.GROWTH_BEYOND_EXPECTED: gettext_lazy(
        "Suggestive: the focus group grew more than students usually do in this time, but no "
        "comparison group confirms that the team's work caused it."
    ),
    grading.GROWTH_WITHIN_EXPECTED: gettext_lazy(
        "Weak: the growth is within what students usually gain in this time anyway."
    ),
    grading.CONTRADICTED: gettext_lazy(
        "Contradicted: the comparison group grew more than the focus group, so the growth "
        "cannot be credited to the team's work. No mastery moment is recorded."
    ),
    grading.NOT_ENOUGH: gettext_lazy("Not enough evidence to judge."),
}


def grade_words(grade: str) -> str:
    """The grade as a sentence; an unknown or empty grade (a moment recorded before grading) reads as such."""
    if grade in GRADE_WORDS:
        return str(GRADE_WORDS[grade])
    return _("Not graded: recorded before the evidence was graded.")


@dataclass(frozen=True)
class Verdict:
    met: bool
    rule: str
    reason: str
    summary: dict[str, Any] = field(default_factory=dict)
    #: Set when no verdict was computed because the group is below the threshold.
    suppressed: privacy.SuppressionReason | None = None
    #: How strong the evidence is (one of :data:`efficacy.analysis.verdict.GRADES`).
    grade: str = grading.NOT_ENOUGH

    @property
    def grade_text(self) -> str:
        return grade_words(self.grade)


def goal_met(
    cycle: InquiryCycle,
    *,
    frame: pd.DataFrame | None = None,
    min_n: int | None = None,
    prepost: PrePostEffect | None = None,
    impact: ImpactEstimate | None = None,
    expected: float | None = None,
) -> Verdict:
    """The verdict for ``cycle`` (module docstring).

    Called with the cycle alone, it is the impact pipeline's verdict
    (:func:`efficacy.cycles.impact.panel.cycle_verdict`), comparison included, so
    that no caller grades the evidence without the comparison group. The panel
    calls it with ``frame`` (the focus rows of the judged measure) and its own
    figures: ``prepost`` and ``impact`` on that measure and ``expected``, the
    cycle's expected growth.
    """
    min_n = privacy.min_student_n() if min_n is None else min_n
    if frame is None:
        from efficacy.cycles.impact.panel import cycle_verdict  # the panel builds on this module

        verdict = cycle_verdict(cycle, min_n=min_n)
        if verdict is not None:
            return verdict
        frame = cycle_evidence_frame(cycle)
    focus = frame[frame["group"] == FOCUS]
    if expected is None:
        expected = float(
            expected_growth(cycle.weeks, weeks_per_year=settings.EFFICACY_WEEKS_PER_YEAR)
        )
    measure = impact_measure(cycle)
    if prepost is None and measure is not None:
        prepost = _focus_prepost(focus, measure, min_n)
    strength = evidence_strength(
        prepost, impact, expected, chosen_for_low_scores=cycle.focus_chosen_for_low_scores
    )
    if cycle.has_judged_goal:
        verdict = _performance_goal(cycle, focus, min_n)
    else:
        verdict = _growth(cycle, measure, prepost, expected, min_n)
    return _graded(verdict, strength)


def _graded(verdict: Verdict, strength: EvidenceStrength) -> Verdict:
    """The verdict with its grade; a contradicting comparison blocks the moment."""
    if verdict.suppressed is not None:
        return verdict
    summary = {**verdict.summary, "evidence_grade": strength.grade}
    met, reason = verdict.met, verdict.reason
    if strength.blocks_moment and met:
        met = False
        reason = f"{reason} {grade_words(strength.grade)}"
    return Verdict(met, verdict.rule, reason, summary, verdict.suppressed, strength.grade)


def _focus_prepost(focus: pd.DataFrame, measure: Measure, min_n: int) -> PrePostEffect | None:
    pairs = paired_scores(focus, measure)
    try:
        return prepost_effect(
            pairs["baseline"].to_numpy(float), pairs["final"].to_numpy(float), min_n=max(min_n, 2)
        )
    except AnalysisError:
        return None


def _too_few(rule: str, min_n: int, group: str, summary: dict[str, Any]) -> Verdict:
    """No verdict from a group below the threshold; the summary keeps no count."""
    summary.pop("n", None)
    reason = privacy.small_group(min_n, group)
    return Verdict(False, rule, reason.message(), summary, suppressed=reason)


def _performance_goal(cycle: InquiryCycle, focus: pd.DataFrame, min_n: int) -> Verdict:
    measure_id, threshold, target = cycle.judged_goal()
    measure = Measure.objects.filter(pk=measure_id, cycle=cycle).first()
    summary: dict[str, Any] = {
        "rule": PERFORMANCE_GOAL,
        "measure": measure.name if measure else None,
        "threshold": threshold,
        "target_percent": target,
        "computed_at": timezone.now().isoformat(),
    }
    if cycle.goal_changed():
        summary["goal_now"] = {
            "measure": cycle.performance_measure.name if cycle.performance_measure else None,
            "threshold": cycle.performance_threshold,
            "target_percent": cycle.performance_target_percent,
        }
    if measure is None:
        return Verdict(False, PERFORMANCE_GOAL, _("The goal's measure no longer exists."), summary)
    final = focus[
        (focus["measure"] == measure.name) & (focus["occasion_kind"] == Occasion.Kind.FINAL)
    ]
    n = len(final)
    summary["n"] = n
    if n == 0:
        return Verdict(
            False,
            PERFORMANCE_GOAL,
            _("No final scores for the focus group on the goal's measure."),
            summary,
        )
    if privacy.is_small(n, min_n):
        return _too_few(PERFORMANCE_GOAL, min_n, "focus_final", summary)
    meeting = int((final["score"] >= threshold).sum())
    percent = 100 * meeting / n
    summary.update(meeting=meeting, percent=round(percent, 1))
    met = percent >= target
    reason = _(
        "%(percent).0f%% of %(n)d focus students reached %(threshold)g or above (target %(target)d%%)."
    ) % {"percent": percent, "n": n, "threshold": threshold, "target": target}
    return Verdict(met, PERFORMANCE_GOAL, reason, summary)


def impact_measure(cycle: InquiryCycle) -> Measure | None:
    """The measure a cycle is judged on: the judged performance goal's (as at the start),
    else the first common one, else the first."""
    return impact_measures([cycle]).get(cycle.pk)


def impact_measures(cycles: Iterable[InquiryCycle]) -> dict[int, Measure]:
    """:func:`impact_measure` of many cycles in one query: cycle id → measure.

    The rule: the performance goal's measure when the goal is complete, else the
    first common measure by id, else the first measure by id. A cycle with no
    measure is left out.
    """
    cycles = list(cycles)
    goals = {c.pk: c.judged_goal()[0] for c in cycles if c.has_judged_goal}
    chosen: dict[int, Measure] = {}
    measures = Measure.objects.filter(cycle_id__in=[c.pk for c in cycles]).order_by(
        "cycle_id", "-common", "pk"
    )
    for measure in measures:
        # The first in (common first, then id) order, unless the goal names another.
        if measure.cycle_id not in chosen or goals.get(measure.cycle_id) == measure.pk:
            chosen[measure.cycle_id] = measure
    return chosen


def _growth(
    cycle: InquiryCycle,
    measure: Measure | None,
    prepost: PrePostEffect | None,
    expected: float,
    min_n: int,
) -> Verdict:
    """Without a performance goal: growth beyond what students gain anyway over the cycle."""
    summary: dict[str, Any] = {
        "rule": PREPOST_GAIN,
        "computed_at": timezone.now().isoformat(),
        "expected_growth": expected,
    }
    if measure is None:
        return Verdict(False, PREPOST_GAIN, _("The cycle has no measure."), summary)
    summary["measure"] = measure.name
    if prepost is None or (np.isnan(prepost.d_av) and not prepost.suppressed):
        return Verdict(
            False,
            PREPOST_GAIN,
            _("No focus student has both a baseline and a final score."),
            summary,
        )
    if prepost.suppressed and prepost.reason_code == FLAT_OCCASION:
        # Everyone at the floor or the ceiling at one occasion: no d_av, so no verdict on it.
        reason = privacy.SuppressionReason(privacy.FLAT_OCCASION)
        return Verdict(False, PREPOST_GAIN, reason.message(), summary, suppressed=reason)
    if prepost.suppressed:
        return _too_few(PREPOST_GAIN, max(min_n, 2), "focus_paired", summary)
    low, high = prepost.ci.low, prepost.ci.high
    summary.update(
        n=prepost.n,
        mean_baseline=prepost.mean_pre,
        mean_final=prepost.mean_post,
        mean_gain=prepost.mean_gain,
        d_av=prepost.d_av,
        ci_low=None if np.isnan(low) else low,
        ci_high=None if np.isnan(high) else high,
        method=prepost.method,
        caveats=[_(c) for c in prepost.caveats],
    )
    met = growth_beyond_expected(prepost, expected)
    # number_format, not "%.2f": French reads "1,00", not "1.00".
    reason = _(
        "Growth %(d)s (likely range %(low)s to %(high)s) for %(n)d focus students, against "
        "%(expected)s expected over the cycle's weeks."
    ) % {
        "d": number_format(prepost.d_av, 2),
        "low": number_format(low, 2),
        "high": number_format(high, 2),
        "n": prepost.n,
        "expected": number_format(expected, 2),
    }
    return Verdict(met, PREPOST_GAIN, reason, summary)


def paired_scores(frame: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """Students with both a baseline and a final score on ``measure``: columns baseline, final."""
    rows = frame[
        (frame["measure"] == measure.name) & frame["occasion_kind"].isin(["baseline", "final"])
    ]
    wide = rows.pivot_table(
        index="student", columns="occasion_kind", values="score", aggfunc="first"
    )
    if "baseline" not in wide or "final" not in wide:
        return pd.DataFrame(columns=["baseline", "final"], dtype="float64")
    return wide[["baseline", "final"]].dropna()


def reflection_snapshot(reflection: Reflection) -> dict[str, str]:
    """The reflection's answers keyed by prompt (``Reflection.PROMPTS``), for the moment."""
    return {name: answer for name in Reflection.PROMPTS if (answer := getattr(reflection, name))}
