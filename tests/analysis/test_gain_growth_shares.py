"""The mean gain's interval, expected growth, the Wilson share and per-occasion means,
each checked against an independent implementation (statsmodels, scipy, pandas)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from efficacy.analysis import (
    AnalysisError,
    expected_growth,
    occasion_means_chart,
    paired_mean_gain,
    prepost_effect,
    prepost_effect_by,
    run_chart,
    wilson_interval,
    years_of_growth,
)


def test_the_mean_gains_interval_is_statsmodels_t_interval_of_the_gains():
    rng = np.random.default_rng(31)
    pre = rng.normal(50, 10, 23)
    post = pre + rng.normal(2, 6, 23)
    ours = paired_mean_gain(pre, post)
    low, high = DescrStatsW(post - pre).tconfint_mean(alpha=0.05)
    assert ours.ci.low == pytest.approx(low, rel=1e-12)
    assert ours.ci.high == pytest.approx(high, rel=1e-12)
    assert ours.mean_gain == pytest.approx((post - pre).mean(), rel=1e-12)
    assert ours.n == 23
    assert ours.df == 22


def test_the_mean_gains_interval_agrees_with_scipys_paired_t_test_at_90_percent():
    rng = np.random.default_rng(32)
    pre = rng.normal(3, 1, 12)
    post = pre + rng.normal(0.4, 0.8, 12)
    ours = paired_mean_gain(pre, post, level=0.90)
    ref = stats.ttest_rel(post, pre).confidence_interval(0.90)
    assert (ours.ci.low, ours.ci.high) == pytest.approx((ref.low, ref.high), rel=1e-12)


def test_the_mean_gain_counts_only_students_with_both_scores():
    ours = paired_mean_gain([1, 2, np.nan, 4, 5], [2, 4, 3, np.nan, 7], min_n=2)
    ref = DescrStatsW(np.array([1.0, 2, 2])).tconfint_mean()
    assert ours.n == 3
    assert ours.n_unpaired == 2
    assert (ours.ci.low, ours.ci.high) == pytest.approx(ref, rel=1e-12)


def test_the_mean_gain_is_suppressed_below_the_minimum_and_refused_below_two_pairs():
    small = paired_mean_gain(np.arange(8.0), np.arange(8.0) + 1)
    assert small.suppressed
    assert small.n == 8
    assert np.isnan(small.mean_gain)
    with pytest.raises(AnalysisError):
        paired_mean_gain([1.0], [2.0], min_n=2)


def test_expected_growth_is_the_hinge_prorated_by_weeks_per_year():
    """STATISTICS.md: expected growth = 0.40 × weeks / weeks-per-year."""
    assert expected_growth(10, weeks_per_year=40) == pytest.approx(0.40 * 10 / 40)
    assert expected_growth(12, weeks_per_year=36) == pytest.approx(0.40 * 12 / 36)
    assert expected_growth(None, weeks_per_year=36) == pytest.approx(0.40)
    assert expected_growth([10, 20]) == pytest.approx([0.1, 0.2])
    assert years_of_growth(0.3, 12, weeks_per_year=36) == pytest.approx(0.3 / (0.40 * 12 / 36))


def test_the_expected_growth_follows_the_weeks_in_a_school_year():
    rng = np.random.default_rng(33)
    pre = rng.normal(0, 1, 30)
    post = pre + rng.normal(0.3, 0.5, 30)
    forty = prepost_effect(pre, post, weeks=10)
    thirty_six = prepost_effect(pre, post, weeks=10, weeks_per_year=36)
    assert forty.expected_growth == pytest.approx(0.40 * 10 / 40)
    assert thirty_six.expected_growth == pytest.approx(0.40 * 10 / 36)
    assert thirty_six.d_av == forty.d_av
    whole_year = prepost_effect(pre, post, weeks_per_year=36)
    assert whole_year.weeks == 36
    assert whole_year.expected_growth == pytest.approx(0.40)
    table = pd.DataFrame(
        {
            "g": 0,
            "id": np.tile(np.arange(30), 2),
            "when": np.repeat(["pre", "post"], 30),
            "score": np.concatenate([pre, post]),
        }
    )
    by = prepost_effect_by(
        table,
        by="g",
        id="id",
        score="score",
        occasion="when",
        pre="pre",
        post="post",
        weeks=10,
        weeks_per_year=36,
    )
    assert by["expected_growth"][0] == pytest.approx(thirty_six.expected_growth)
    assert "years_growth" not in by


@pytest.mark.parametrize(("successes", "n"), [(0, 7), (5, 8), (13, 20), (40, 40), (1, 1)])
def test_the_wilson_interval_is_statsmodels(successes, n):
    ours = wilson_interval(successes, n)
    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    assert (ours.low, ours.high) == pytest.approx((low, high), abs=1e-12)


def test_occasion_means_are_pandas_group_means_and_the_rules_run_over_the_shown_ones():
    rng = np.random.default_rng(34)
    sizes = [12, 3, 15, 11, 0, 14, 12, 13]
    occasion = np.repeat(np.arange(8), sizes)
    score = rng.normal(50, 5, occasion.size) + occasion * 10.0
    chart = occasion_means_chart(occasion, score, occasions=8, min_n=10)
    ref = pd.Series(score).groupby(occasion).agg(["mean", "size"])
    for point in chart.points:
        assert point.n == sizes[point.position]
        if point.n >= 10:
            assert point.mean == pytest.approx(ref.loc[point.position, "mean"], rel=1e-12)
        else:
            assert np.isnan(point.mean)
            assert point.suppressed == (point.n > 0)
    shown = [p.position for p in chart.points if p.n >= 10]
    assert chart.shown == len(shown)
    ref_chart = run_chart(ref.loc[shown, "mean"].to_numpy())
    assert chart.chart.median == pytest.approx(ref_chart.median)
    expected = {
        (signal["rule"], shown[i]) for signal in ref_chart.signals for i in signal["indices"]
    }
    assert {(rule, p.position) for p in chart.points for rule in p.signals} == expected
    assert expected  # a steady rise: the trend rule signals


def test_occasion_means_have_no_chart_with_fewer_than_two_occasions_shown():
    chart = occasion_means_chart([0, 0, 1], [1.0, 2.0, 3.0], occasions=3, min_n=2)
    assert chart.chart is None
    assert chart.shown == 1
    assert [p.n for p in chart.points] == [2, 1, 0]
