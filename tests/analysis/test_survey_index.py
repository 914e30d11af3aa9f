"""The survey index, its change and the low-reliability rule, against scipy and pingouin."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from efficacy.analysis import (
    AnalysisError,
    index_change,
    option_counts,
    reliability,
    reliability_is_low,
    respondent_means,
    response_rate_is_low,
    scale_index,
    scale_index_by,
)
from efficacy.analysis.survey import INDEX_COLUMNS


def likert(n: int, k: int, seed: int, low: int = 1, high: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=n)
    x = trait[:, None] + rng.normal(scale=0.8, size=(n, k))
    values = np.clip(np.round(3.5 + 1.2 * x), low, high)
    return pd.DataFrame(values, columns=[f"q{i + 1}" for i in range(k)])


def test_the_index_interval_of_each_group_is_scipys_t_interval():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {"team": np.repeat(["a", "b", "c"], [6, 11, 25]), "score": rng.uniform(1, 6, 42)}
    )
    table = scale_index_by(frame, by="team", min_n=5)
    assert list(table.columns) == INDEX_COLUMNS
    for row in table.itertuples():
        scores = frame.loc[frame.team == row.by, "score"]
        low, high = stats.t.interval(0.95, len(scores) - 1, scores.mean(), stats.sem(scores))
        assert row.n == len(scores)
        assert row.mean == pytest.approx(scores.mean())
        assert row.ci_low == pytest.approx(low)
        assert row.ci_high == pytest.approx(high)


def test_the_same_interval_from_statsmodels():
    from statsmodels.stats.weightstats import DescrStatsW

    scores = np.array([2.5, 3.0, 4.5, 5.0, 3.5, 4.0, 4.75])
    result = scale_index(scores, min_n=5)
    low, high = DescrStatsW(scores).tconfint_mean()
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high))


def test_a_group_below_the_threshold_is_suppressed_with_no_figure_but_its_n():
    frame = pd.DataFrame({"team": ["a"] * 4 + ["b"] * 5, "score": [3.0] * 4 + [4.0] * 5})
    table = scale_index_by(frame, by="team", min_n=5).set_index("by")
    assert table.loc["a", "suppressed"]
    assert np.isnan(table.loc["a", "mean"])
    assert table.loc["a", "n"] == 4
    assert not table.loc["b", "suppressed"]
    assert scale_index([3.0, 4.0, 5.0, 3.5], min_n=5).suppressed


def test_a_respondents_score_is_the_mean_of_the_items_they_answered_after_reversing():
    items = pd.DataFrame({"a": [6, 1, np.nan], "b": [1, 6, 2], "c": [5, 2, np.nan]})
    means = respondent_means(items, reverse=["b"], scale_min=1, scale_max=6)
    assert means.tolist() == pytest.approx([(6 + 6 + 5) / 3, (1 + 1 + 2) / 3, 5.0])


def test_an_answer_outside_the_scale_is_refused_with_the_item_named():
    items = pd.DataFrame({"a": [1, 7], "b": [2, 2]})
    with pytest.raises(AnalysisError, match="'a' has the answer 7, outside the scale 1 to 6"):
        respondent_means(items, scale_min=1, scale_max=6)


def test_a_change_between_windows_is_welchs_interval_as_scipy_computes_it():
    rng = np.random.default_rng(5)
    before, after = rng.normal(3.2, 0.6, 14), rng.normal(3.9, 1.1, 23)
    change = index_change(before, after, min_n=5)
    reference = stats.ttest_ind(after, before, equal_var=False).confidence_interval(0.95)
    assert change.difference == pytest.approx(after.mean() - before.mean())
    assert (change.ci.low, change.ci.high) == pytest.approx((reference.low, reference.high))
    assert change.changed == (reference.low > 0 or reference.high < 0)


def test_a_difference_whose_interval_includes_zero_is_not_called_a_change():
    change = index_change([3, 4, 5, 3, 4, 5], [3.5, 4, 4.5, 4, 3, 5], min_n=5)
    assert change.ci.low < 0 < change.ci.high
    assert not change.changed


def test_a_change_with_a_small_window_is_suppressed():
    assert index_change([3, 4, 5, 3], [3, 4, 5, 3, 4], min_n=5).suppressed


@pytest.mark.parametrize(
    ("alpha", "low", "expected"),
    [(0.85, 0.75, False), (0.65, 0.55, True), (0.72, 0.55, True), (0.72, 0.61, False)],
)
def test_reliability_is_low_below_070_or_when_its_interval_reaches_below_060(alpha, low, expected):
    from efficacy.analysis import ConfidenceInterval, ReliabilityResult

    result = ReliabilityResult(
        method="", n=30, alpha=alpha, alpha_ci=ConfidenceInterval(low, 0.9), omega=alpha, k=6,
        n_dropped=0, items=(), reversed_items=(), item_total_correlation={},
        alpha_if_deleted={}, loadings={},
    )  # fmt: skip
    assert reliability_is_low(result) is expected


def test_consistent_items_are_not_low_and_random_ones_are():
    assert not reliability_is_low(reliability(likert(60, 6, seed=1), min_n=5))
    noise = pd.DataFrame(np.random.default_rng(2).integers(1, 7, size=(40, 6)).astype(float))
    assert reliability_is_low(reliability(noise, min_n=5))


def test_the_reliability_of_a_reversed_scale_matches_pingouin_on_the_recoded_items():
    items = likert(50, 5, seed=4)
    as_asked = items.copy()
    as_asked["q2"] = 7 - as_asked["q2"]
    result = reliability(as_asked, reverse=["q2"], scale_min=1, scale_max=6, min_n=5)
    alpha, ci = pg.cronbach_alpha(data=items)
    assert result.alpha == pytest.approx(alpha)
    assert result.alpha_ci.low == pytest.approx(ci[0], abs=5e-4)


def test_a_response_rate_under_half_is_low():
    assert response_rate_is_low(9, 20)
    assert not response_rate_is_low(10, 20)
    assert not response_rate_is_low(0, 0)


def test_option_counts_count_every_option_and_skip_missing_answers():
    items = pd.DataFrame({"a": [1, 1, 6, np.nan], "b": [2, 3, 3, 3]})
    counts = option_counts(items, range(1, 7))
    assert counts.loc["a"].tolist() == [2, 0, 0, 0, 0, 1]
    assert counts.loc["b"].tolist() == [0, 1, 3, 0, 0, 0]
    assert option_counts(items.iloc[0:0], range(1, 7)).to_numpy().sum() == 0
