"""How strong the evidence is that a team's work made the difference, in words.

``shared/STATISTICS.md``, "Verdicts (mastery moments)": a verdict has two parts,
shown separately. *Was the goal met* is the cycle's own question (its performance
goal as set at the start; without one, :func:`growth_beyond_expected`). *How
strong is the evidence* is graded here, from the strongest design the evidence
allows down (the ordering follows the What Works Clearinghouse's, Procedures
Handbook v5.0: a comparison group with equivalent baselines, then one that needs
statistical adjustment, then no comparison at all):

``comparison_equivalent``
    a comparison group whose baseline is equivalent (|baseline g| ≤ 0.05) and an
    ANCOVA-adjusted effect whose 95% interval lies above 0;
``comparison_adjusted``
    the same adjusted effect above 0, with a comparison whose baseline differed
    (|baseline g| > 0.05) so that only the adjustment makes them comparable;
``growth_beyond_expected``
    no comparison (or one that neither confirms nor contradicts): the focus
    group's pre/post effect (d_av) has an interval above the growth expected over
    the cycle's weeks (the 0.40 hinge prorated, :func:`~efficacy.analysis.expected_growth`);
``growth_within_expected``
    growth no larger than what students gain anyway over that time;
``contradicted``
    the comparison says otherwise: the adjusted effect's interval lies below 0
    while the group grew. This blocks a mastery moment and is said plainly;
``not_enough``
    no figure could be computed (too few students, no scores).

:func:`methods_disagree` flags Lord's paradox (Lord 1967; Wright 2006): when the
groups start far apart (|baseline g| > 0.25), or the ANCOVA and the
difference-in-differences estimates differ in sign, the two methods answer
different questions and neither may be headlined alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from efficacy.analysis.impact import SATISFIED, ImpactEstimate
from efficacy.analysis.prepost import PrePostEffect

COMPARISON_EQUIVALENT = "comparison_equivalent"
COMPARISON_ADJUSTED = "comparison_adjusted"
GROWTH_BEYOND_EXPECTED = "growth_beyond_expected"
GROWTH_WITHIN_EXPECTED = "growth_within_expected"
CONTRADICTED = "contradicted"
NOT_ENOUGH = "not_enough"

#: Strongest first.
GRADES = (
    COMPARISON_EQUIVALENT,
    COMPARISON_ADJUSTED,
    GROWTH_BEYOND_EXPECTED,
    GROWTH_WITHIN_EXPECTED,
    CONTRADICTED,
    NOT_ENOUGH,
)

#: Beyond this |baseline g| the groups started far apart (WWC: not equivalent).
FAR_APART = 0.25


@dataclass(frozen=True)
class EvidenceStrength:
    """The grade (one of :data:`GRADES`) and the figures it was read from."""

    grade: str
    expected: float
    d_av_low: float | None = None
    adjusted_g: float | None = None
    adjusted_low: float | None = None
    adjusted_high: float | None = None
    baseline_g: float | None = None

    @property
    def blocks_moment(self) -> bool:
        return self.grade == CONTRADICTED


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def growth_beyond_expected(prepost: PrePostEffect | None, expected: float) -> bool:
    """The focus group's d_av interval lies wholly above ``expected`` growth.

    >>> from efficacy.analysis import prepost_effect
    >>> effect = prepost_effect([1, 2, 3, 4, 5, 6], [3, 4, 5, 6, 7, 8.5], min_n=2)
    >>> growth_beyond_expected(effect, 0.1), growth_beyond_expected(effect, 5.0)
    (True, False)
    """
    return (
        prepost is not None
        and not prepost.suppressed
        and _finite(prepost.ci.low)
        and prepost.ci.low > expected
    )


#: Which comparison estimate to read (:func:`estimate_to_read`).
ANCOVA, DID = "ancova", "did"


def estimate_to_read(impact: ImpactEstimate | None, *, chosen_for_low_scores: bool = False) -> str:
    """The comparison estimate a verdict and a reader rely on.

    ANCOVA when the two agree. When they disagree (:func:`methods_disagree`: Lord's
    paradox), ANCOVA still when the focus group was chosen for its low scores (then
    regression to the mean makes the raw gains of the two groups incomparable, and
    adjusting for the pretest is right), otherwise the difference in differences
    (Wright 2006, "Comparing groups in a before-after design: when t test and ANCOVA
    produce different results"; Lord 1967): groups that differed before any
    selection on the pretest are compared by their gains.
    """
    if methods_disagree(impact) and not chosen_for_low_scores:
        return DID
    return ANCOVA


def evidence_strength(
    prepost: PrePostEffect | None,
    impact: ImpactEstimate | None,
    expected: float,
    *,
    chosen_for_low_scores: bool = False,
) -> EvidenceStrength:
    """Grade the evidence (module docstring); ``expected`` is the cycle's expected growth.

    The comparison is read through :func:`estimate_to_read`, the estimate the panel
    tells a reader to trust, so the grade and the panel never point different ways.
    """
    figures: dict[str, float | None] = {}
    if prepost is not None and _finite(prepost.ci.low):
        figures["d_av_low"] = prepost.ci.low
    adjusted = impact is not None and not impact.suppressed and _finite(impact.ancova_g)
    if adjusted:
        assert impact is not None
        read_did = estimate_to_read(impact, chosen_for_low_scores=chosen_for_low_scores) == DID
        g, ci = (impact.did_g, impact.did_ci) if read_did else (impact.ancova_g, impact.ci)
        figures.update(
            adjusted_g=g, adjusted_low=ci.low, adjusted_high=ci.high, baseline_g=impact.baseline_g
        )
        grew = prepost is not None and _finite(prepost.d_av) and prepost.d_av > 0
        if _finite(ci.high) and ci.high < 0 and grew:
            return EvidenceStrength(CONTRADICTED, expected, **figures)
        if _finite(ci.low) and ci.low > 0:
            grade = (
                COMPARISON_EQUIVALENT
                if impact.baseline_equivalence == SATISFIED and not read_did
                else COMPARISON_ADJUSTED
            )
            return EvidenceStrength(grade, expected, **figures)
    if "d_av_low" not in figures:
        return EvidenceStrength(NOT_ENOUGH, expected, **figures)
    grade = (
        GROWTH_BEYOND_EXPECTED
        if growth_beyond_expected(prepost, expected)
        else GROWTH_WITHIN_EXPECTED
    )
    return EvidenceStrength(grade, expected, **figures)


def methods_disagree(impact: ImpactEstimate | None) -> bool:
    """Lord's paradox: the groups started far apart, or ANCOVA and DiD differ in sign.

    >>> from efficacy.analysis import impact_estimate
    >>> same = impact_estimate([1, 2, 3, 4], [2, 3, 4, 5.5], [1, 2, 3, 4.2], [1.5, 2, 3, 4], min_n=2)
    >>> methods_disagree(same)
    False
    """
    if impact is None or impact.suppressed:
        return False
    far = _finite(impact.baseline_g) and abs(impact.baseline_g) > FAR_APART
    opposite = (
        _finite(impact.ancova_g) and _finite(impact.did_g) and impact.ancova_g * impact.did_g < 0
    )
    return bool(far or opposite)
