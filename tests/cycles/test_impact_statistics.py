"""The statistics the impact panel added to ``efficacy.analysis``, each against an
independent computation: statsmodels' Wilson interval, Morris's (2008) exact variance of
the pre/post-control effect size, a brute-force REML profile and scipy's bootstrap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from efficacy.analysis.gap import _bootstrap_means, gap_change
from efficacy.analysis.impact import impact_estimate, impact_estimate_by
from efficacy.analysis.multilevel import (
    _cluster_sums,
    _profile_loglik,
    _profile_loglik_grid,
    null_model,
    shrunken_means,
)
from efficacy.analysis.proportion import proportion_estimate, wilson_interval
from efficacy.analysis.results import AnalysisError
from tests.analysis.references import assert_gap_ci_agrees_with_scipy


@pytest.mark.parametrize(("successes", "n"), [(5, 8), (0, 12), (12, 12), (596, 950), (1, 3)])
def test_the_wilson_interval_equals_statsmodels(successes, n):
    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    ci = wilson_interval(successes, n)
    assert ci.low == pytest.approx(low, abs=1e-12)
    assert ci.high == pytest.approx(high, abs=1e-12)


def test_a_share_below_the_threshold_is_suppressed_with_its_reason():
    small = proportion_estimate(3, 7, min_n=10)
    assert small.suppressed
    assert "7 student(s)" in small.reason
    shown = proportion_estimate(13, 20, min_n=10)
    assert (shown.successes, shown.n, shown.percent) == (13, 20, 65.0)
    assert shown.percent_ci.low == pytest.approx(
        100 * proportion_confint(13, 20, method="wilson")[0]
    )


def test_an_impossible_share_is_refused():
    with pytest.raises(AnalysisError):
        wilson_interval(5, 4)
    with pytest.raises(AnalysisError):
        proportion_estimate(0, 0)


def _two_groups(rng, n_i, n_c, rho, shift):
    cov = [[1, rho], [rho, 1]]
    focus = rng.multivariate_normal([0, shift], cov, size=n_i)
    comparison = rng.multivariate_normal([0.2, 0.2], cov, size=n_c)
    return focus, comparison


def test_the_did_g_standard_error_matches_morris_2008_for_large_groups():
    """Morris (2008), eq. 25: the exact variance of d_ppc2 (here with the posttest SD,
    equal to the pretest SD in the population) against our large-sample form."""
    rng = np.random.default_rng(11)
    focus, comparison = _two_groups(rng, 400, 300, rho=0.6, shift=0.6)
    result = impact_estimate(focus[:, 0], focus[:, 1], comparison[:, 0], comparison[:, 1])
    n_t, n_c = 400, 300
    big_n = n_t + n_c
    rho = np.corrcoef(
        np.concatenate(
            [focus[:, 0] - focus[:, 0].mean(), comparison[:, 0] - comparison[:, 0].mean()]
        ),
        np.concatenate(
            [focus[:, 1] - focus[:, 1].mean(), comparison[:, 1] - comparison[:, 1].mean()]
        ),
    )[0, 1]
    delta = result.did_g
    c_p = 1 - 3 / (4 * (big_n - 2) - 1)
    exact = (
        2 * c_p**2 * (1 - rho) * big_n / (n_t * n_c) * (big_n - 2) / (big_n - 4)
        * (1 + delta**2 / (2 * (1 - rho) * big_n / (n_t * n_c)))
        - delta**2
    )  # fmt: skip
    assert result.did_se == pytest.approx(np.sqrt(exact), rel=0.02)
    assert result.did_ci.low == pytest.approx(delta - 1.959964 * result.did_se, rel=1e-6)
    assert result.did_ci.high == pytest.approx(delta + 1.959964 * result.did_se, rel=1e-6)


def test_the_did_g_interval_covers_the_true_effect_about_95_percent_of_the_time():
    rng = np.random.default_rng(5)
    true_did = 0.5  # the focus group gains 0.5 SD, the comparison group nothing
    hits = 0
    sims = 400
    for _ in range(sims):
        focus, comparison = _two_groups(rng, 60, 60, rho=0.7, shift=0.5)
        r = impact_estimate(focus[:, 0], focus[:, 1], comparison[:, 0], comparison[:, 1])
        hits += r.did_ci.low <= true_did <= r.did_ci.high
    assert 0.92 <= hits / sims <= 0.98


def test_the_vectorised_impact_carries_the_same_did_interval():
    rng = np.random.default_rng(3)
    focus, comparison = _two_groups(rng, 30, 25, rho=0.5, shift=0.4)
    scalar = impact_estimate(focus[:, 0], focus[:, 1], comparison[:, 0], comparison[:, 1])
    rows = []
    for group, data in (("f", focus), ("c", comparison)):
        for i, (pre, post) in enumerate(data):
            rows += [(f"{group}{i}", group, "pre", pre), (f"{group}{i}", group, "post", post)]
    table = pd.DataFrame(rows, columns=["id", "group", "when", "score"]).assign(school="x")
    by = impact_estimate_by(
        table, by="school", id="id", score="score", occasion="when", pre="pre", post="post",
        group="group", focus="f", comparison="c",
    )  # fmt: skip
    assert by.loc[0, "did_se"] == pytest.approx(scalar.did_se)
    assert by.loc[0, "did_ci_low"] == pytest.approx(scalar.did_ci.low)


def test_the_reml_grid_is_the_same_profile_likelihood_evaluated_point_by_point():
    rng = np.random.default_rng(8)
    clusters = np.repeat(np.arange(7), rng.integers(3, 30, size=7))
    y = rng.normal(size=clusters.size) + rng.normal(size=7)[clusters]
    sums = _cluster_sums(y, clusters)
    grid = np.concatenate([[0.0], np.geomspace(1e-6, 1e6, 40)])
    one_by_one = [_profile_loglik(r, sums, clusters.size)[0] for r in grid]
    assert _profile_loglik_grid(grid, sums, clusters.size) == pytest.approx(one_by_one, rel=1e-12)


def test_shrunken_intervals_follow_the_posterior_variance_by_hand():
    rng = np.random.default_rng(9)
    clusters = np.repeat(np.arange(6), [4, 12, 20, 9, 15, 30])
    y = rng.normal(size=clusters.size) * 2 + rng.normal(size=6)[clusters] * 1.5
    fit = null_model(y, clusters, min_n=2)
    table = shrunken_means(y, clusters, fit=fit, min_n=5).set_index("cluster")
    for j in range(6):
        n_j = int((clusters == j).sum())
        lam = fit.tau00 / (fit.tau00 + fit.sigma2 / n_j)
        se = np.sqrt(fit.tau00 * (1 - lam) + (1 - lam) ** 2 * fit.grand_mean_se**2)
        shrunk = fit.grand_mean + lam * (y[clusters == j].mean() - fit.grand_mean)
        row = table.loc[j]
        if n_j < 5:
            assert np.isnan(row["se"])
            assert np.isnan(row["ci_low"])
            continue
        assert row["se"] == pytest.approx(se)
        assert row["ci_low"] == pytest.approx(shrunk - 1.959964 * se, rel=1e-6)
        assert row["ci_high"] == pytest.approx(shrunk + 1.959964 * se, rel=1e-6)


def test_bootstrapping_few_distinct_scores_by_counts_gives_the_same_distribution():
    """Rubric levels 1-4: resampled means drawn through multinomial counts have the mean
    and SD that theory gives for a mean of n draws with replacement."""
    rng = np.random.default_rng(1)
    x = rng.integers(1, 5, size=400).astype(float)
    means = _bootstrap_means(x, 20_000, np.random.default_rng(2))
    assert means.mean() == pytest.approx(x.mean(), abs=0.003)
    assert means.std() == pytest.approx(x.std() / np.sqrt(x.size), rel=0.03)


def test_the_gap_interval_on_rubric_levels_agrees_with_scipys_bootstrap():
    rng = np.random.default_rng(4)
    cells = [
        rng.integers(2, 5, size=120).astype(float),
        rng.integers(1, 4, size=150).astype(float),
        rng.integers(2, 5, size=115).astype(float),
        rng.integers(1, 5, size=140).astype(float),
    ]
    ours = gap_change(*cells, bootstrap=6000, seed=3)
    assert_gap_ci_agrees_with_scipy(ours, cells)
    assert gap_change(*cells, seed=3).ci == gap_change(*cells, seed=3).ci


@pytest.mark.parametrize("distinct", [4, 1000])
def test_the_gap_interval_does_not_depend_on_the_order_of_the_rows(distinct):
    """The panel reads students in database order, an export in class order."""
    rng = np.random.default_rng(6)
    cells = [rng.integers(0, distinct, size=40).astype(float) + k for k in (3, 0, 3, 1)]
    shuffled = [rng.permutation(c) for c in cells]
    assert gap_change(*cells, seed=2).ci == gap_change(*shuffled, seed=2).ci
