"""The strength-of-evidence grade (STATISTICS.md, "Verdicts"), on constructed results.

The grade reads only the signs and intervals of figures checked elsewhere against
their references, so each case builds the results it needs and checks the rule.
"""

from __future__ import annotations

import pytest

from efficacy.analysis import ConfidenceInterval, ImpactEstimate, PrePostEffect
from efficacy.analysis.verdict import (
    COMPARISON_ADJUSTED,
    COMPARISON_EQUIVALENT,
    CONTRADICTED,
    GROWTH_BEYOND_EXPECTED,
    GROWTH_WITHIN_EXPECTED,
    NOT_ENOUGH,
    estimate_to_read,
    evidence_strength,
    growth_beyond_expected,
    methods_disagree,
)

EXPECTED = 0.13  # 13 weeks of 40 at 0.40 a year


def growth(d: float, low: float, high: float) -> PrePostEffect:
    return PrePostEffect(method="d_av", n=40, d_av=d, ci=ConfidenceInterval(low, high))


def compared(g: float, low: float, high: float, *, baseline_g: float, did_g: float | None = None):
    equivalence = (
        "satisfied"
        if abs(baseline_g) <= 0.05
        else "requires_adjustment"
        if abs(baseline_g) <= 0.25
        else "not_satisfied"
    )
    return ImpactEstimate(
        method="ancova",
        n=80,
        ancova_g=g,
        ci=ConfidenceInterval(low, high),
        did_g=g if did_g is None else did_g,
        did_ci=ConfidenceInterval(low, high)
        if did_g is None
        else ConfidenceInterval(did_g - 0.2, did_g + 0.2),
        baseline_g=baseline_g,
        baseline_equivalence=equivalence,
    )


@pytest.mark.parametrize(
    ("prepost", "impact", "grade"),
    [
        (growth(0.8, 0.5, 1.1), compared(0.3, 0.1, 0.5, baseline_g=0.02), COMPARISON_EQUIVALENT),
        (growth(0.8, 0.5, 1.1), compared(0.3, 0.1, 0.5, baseline_g=0.15), COMPARISON_ADJUSTED),
        (growth(0.8, 0.5, 1.1), compared(0.3, 0.1, 0.5, baseline_g=0.40), COMPARISON_ADJUSTED),
        # The showcase the audit found: a clear gain beside an adjusted effect below zero.
        (growth(0.8, 0.5, 1.1), compared(-0.38, -0.70, -0.06, baseline_g=0.1), CONTRADICTED),
        # A comparison that neither confirms nor contradicts: the growth decides.
        (growth(0.8, 0.5, 1.1), compared(0.1, -0.1, 0.3, baseline_g=0.02), GROWTH_BEYOND_EXPECTED),
        (growth(0.8, 0.5, 1.1), None, GROWTH_BEYOND_EXPECTED),
        (growth(0.3, 0.05, 0.55), None, GROWTH_WITHIN_EXPECTED),
        (None, None, NOT_ENOUGH),
    ],
)
def test_each_design_gets_its_grade(prepost, impact, grade):
    strength = evidence_strength(prepost, impact, EXPECTED)
    assert strength.grade == grade
    assert strength.blocks_moment is (grade == CONTRADICTED)


def test_a_comparison_below_zero_does_not_contradict_a_group_that_did_not_grow():
    shrank = growth(-0.2, -0.5, 0.1)
    strength = evidence_strength(shrank, compared(-0.4, -0.7, -0.1, baseline_g=0.0), EXPECTED)
    assert strength.grade == GROWTH_WITHIN_EXPECTED


def test_growth_must_clear_the_expected_not_zero():
    assert growth_beyond_expected(growth(0.5, 0.2, 0.8), EXPECTED)
    assert not growth_beyond_expected(growth(0.5, 0.1, 0.9), EXPECTED)  # above 0, not 0.13
    suppressed = PrePostEffect(method="d_av", n=4, suppressed=True)
    assert not growth_beyond_expected(suppressed, EXPECTED)


@pytest.mark.parametrize(
    ("baseline_g", "ancova", "did", "disagree"),
    [(0.02, 0.3, 0.25, False), (0.40, 0.3, 0.25, True), (0.10, 0.2, -0.1, True)],
)
def test_lords_paradox_is_flagged_when_groups_start_apart_or_methods_differ_in_sign(
    baseline_g, ancova, did, disagree
):
    impact = compared(ancova, ancova - 0.2, ancova + 0.2, baseline_g=baseline_g, did_g=did)
    assert methods_disagree(impact) is disagree


@pytest.mark.parametrize(
    ("chosen_low", "grade"), [(False, COMPARISON_ADJUSTED), (True, CONTRADICTED)]
)
def test_when_the_methods_disagree_the_grade_reads_the_estimate_to_read(chosen_low, grade):
    """Groups 0.6 SD apart: ANCOVA says the focus group fell behind, the gains say it
    caught up. Unless it was chosen for low scores, the gains (DiD) are read (Wright 2006)."""
    impact = ImpactEstimate(
        method="ancova", n=80, ancova_g=-0.38, ci=ConfidenceInterval(-0.70, -0.06),
        did_g=0.30, did_ci=ConfidenceInterval(0.05, 0.55), baseline_g=-0.6,
        baseline_equivalence="not_satisfied",
    )  # fmt: skip
    assert estimate_to_read(impact, chosen_for_low_scores=chosen_low) == (
        "ancova" if chosen_low else "did"
    )
    strength = evidence_strength(
        growth(0.8, 0.5, 1.1), impact, EXPECTED, chosen_for_low_scores=chosen_low
    )
    assert strength.grade == grade
