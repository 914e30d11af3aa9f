"""Achievement gap and its reduction: definitions, scipy's bootstrap, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from efficacy.analysis import AnalysisError, gap_change
from tests.analysis.references import assert_gap_ci_agrees_with_scipy


def _cells(rng: np.random.Generator):
    return (
        rng.normal(75, 10, 80),  # A (academic) at the first occasion
        rng.normal(60, 10, 60),  # B (applied)
        rng.normal(76, 10, 80),
        rng.normal(64, 10, 60),
    )


def test_a_gap_from_twenty_to_about_sixteen_points_is_a_21_percent_reduction():
    """The seeds' example: the gap between applied and academic students fell by 21%."""
    base = np.linspace(-1, 1, 20)
    result = gap_change(70 + base, 50 + base, 70 + base, 54.2 + base, bootstrap=0)
    assert result.gap_from == pytest.approx(20.0)
    assert result.gap_to == pytest.approx(15.8)
    assert result.reduction_pct == pytest.approx(21.0)


def test_gaps_in_sd_units_use_each_occasions_pooled_sd():
    rng = np.random.default_rng(41)
    a0, b0, a1, b1 = _cells(rng)
    result = gap_change(a0, b0, a1, b1, bootstrap=0)

    def pooled(a, b):
        return np.sqrt(
            ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
        )

    assert result.gap_from_sd == pytest.approx((a0.mean() - b0.mean()) / pooled(a0, b0))
    assert result.gap_to_sd == pytest.approx((a1.mean() - b1.mean()) / pooled(a1, b1))
    assert result.change == pytest.approx(result.gap_to - result.gap_from)


def test_the_bootstrap_ci_agrees_with_scipys_percentile_bootstrap():
    """scipy.stats.bootstrap resamples each sample independently, as we do."""
    rng = np.random.default_rng(42)
    cells = _cells(rng)
    ours = gap_change(*cells, bootstrap=6000, seed=7)
    assert_gap_ci_agrees_with_scipy(ours, cells)
    assert ours.ci.low < ours.reduction_pct < ours.ci.high


def test_the_same_seed_gives_the_same_interval_and_reports_b_and_the_seed():
    rng = np.random.default_rng(43)
    cells = _cells(rng)
    first, again = gap_change(*cells, seed=5), gap_change(*cells, seed=5)
    other = gap_change(*cells, seed=6)
    assert first.ci == again.ci
    assert first.ci != other.ci
    assert (first.bootstrap, first.seed) == (2000, 5)


def test_no_first_gap_means_no_percentage_but_still_the_gaps():
    base = np.linspace(0, 1, 12)
    result = gap_change(base, base, base + 1, base, bootstrap=100)
    assert np.isnan(result.reduction_pct)
    assert result.gap_to == pytest.approx(1.0)
    assert any("no gap" in c for c in result.caveats)


def test_small_cells_are_suppressed_and_bad_cells_refused():
    rng = np.random.default_rng(44)
    a0, b0, a1, b1 = _cells(rng)
    assert gap_change(a0, b0[:9], a1, b1).suppressed
    with pytest.raises(AnalysisError, match="Group B has 1 score"):
        gap_change(a0, b0[:1], a1, b1)
    with pytest.raises(AnalysisError, match="zero variance"):
        gap_change([3.0] * 12, [3.0] * 12, a1, b1)
