"""Dose and impact: the meta-regression of class mean gains on dose, checked against
metafor's published BCG meta-regression, statsmodels' weighted least squares and a
restricted likelihood written out independently here."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from efficacy.analysis.dose import CORRELATION, LEFT_OUT, class_mean_gains, dose_response
from efficacy.analysis.results import (
    NO_VARIANCE,
    NO_WITHIN_VARIANCE,
    NOT_FINITE,
    TOO_FEW_CLUSTERS,
    AnalysisError,
)
from tests.analysis.test_meta import bcg_log_risk_ratios

# metafor's dat.bcg: absolute latitude of each of the 13 trials (metafor's own test of
# model.matrix(rma(yi, vi, mods = ~ ablat)) lists the same column).
ABLAT = np.array([44, 55, 42, 52, 13, 44, 19, 13, 27, 42, 18, 33, 33], dtype=float)
BIG = np.full(13, 1000)


def test_the_bcg_meta_regression_matches_metafor_published_figures():
    """metafor's README (github.com/wviechtb/metafor, README.md):
    ``rma(yi, vi, mods = ~ ablat, data=dat, test="knha")`` on the log risk ratios gives
    tau^2 0.0764, QE(df = 11) 30.7331, intercept 0.2515 (SE 0.2839) and ablat -0.0291
    (SE 0.0082, t with 11 df, CI -0.0472 to -0.0111)."""
    yi, vi = bcg_log_risk_ratios()
    ours = dose_response(ABLAT, yi, vi, BIG, hartung_knapp_floor=False)
    assert ours.slope == pytest.approx(-0.0291, abs=5e-5)
    assert ours.se == pytest.approx(0.0082, abs=5e-5)
    assert ours.ci.low == pytest.approx(-0.0472, abs=5e-5)
    assert ours.ci.high == pytest.approx(-0.0111, abs=5e-5)
    assert ours.intercept == pytest.approx(0.2515, abs=5e-5)
    assert ours.intercept_se == pytest.approx(0.2839, abs=5e-5)
    assert ours.qe == pytest.approx(30.7331, abs=5e-4)
    # metafor stops its Fisher scoring once tau^2 moves by less than 1e-5.
    assert ours.tau2 == pytest.approx(0.0764, abs=1e-4)
    assert (ours.n, ours.k, ours.df) == (13, 13, 11)
    assert (ours.dose_low, ours.dose_high) == (13, 55)


def _reml_by_fisher_scoring(x, y, v):
    """Second implementation: Fisher scoring on the restricted likelihood (Viechtbauer
    2005, as metafor's rma does it), run to convergence."""
    design = np.column_stack([np.ones(len(x)), x])
    tau2 = 0.0
    for _ in range(500):
        w = np.diag(1 / (v + tau2))
        p = w - w @ design @ np.linalg.inv(design.T @ w @ design) @ design.T @ w
        step = (y @ p @ p @ y - np.trace(p)) / np.trace(p @ p)
        tau2 = max(0.0, tau2 + step)
        if abs(step) < 1e-13:
            break
    return tau2


def _restricted_loglik(tau2, x, y, v):
    """REML log-likelihood with its constants: the normal log-density of y at the GLS fit
    (scipy) minus half the log-determinant of XᵀV⁻¹X (Harville 1977)."""
    design = np.column_stack([np.ones(len(x)), x])
    cov = np.diag(v + tau2)
    inverse = np.linalg.inv(cov)
    xtvx = design.T @ inverse @ design
    beta = np.linalg.solve(xtvx, design.T @ inverse @ y)
    full = stats.multivariate_normal(design @ beta, cov).logpdf(y)
    return full - 0.5 * np.linalg.slogdet(xtvx)[1] + 0.5 * (len(y) - 2) * np.log(2 * np.pi)


def test_the_reml_tau2_is_the_maximum_of_the_restricted_likelihood():
    yi, vi = bcg_log_risk_ratios()
    ours = dose_response(ABLAT, yi, vi, BIG)
    assert ours.tau2 == pytest.approx(_reml_by_fisher_scoring(ABLAT, yi, vi), rel=1e-6)
    best = _restricted_loglik(ours.tau2, ABLAT, yi, vi)
    for other in np.linspace(0, 0.5, 501):
        assert _restricted_loglik(other, ABLAT, yi, vi) <= best + 1e-12


@pytest.fixture
def classes():
    """Twelve classes: a dose from 0 to 3, mean gains rising with it, plus noise."""
    rng = np.random.default_rng(7)
    dose = rng.uniform(0, 3, 12)
    n = rng.integers(10, 30, 12)
    sd = rng.uniform(2, 5, 12)
    gain = 1 + 0.8 * dose + rng.normal(0, 1.2, 12)
    return dose, gain, sd**2 / n, n


@pytest.mark.parametrize("method", ["reml", "dl"])
def test_with_its_tau2_the_fit_is_statsmodels_weighted_least_squares(classes, method):
    dose, gain, variance, n = classes
    ours = dose_response(dose, gain, variance, n, method=method, hartung_knapp_floor=False)
    design = sm.add_constant(dose)
    wls = sm.WLS(gain, design, weights=1 / (variance + ours.tau2)).fit()
    # Hartung–Knapp: the residual scale estimated from the weighted residuals, t(k − 2).
    assert (ours.intercept, ours.slope) == pytest.approx(tuple(wls.params), rel=1e-9)
    assert ours.se == pytest.approx(wls.bse[1], rel=1e-9)
    assert (ours.ci.low, ours.ci.high) == pytest.approx(tuple(wls.conf_int()[1]), rel=1e-9)
    # The z interval: the scale fixed at 1, Var(β) = (XᵀWX)⁻¹.
    fixed = sm.WLS(gain, design, weights=1 / (variance + ours.tau2)).fit(cov_type="fixed scale")
    z = dose_response(dose, gain, variance, n, method=method, hartung_knapp=False)
    assert z.se == pytest.approx(fixed.bse[1], rel=1e-9)
    assert (z.ci.low, z.ci.high) == pytest.approx(tuple(fixed.conf_int()[1]), rel=1e-9)


def test_the_dl_tau2_is_the_method_of_moments_estimate_written_out(classes):
    dose, gain, variance, n = classes
    ours = dose_response(dose, gain, variance, n, method="dl")
    fixed = sm.WLS(gain, sm.add_constant(dose), weights=1 / variance).fit()
    w = np.diag(1 / variance)
    design = sm.add_constant(dose)
    p = w - w @ design @ np.linalg.inv(design.T @ w @ design) @ design.T @ w
    expected = max(0.0, (fixed.ssr - (len(gain) - 2)) / np.trace(p))
    assert ours.qe == pytest.approx(fixed.ssr, rel=1e-9)
    assert ours.tau2 == pytest.approx(expected, rel=1e-9)


def test_the_hartung_knapp_floor_never_narrows_the_z_interval(classes):
    dose, gain, variance, n = classes
    z = dose_response(dose, gain, variance * 50, n, hartung_knapp=False)
    floored = dose_response(dose, gain, variance * 50, n)
    assert floored.se >= z.se
    assert floored.ci.high - floored.ci.low > z.ci.high - z.ci.low


def test_small_classes_are_left_out_and_counted_without_their_sizes(classes):
    dose, gain, variance, n = classes
    n = n.copy()
    n[:3] = [4, 9, 2]
    ours = dose_response(dose, gain, variance, n, min_n=10)
    alone = dose_response(dose[3:], gain[3:], variance[3:], n[3:], min_n=10)
    assert (ours.n_suppressed, ours.k) == (3, 9)
    assert ours.slope == pytest.approx(alone.slope, rel=1e-12)
    assert LEFT_OUT in ours.caveats
    assert CORRELATION in ours.caveats
    assert "4" not in str(ours.to_dict()["caveats"])


def test_a_class_without_a_dose_is_left_out_and_counted(classes):
    dose, gain, variance, n = classes
    dose = dose.copy()
    dose[0] = np.nan
    ours = dose_response(dose, gain, variance, n)
    assert (ours.n_no_dose, ours.k, ours.n_suppressed) == (1, 11, 0)


def test_fewer_than_three_classes_is_suppressed_with_a_reason(classes):
    dose, gain, variance, n = classes
    n = np.where(np.arange(12) < 10, 5, n)
    ours = dose_response(dose, gain, variance, n, min_n=10)
    assert ours.suppressed
    assert ours.reason_code == TOO_FEW_CLUSTERS
    assert (ours.k, ours.n_suppressed) == (2, 10)
    assert np.isnan(ours.slope)


def test_doses_that_do_not_vary_give_no_slope(classes):
    _dose, gain, variance, n = classes
    with pytest.raises(AnalysisError) as refused:
        dose_response(np.full(12, 2.0), gain, variance, n)
    assert refused.value.code == NO_VARIANCE


def test_a_class_whose_gains_do_not_vary_is_refused(classes):
    dose, gain, variance, n = classes
    variance = variance.copy()
    variance[2] = 0.0
    with pytest.raises(AnalysisError) as refused:
        dose_response(dose, gain, variance, n)
    assert refused.value.code == NO_WITHIN_VARIANCE


@pytest.mark.parametrize(
    "change",
    [
        lambda d, g, v: (d, np.where(np.arange(12) == 1, np.inf, g), v),
        lambda d, g, v: (np.where(np.arange(12) == 1, -np.inf, d), g, v),
        # A variance of 1e-320 has no finite reciprocal: its weight would be infinite.
        lambda d, g, v: (d, g, np.where(np.arange(12) == 1, 1e-320, v)),
        # Gains near 1e155 square to infinity in the residual sum of squares.
        lambda d, g, v: (d, g * 1e160, v),
    ],
)
def test_numbers_that_cannot_be_trusted_are_refused(classes, change):
    dose, gain, variance, n = classes
    with pytest.raises(AnalysisError) as refused:
        dose_response(*change(dose, gain, variance), n)
    assert refused.value.code == NOT_FINITE


def test_class_mean_gains_are_each_class_s_mean_and_the_variance_of_that_mean():
    rng = np.random.default_rng(3)
    gains = rng.normal(2, 3, 40)
    classes = np.repeat(["x", "y", "z", "w"], [12, 15, 12, 1])
    ours = class_mean_gains(gains, classes).set_index("class")
    for label in ["x", "y", "z"]:
        mine = gains[classes == label]
        assert ours.loc[label, "n"] == mine.size
        assert ours.loc[label, "mean_gain"] == pytest.approx(np.mean(mine), rel=1e-12)
        assert ours.loc[label, "variance"] == pytest.approx(
            np.var(mine, ddof=1) / mine.size, rel=1e-12
        )
    assert np.isnan(ours.loc["w", "variance"])
