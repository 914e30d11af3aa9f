"""When a closed cycle counts as a mastery moment.

The rule (documented here, in the cycle page's help text and the README):

1. **With a performance goal** (measure, threshold, target share): the goal is
   met when, among focus students with a *final* score on that measure, the
   share scoring at or above the threshold reaches the target
   (e.g. 70% at level 3 or above). It counts what the team promised to count.
2. **With a mastery goal only**: the goal is met when the focus group's gain
   from the baseline to the final occasion on the cycle's first common measure
   is positive *and* its 95% confidence interval excludes 0 (paired t interval
   of the mean gain, students with both scores:
   :func:`efficacy.analysis.paired_mean_gain`). The interval is what keeps a
   handful of students or a noisy measure from declaring a win; it is a
   pre/post gain, so the snapshot carries that caveat.

No evidence means no mastery moment: the cycle closes, and the page says why.
Nor does a group below the reporting threshold (``EFFICACY_MIN_STUDENT_N``,
:mod:`efficacy.privacy`): no verdict is computed from its figures, and the
impact panel, which hides them, agrees (STATISTICS.md, "Verdicts").
The snapshot stored with the moment is the evidence *as it was* when the cycle
closed, so later edits cannot rewrite the story.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from efficacy import privacy
from efficacy.analysis import paired_mean_gain
from efficacy.cycles.evidence.selectors import cycle_evidence_frame
from efficacy.cycles.models import InquiryCycle, Measure, Occasion, Reflection
from efficacy.cycles.plan.selectors import FOCUS

PERFORMANCE_GOAL = "performance_goal"
PREPOST_GAIN = "prepost_gain"


@dataclass(frozen=True)
class Verdict:
    met: bool
    rule: str
    reason: str
    summary: dict[str, Any] = field(default_factory=dict)
    #: Set when no verdict was computed because the group is below the threshold.
    suppressed: privacy.SuppressionReason | None = None


def goal_met(
    cycle: InquiryCycle, *, frame: pd.DataFrame | None = None, min_n: int | None = None
) -> Verdict:
    min_n = privacy.min_student_n() if min_n is None else min_n
    frame = cycle_evidence_frame(cycle) if frame is None else frame
    focus = frame[frame["group"] == FOCUS]
    if cycle.has_performance_goal:
        return _performance_goal(cycle, focus, min_n)
    return _prepost_gain(cycle, focus, min_n)


def _too_few(rule: str, min_n: int, group: str, summary: dict[str, Any]) -> Verdict:
    """No verdict from a group below the threshold; the summary keeps no count."""
    summary.pop("n", None)
    reason = privacy.small_group(min_n, group)
    return Verdict(False, rule, reason.message(), summary, suppressed=reason)


def _performance_goal(cycle: InquiryCycle, focus: pd.DataFrame, min_n: int) -> Verdict:
    measure = cycle.performance_measure
    final = focus[
        (focus["measure"] == measure.name) & (focus["occasion_kind"] == Occasion.Kind.FINAL)
    ]
    n = len(final)
    summary: dict[str, Any] = {
        "rule": PERFORMANCE_GOAL,
        "measure": measure.name,
        "threshold": cycle.performance_threshold,
        "target_percent": cycle.performance_target_percent,
        "n": n,
        "computed_at": timezone.now().isoformat(),
    }
    if n == 0:
        return Verdict(
            False,
            PERFORMANCE_GOAL,
            _("No final scores for the focus group on the goal's measure."),
            summary,
        )
    if privacy.is_small(n, min_n):
        return _too_few(PERFORMANCE_GOAL, min_n, "focus_final", summary)
    meeting = int((final["score"] >= cycle.performance_threshold).sum())
    percent = 100 * meeting / n
    summary.update(meeting=meeting, percent=round(percent, 1))
    met = percent >= cycle.performance_target_percent
    reason = _(
        "%(percent).0f%% of %(n)d focus students reached %(threshold)g or above (target %(target)d%%)."
    ) % {
        "percent": percent,
        "n": n,
        "threshold": cycle.performance_threshold,
        "target": cycle.performance_target_percent,
    }
    return Verdict(met, PERFORMANCE_GOAL, reason, summary)


def impact_measure(cycle: InquiryCycle) -> Measure | None:
    """The measure a cycle is judged on: the performance goal's, else the first common one, else the first."""
    return impact_measures([cycle]).get(cycle.pk)


def impact_measures(cycles: Iterable[InquiryCycle]) -> dict[int, Measure]:
    """:func:`impact_measure` of many cycles in one query: cycle id → measure.

    The rule: the performance goal's measure when the goal is complete, else the
    first common measure by id, else the first measure by id. A cycle with no
    measure is left out.
    """
    cycles = list(cycles)
    goals = {c.pk: c.performance_measure_id for c in cycles if c.has_performance_goal}
    chosen: dict[int, Measure] = {}
    measures = Measure.objects.filter(cycle_id__in=[c.pk for c in cycles]).order_by(
        "cycle_id", "-common", "pk"
    )
    for measure in measures:
        # The first in (common first, then id) order, unless the goal names another.
        if measure.cycle_id not in chosen or goals.get(measure.cycle_id) == measure.pk:
            chosen[measure.cycle_id] = measure
    return chosen


def _prepost_gain(cycle: InquiryCycle, focus: pd.DataFrame, min_n: int) -> Verdict:
    measure = impact_measure(cycle)  # the first common measure: there is no performance goal
    summary: dict[str, Any] = {"rule": PREPOST_GAIN, "computed_at": timezone.now().isoformat()}
    if measure is None:
        return Verdict(False, PREPOST_GAIN, _("The cycle has no measure."), summary)
    summary["measure"] = measure.name
    pairs = paired_scores(focus, measure)
    n = len(pairs)
    summary["n"] = n
    if n == 0:
        return Verdict(
            False,
            PREPOST_GAIN,
            _("No focus student has both a baseline and a final score."),
            summary,
        )
    if privacy.is_small(n, max(min_n, 2)):
        return _too_few(PREPOST_GAIN, max(min_n, 2), "focus_paired", summary)
    gain = paired_mean_gain(pairs["baseline"], pairs["final"], min_n=2)
    low, high = gain.ci.low, gain.ci.high
    summary.update(
        mean_baseline=gain.mean_pre,
        mean_final=gain.mean_post,
        mean_gain=gain.mean_gain,
        ci_low=None if np.isnan(low) else low,
        ci_high=None if np.isnan(high) else high,
        method=gain.method,
        caveats=[_(c) for c in gain.caveats],
    )
    met = bool(gain.mean_gain > 0 and not np.isnan(low) and low > 0)
    # number_format, not "%.2f": French reads "1,00", not "1.00".
    reason = _("Mean gain %(gain)s (95%% CI %(low)s to %(high)s) for %(n)d focus students.") % {
        "gain": number_format(gain.mean_gain, 2),
        "low": number_format(low, 2),
        "high": number_format(high, 2),
        "n": n,
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
