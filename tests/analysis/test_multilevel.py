"""Multilevel null model checked against statsmodels MixedLM and the ANOVA estimator."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.regression.mixed_linear_model import MixedLMParams

from efficacy.analysis.multilevel import null_model, shrunken_means
from efficacy.analysis.results import AnalysisError


def simulate(seed: int, clusters: int, sizes: tuple[int, int], tau: float, sigma: float):
    rng = np.random.default_rng(seed)
    n = rng.integers(sizes[0], sizes[1] + 1, clusters)
    cl = np.repeat(np.arange(clusters), n)
    y = 50 + rng.normal(0, tau, clusters)[cl] + rng.normal(0, sigma, cl.size)
    return y, cl


def statsmodels_fit(y, cl):
    df = pd.DataFrame({"y": y, "c": cl})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = smf.mixedlm("y ~ 1", df, groups=df["c"]).fit(reml=True)
    return fit


@pytest.mark.parametrize(
    ("seed", "clusters", "sizes", "tau", "sigma"),
    [(1, 30, (2, 25), 2.0, 5.0), (2, 12, (5, 5), 1.0, 3.0), (3, 60, (1, 8), 0.3, 1.0)],
)
def test_it_reaches_a_restricted_likelihood_at_least_as_good_as_statsmodels(
    seed, clusters, sizes, tau, sigma
):
    y, cl = simulate(seed, clusters, sizes, tau, sigma)
    ours = null_model(y, cl)
    sm = statsmodels_fit(y, cl)
    # statsmodels' own REML objective, evaluated at our estimates (its scale is profiled out)
    params = MixedLMParams.from_components(
        fe_params=np.array([ours.grand_mean]), cov_re=np.array([[ours.tau00 / ours.sigma2]])
    )
    ours_in_sm = sm.model.loglike(params, profile_fe=False)
    assert ours_in_sm == pytest.approx(ours.loglik, abs=1e-6)
    assert ours_in_sm >= sm.llf - 1e-7
    # where statsmodels found the same optimum, the estimates agree
    if sm.llf >= ours.loglik - 1e-7:
        assert ours.grand_mean == pytest.approx(sm.fe_params.iloc[0], abs=1e-3)
        assert ours.tau00 == pytest.approx(sm.cov_re.iloc[0, 0], rel=1e-3, abs=1e-5)
        assert ours.sigma2 == pytest.approx(sm.scale, rel=1e-3)


def anova_estimates(y, cl, m):
    """Method of moments for balanced data (Searle, Casella & McCulloch 1992, ch. 3)."""
    groups = pd.Series(y).groupby(cl)
    means = groups.mean().to_numpy()
    j = means.size
    msb = m * np.sum((means - y.mean()) ** 2) / (j - 1)
    msw = np.sum((y - groups.transform("mean").to_numpy()) ** 2) / (y.size - j)
    return (msb - msw) / m, msw


def test_on_balanced_data_reml_equals_the_anova_estimator_when_it_is_positive():
    y, cl = simulate(7, 25, (8, 8), tau=1.5, sigma=2.0)
    tau_mm, sigma_mm = anova_estimates(y, cl, 8)
    assert tau_mm > 0
    res = null_model(y, cl)
    assert res.tau00 == pytest.approx(tau_mm, rel=1e-6)
    assert res.sigma2 == pytest.approx(sigma_mm, rel=1e-6)
    assert res.grand_mean == pytest.approx(y.mean())
    assert res.icc == pytest.approx(tau_mm / (tau_mm + sigma_mm), rel=1e-6)
    assert res.design_effect == pytest.approx(1 + 7 * res.icc)


def test_when_the_anova_estimate_is_negative_tau00_is_exactly_zero_with_a_caveat():
    # Cluster means are identical by construction: MSB = 0 < MSW.
    base = np.array([1.0, 2.0, 3.0, 4.0])
    y = np.tile(base, 6)
    cl = np.repeat(np.arange(6), 4)
    assert anova_estimates(y, cl, 4)[0] < 0
    res = null_model(y, cl)
    assert res.tau00 == 0.0
    assert res.icc == 0.0
    assert res.design_effect == 1.0
    assert any("τ00 = 0" in c for c in res.caveats)


def test_shrunken_means_match_a_per_cluster_loop():
    y, cl = simulate(5, 40, (2, 30), tau=2.0, sigma=6.0)
    fit = null_model(y, cl)
    table = shrunken_means(y, cl, fit=fit, min_n=1).set_index("cluster")
    for c in np.unique(cl):
        scores = y[cl == c]
        lam = fit.tau00 / (fit.tau00 + fit.sigma2 / scores.size)
        row = table.loc[c]
        assert row["n"] == scores.size
        assert row["raw_mean"] == pytest.approx(scores.mean())
        assert row["reliability"] == pytest.approx(lam)
        assert row["shrunken_mean"] == pytest.approx(
            fit.grand_mean + lam * (scores.mean() - fit.grand_mean)
        )


def test_a_small_class_is_pulled_further_toward_the_grand_mean_than_a_large_one():
    y, cl = simulate(9, 30, (12, 12), tau=2.0, sigma=6.0)
    # add a tiny class with an extreme mean and a large class with the same mean
    y = np.concatenate([y, [90.0, 92.0], np.full(60, 91.0) + np.tile([-1.0, 1.0], 30)])
    cl = np.concatenate([cl, [100, 100], np.full(60, 101)])
    table = shrunken_means(y, cl, min_n=1).set_index("cluster")
    gm = null_model(y, cl).grand_mean
    small_pull = (91.0 - table.loc[100, "shrunken_mean"]) / (91.0 - gm)
    large_pull = (91.0 - table.loc[101, "shrunken_mean"]) / (91.0 - gm)
    assert small_pull > 2 * large_pull > 0
    assert table.loc[100, "reliability"] < table.loc[101, "reliability"]


def test_clusters_below_the_reporting_threshold_have_their_means_blanked():
    y, cl = simulate(4, 10, (3, 20), tau=1.0, sigma=2.0)
    table = shrunken_means(y, cl, min_n=10)
    small = table["n"] < 10
    assert small.any()
    assert table.loc[small, "raw_mean"].isna().all()
    assert table.loc[small, "shrunken_mean"].isna().all()
    assert table.loc[~small, "shrunken_mean"].notna().all()
    assert (table["suppressed"] == small).all()


def test_fewer_students_than_the_threshold_gives_a_suppressed_result():
    res = null_model([1.0, 2.0, 3.0, 4.0], ["a", "a", "b", "b"], min_n=10)
    assert res.suppressed
    assert "threshold of 10" in res.reason
    assert res.to_dict()["icc"] is None


@pytest.mark.parametrize(
    ("y", "cl", "fragment"),
    [
        ([1.0, 2.0, 3.0], ["a", "a", "a"], "at least 2 clusters"),
        ([1.0, 2.0, 3.0], ["a", "b", "c"], "single score"),
        ([5.0, 5.0, 5.0, 5.0], ["a", "a", "b", "b"], "same"),
        ([1.0, 1.0, 2.0, 2.0], ["a", "a", "b", "b"], "within-cluster variance is zero"),
        ([1.0, float("nan"), 2.0, 2.5], ["a", "a", "b", "b"], "finite"),
        ([1.0, 2.0, 2.0, 2.5], ["a", None, "b", "b"], "cluster label is missing"),
    ],
)
def test_it_refuses_data_the_model_cannot_be_fitted_to(y, cl, fragment):
    with pytest.raises(AnalysisError, match=fragment):
        null_model(y, cl, min_n=1)


def test_it_fits_twenty_thousand_clusters_without_a_loop_per_cluster():
    y, cl = simulate(8, 20_000, (5, 30), tau=2.0, sigma=5.0)
    res = null_model(y, cl)
    table = shrunken_means(y, cl, fit=res)
    assert res.n_clusters == 20_000
    assert len(table) == 20_000
    assert res.tau00 == pytest.approx(4.0, rel=0.1)
    assert res.sigma2 == pytest.approx(25.0, rel=0.02)


def test_an_impossible_confidence_level_is_refused_not_turned_into_nan():
    rng = np.random.default_rng(3)
    clusters = np.repeat(np.arange(20), 15)
    scores = rng.normal(size=20)[clusters] + rng.normal(size=clusters.size)
    with pytest.raises(AnalysisError, match="between 0 and 1"):
        null_model(scores, clusters, level=1.5)
