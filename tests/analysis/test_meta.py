"""Random-effects meta-analysis checked against metafor's published BCG figures and statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from efficacy.analysis.meta import random_effects, reml_loglik, tau2_reml
from efficacy.analysis.results import AnalysisError

# BCG vaccine trials (Colditz et al. 1994; metafor's dat.bcg): vaccinated TB+, TB-,
# control TB+, TB-.
BCG = np.array(
    [
        [4, 119, 11, 128],
        [6, 300, 29, 274],
        [3, 228, 11, 209],
        [62, 13536, 248, 12619],
        [33, 5036, 47, 5761],
        [180, 1361, 372, 1079],
        [8, 2537, 10, 619],
        [505, 87886, 499, 87892],
        [29, 7470, 45, 7232],
        [17, 1699, 65, 1600],
        [186, 50448, 141, 27197],
        [5, 2493, 3, 2338],
        [27, 16886, 29, 17825],
    ],
    dtype=float,
)


# Teacher expectancy and pupil IQ (Raudenbush 1984, 1985; metafor's dat.raudenbush1985):
# standardised mean differences yi and their sampling variances vi of 19 studies.
RAUDENBUSH_YI = [0.03, 0.12, -0.14, 1.18, 0.26, -0.06, -0.02, -0.32, 0.27, 0.80, 0.54, 0.18,
                 -0.02, 0.23, -0.18, -0.06, 0.30, 0.07, -0.07]  # fmt: skip
RAUDENBUSH_VI = [0.0156, 0.0216, 0.0279, 0.1391, 0.1362, 0.0106, 0.0106, 0.0484, 0.0269,
                 0.0630, 0.0912, 0.0497, 0.0835, 0.0841, 0.0253, 0.0279, 0.0193, 0.0088,
                 0.0303]  # fmt: skip


def bcg_log_risk_ratios() -> tuple[np.ndarray, np.ndarray]:
    a, b, c, d = BCG.T
    yi = np.log((a / (a + b)) / (c / (c + d)))
    vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return yi, vi


def reml_by_fisher_scoring(y: np.ndarray, v: np.ndarray) -> float:
    """Second implementation: Viechtbauer (2005) REML fixed-point iteration, truncated at 0."""
    tau2 = 0.0
    for _ in range(1000):
        w = 1 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        new = max(0.0, np.sum(w**2 * ((y - mu) ** 2 - v)) / np.sum(w**2) + 1 / np.sum(w))
        if abs(new - tau2) < 1e-13:
            break
        tau2 = new
    return tau2


def test_dl_on_bcg_matches_metafor_published_figures_and_statsmodels():
    yi, vi = bcg_log_risk_ratios()
    ours = random_effects(yi, np.sqrt(vi), method="dl")
    sm = combine_effects(yi, vi, method_re="dl")
    # metafor rma(yi, vi, method="DL"): tau^2 = 0.3088, estimate -0.7141, se 0.1787, Q 152.2330
    assert ours.tau2 == pytest.approx(0.3088, abs=5e-5)
    assert ours.estimate == pytest.approx(-0.7141, abs=5e-5)
    assert ours.se == pytest.approx(0.1787, abs=5e-5)
    assert ours.q == pytest.approx(152.2330, abs=5e-4)
    assert ours.tau2 == pytest.approx(sm.tau2, rel=1e-10)
    assert ours.estimate == pytest.approx(sm.mean_effect_re, rel=1e-10)
    assert ours.se == pytest.approx(sm.sd_eff_w_re, rel=1e-10)
    assert ours.i2 == pytest.approx(sm.i2, rel=1e-10)
    assert ours.k == 13
    assert ours.df == 12


def test_reml_on_bcg_matches_metafor_published_figures_and_fisher_scoring():
    yi, vi = bcg_log_risk_ratios()
    ours = random_effects(yi, np.sqrt(vi), method="reml")
    # metafor rma(yi, vi): tau^2 = 0.3132, estimate -0.7145, se 0.1798, I^2 ~ 92%
    assert ours.tau2 == pytest.approx(0.3132, abs=5e-5)
    assert ours.estimate == pytest.approx(-0.7145, abs=5e-5)
    assert ours.se == pytest.approx(0.1798, abs=5e-5)
    assert ours.tau2 == pytest.approx(reml_by_fisher_scoring(yi, vi), rel=1e-7)
    assert 0.92 < ours.i2 < 0.923


def test_reml_i2_on_raudenbush_comes_from_tau2_as_metafor_reports_it():
    yi, vi = np.array(RAUDENBUSH_YI), np.array(RAUDENBUSH_VI)
    ours = random_effects(yi, np.sqrt(vi), method="reml")
    # metafor rma(yi, vi, data=dat.raudenbush1985): tau^2 = 0.0188, I^2 = 41.84%,
    # Q(df = 18) = 35.8295, estimate 0.0837 (its test suite checks tau^2, Q and the estimate).
    assert ours.tau2 == pytest.approx(0.0188, abs=5e-5)
    assert ours.q == pytest.approx(35.8295, abs=5e-4)
    assert ours.estimate == pytest.approx(0.0837, abs=5e-5)
    # metafor stops its Fisher scoring once τ² moves by less than 1e-5, so its last digits
    # differ a little from the exact maximum (ours: 41.847%).
    assert ours.i2 == pytest.approx(0.4184, abs=2e-4)
    # The Q form, max(0, (Q − df)/Q), would say 49.8%.
    assert (ours.q - 18) / ours.q == pytest.approx(0.498, abs=5e-4)


def test_dl_i2_on_raudenbush_equals_the_q_form_for_the_closed_form_tau2():
    yi, vi = np.array(RAUDENBUSH_YI), np.array(RAUDENBUSH_VI)
    ours = random_effects(yi, np.sqrt(vi), method="dl")
    # τ²_DL by its closed form, written out independently of the library.
    w = 1 / vi
    q = np.sum(w * (yi - np.sum(w * yi) / np.sum(w)) ** 2)
    tau2 = max(0.0, (q - 18) / (np.sum(w) - np.sum(w**2) / np.sum(w)))
    s2 = 18 * np.sum(w) / (np.sum(w) ** 2 - np.sum(w**2))
    assert ours.tau2 == pytest.approx(tau2, rel=1e-12)
    assert ours.i2 == pytest.approx(tau2 / (tau2 + s2), rel=1e-12)
    assert ours.i2 == pytest.approx((q - 18) / q, rel=1e-12)


def test_i2_is_zero_whenever_tau2_is_zero_though_q_exceeds_its_df():
    # Q > df gives a positive Q-form I², yet here REML puts τ² at 0: I² must be 0 too.
    y = np.array([0.34, -0.17, 1.1, 0.28, -0.55])
    se = np.array([0.14, 0.44, 0.5, 0.05, 0.55])
    fit = random_effects(y, se, method="reml")
    assert (fit.q - fit.df) / fit.q > 0.35
    assert fit.tau2 == 0.0
    assert fit.i2 == 0.0


def test_reml_tau2_is_the_maximum_of_the_restricted_likelihood():
    rng = np.random.default_rng(3)
    for _ in range(20):
        k = int(rng.integers(3, 30))
        v = rng.uniform(0.01, 0.3, k)
        y = rng.normal(0.3, np.sqrt(v + rng.uniform(0, 0.2)))
        tau2 = tau2_reml(y, v)
        best = reml_loglik(tau2, y, v)
        for t in np.linspace(0, 4 * tau2 + 0.5, 400):
            assert reml_loglik(t, y, v) <= best + 1e-9
        assert tau2 == pytest.approx(reml_by_fisher_scoring(y, v), abs=1e-6)


def test_dl_agrees_with_statsmodels_on_heterogeneous_simulated_sets():
    rng = np.random.default_rng(11)
    for _ in range(10):
        k = int(rng.integers(4, 40))
        v = rng.uniform(0.01, 0.2, k)
        y = rng.normal(0.4, np.sqrt(v + 0.1))
        sm = combine_effects(y, v, method_re="dl")
        ours = random_effects(y, np.sqrt(v), method="dl")
        assert ours.tau2 == pytest.approx(max(0.0, sm.tau2), rel=1e-9, abs=1e-14)
        assert ours.q == pytest.approx(sm.q, rel=1e-10)


def test_identical_effects_give_tau2_exactly_zero():
    y = np.full(6, 0.35)
    se = np.array([0.1, 0.2, 0.15, 0.3, 0.12, 0.25])
    for method in ("dl", "reml"):
        res = random_effects(y, se, method=method)
        assert res.tau2 == 0.0
        assert res.i2 == 0.0
        assert res.estimate == pytest.approx(0.35)


def test_tau2_is_zero_not_negative_when_the_untruncated_dl_formula_is_negative():
    y = np.array([0.30, 0.31, 0.29, 0.30, 0.32])
    v = np.full(5, 0.04)
    sm = combine_effects(y, v, method_re="dl")
    assert sm.tau2 < 0  # statsmodels does not truncate: the trap we guard against
    for method in ("dl", "reml"):
        res = random_effects(y, np.sqrt(v), method=method)
        assert res.tau2 == 0.0
        # with tau2 = 0 the pooled SE is the fixed-effect one
        assert res.se == pytest.approx(np.sqrt(0.04 / 5))


def test_hartung_knapp_matches_statsmodels_and_uses_t_with_k_minus_1_df():
    yi, vi = bcg_log_risk_ratios()
    sm = combine_effects(yi, vi, method_re="dl")
    res = random_effects(yi, np.sqrt(vi), method="dl", hartung_knapp=True)
    assert res.se == pytest.approx(sm.sd_eff_w_re_hksj, rel=1e-10)
    crit = stats.t.ppf(0.975, 12)
    assert res.ci.low == pytest.approx(res.estimate - crit * res.se)
    assert res.ci.high == pytest.approx(res.estimate + crit * res.se)
    assert res.hartung_knapp


def test_hartung_knapp_floor_never_gives_a_narrower_interval_than_the_standard_one():
    y = np.array([0.30, 0.31, 0.29, 0.30, 0.32])
    se = np.full(5, 0.2)
    plain = random_effects(y, se, method="dl")
    hk = random_effects(y, se, method="dl", hartung_knapp=True)
    floored = random_effects(y, se, method="dl", hartung_knapp_floor=True)
    assert hk.se < plain.se  # q < 1 here: plain HK narrows the interval
    assert floored.se == pytest.approx(plain.se)
    assert floored.ci.high - floored.ci.low > plain.ci.high - plain.ci.low


def test_prediction_interval_uses_t_with_k_minus_2_df_and_tau2():
    yi, vi = bcg_log_risk_ratios()
    res = random_effects(yi, np.sqrt(vi), method="reml")
    half = stats.t.ppf(0.975, 11) * np.sqrt(res.tau2 + res.se**2)
    assert res.prediction_interval.low == pytest.approx(res.estimate - half)
    assert res.prediction_interval.high == pytest.approx(res.estimate + half)


def test_two_effects_give_no_prediction_interval_and_say_why():
    res = random_effects([0.2, 0.5], [0.1, 0.1], method="dl")
    assert np.isnan(res.prediction_interval.low)
    assert any("prediction interval" in c for c in res.caveats)
    assert res.to_dict()["prediction_interval"]["low"] is None


@pytest.mark.parametrize(
    ("effects", "ses", "fragment"),
    [
        ([0.2], [0.1], "at least 2"),
        ([0.2, 0.3], [0.1, 0.0], "positive"),
        ([0.2, 0.3], [0.1, -1], "positive"),
        ([0.2, float("nan")], [0.1, 0.1], "finite"),
        ([0.2, 0.3, 0.4], [0.1, 0.1], "one standard error per effect"),
    ],
)
def test_it_refuses_unusable_effects_with_a_clear_message(effects, ses, fragment):
    with pytest.raises(AnalysisError, match=fragment):
        random_effects(effects, ses)


def test_a_90_percent_interval_uses_the_normal_quantile_and_a_level_of_one_is_refused():
    y, se = np.array([0.3, 0.5, 0.1, 0.4]), np.array([0.1, 0.15, 0.12, 0.11])
    fit = random_effects(y, se, method="dl", level=0.90)
    half = (fit.ci.high - fit.ci.low) / 2
    assert half == pytest.approx(stats.norm.ppf(0.95) * fit.se)
    with pytest.raises(AnalysisError, match="between 0 and 1"):
        random_effects(y, se, method="dl", level=1.0)
