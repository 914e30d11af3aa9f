"""Scale reliability checked against pingouin (alpha, Feldt CI) and statsmodels (factor model)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from statsmodels.multivariate.factor import Factor

from efficacy.analysis.results import AnalysisError
from efficacy.analysis.scales import one_factor_ml, reliability, reverse_items


def one_factor_items(loadings, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lam = np.asarray(loadings)
    factor = rng.normal(size=n)
    x = factor[:, None] * lam + rng.normal(size=(n, lam.size)) * np.sqrt(1 - lam**2)
    return pd.DataFrame(x, columns=[f"q{i + 1}" for i in range(lam.size)])


def test_alpha_and_feldt_ci_match_pingouin_on_its_documented_dataset():
    long = pg.read_dataset("cronbach_alpha")
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    ref_alpha, ref_ci = pg.cronbach_alpha(data=wide)
    res = reliability(wide)
    assert res.alpha == pytest.approx(ref_alpha, rel=1e-10)
    # pingouin rounds its CI to 3 decimals
    assert res.alpha_ci.low == pytest.approx(ref_ci[0], abs=5e-4)
    assert res.alpha_ci.high == pytest.approx(ref_ci[1], abs=5e-4)
    assert res.n == wide.shape[0]
    assert res.k == wide.shape[1]


def test_alpha_uses_complete_cases_and_counts_those_left_out():
    data = pg.read_dataset("cronbach_wide_missing")
    complete = data.dropna()
    ref_alpha, ref_ci = pg.cronbach_alpha(data=complete)
    res = reliability(data, min_n=2)
    assert res.alpha == pytest.approx(ref_alpha, rel=1e-10)
    assert res.alpha_ci.low == pytest.approx(ref_ci[0], abs=5e-4)
    assert res.alpha_ci.high == pytest.approx(ref_ci[1], abs=5e-4)
    assert res.n == len(complete)
    assert res.n_dropped == len(data) - len(complete)
    assert any("left out" in c for c in res.caveats)


def test_a_reversed_item_is_scored_as_min_plus_max_minus_the_answer():
    data = one_factor_items([0.7, 0.6, 0.8, 0.5], 300, seed=1)
    likert = (data * 1.2 + 3).round().clip(1, 5)
    flipped = likert.copy()
    flipped["q3"] = 6 - flipped["q3"]
    res = reliability(flipped, reverse=["q3"], scale_min=1, scale_max=5)
    ref_alpha, _ = pg.cronbach_alpha(data=likert)
    assert res.alpha == pytest.approx(ref_alpha, rel=1e-10)
    assert res.reversed_items == ("q3",)
    unreversed = reliability(flipped, scale_min=1, scale_max=5)
    assert unreversed.alpha < res.alpha


def test_reversing_an_item_twice_is_the_identity():
    data = pd.DataFrame({"a": [1.0, 2, 5, 4, 3], "b": [2.0, 2, 1, 5, 4]})
    twice = reverse_items(
        reverse_items(data, ["a"], scale_min=1, scale_max=5), ["a"], scale_min=1, scale_max=5
    )
    pd.testing.assert_frame_equal(twice, data)


def test_item_total_correlations_and_alpha_if_deleted_follow_their_definitions():
    data = one_factor_items([0.8, 0.7, 0.2, 0.6], 400, seed=2)
    res = reliability(data)
    x = data.to_numpy()
    for i, col in enumerate(data.columns):
        rest = np.delete(x, i, axis=1)
        assert res.item_total_correlation[col] == pytest.approx(
            np.corrcoef(x[:, i], rest.sum(axis=1))[0, 1]
        )
        assert res.alpha_if_deleted[col] == pytest.approx(
            pg.cronbach_alpha(data=pd.DataFrame(rest))[0]
        )
    # the weak item is the one whose deletion raises alpha
    assert max(res.alpha_if_deleted, key=res.alpha_if_deleted.get) == "q3"


def test_one_factor_model_matches_statsmodels_maximum_likelihood_factor_analysis():
    data = one_factor_items([0.9, 0.8, 0.6, 0.4, 0.3, 0.5], 500, seed=0)
    data = data * np.array([1, 2, 3, 1, 1, 5])
    cov = np.cov(data.to_numpy(), rowvar=False)
    sd = np.sqrt(np.diag(cov))
    lam, theta = one_factor_ml(cov)
    ref = Factor(data.to_numpy(), n_factor=1, method="ml").fit()
    ref_lam = ref.loadings.ravel() * np.sign(ref.loadings.sum())
    np.testing.assert_allclose(lam / sd, ref_lam, atol=1e-4)
    np.testing.assert_allclose(theta / sd**2, ref.uniqueness, atol=1e-4)


def test_omega_equals_alpha_for_tau_equivalent_items():
    res = reliability(one_factor_items([0.7] * 6, 20_000, seed=3))
    assert res.omega == pytest.approx(res.alpha, abs=0.002)


def test_omega_exceeds_alpha_for_congeneric_items():
    # Population values for these loadings: alpha = 0.748 < omega = 0.769 (alpha <= omega
    # holds for congeneric items with uncorrelated errors; McDonald 1999, ch. 6).
    lam = np.array([0.9, 0.8, 0.6, 0.4, 0.3, 0.5])
    common = lam.sum() ** 2
    omega_pop = common / (common + np.sum(1 - lam**2))
    res = reliability(one_factor_items(lam, 20_000, seed=4))
    assert res.omega > res.alpha + 0.01
    assert res.omega == pytest.approx(omega_pop, abs=0.01)
    assert res.alpha == pytest.approx(0.748, abs=0.01)


def test_with_two_items_there_is_alpha_but_no_omega_and_a_caveat_says_why():
    data = one_factor_items([0.7, 0.7], 50, seed=5)
    res = reliability(data)
    assert np.isfinite(res.alpha)
    assert np.isnan(res.omega)
    assert any("omega" in c for c in res.caveats)


def test_fewer_respondents_than_the_threshold_give_a_suppressed_result():
    data = one_factor_items([0.7, 0.7, 0.7], 4, seed=6)
    res = reliability(data, min_n=5)
    assert res.suppressed
    assert res.to_dict()["alpha"] is None
    assert "threshold of 5" in res.reason


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"reverse": ["zz"], "scale_min": 1, "scale_max": 5}, "not one of the items"),
        ({"reverse": ["a"]}, "minimum and maximum"),
        ({"scale_min": 5, "scale_max": 1}, "must be below"),
        ({"scale_min": 1, "scale_max": 4}, "outside the scale"),
    ],
)
def test_it_refuses_inconsistent_scale_settings_with_a_clear_message(kwargs, fragment):
    data = pd.DataFrame({"a": [1.0, 2, 5, 4, 3] * 3, "b": [2.0, 2, 1, 5, 4] * 3})
    with pytest.raises(AnalysisError, match=fragment):
        reliability(data, **kwargs)


def test_it_refuses_a_scale_where_every_total_is_the_same():
    data = pd.DataFrame({"a": [1.0, 2, 3] * 4, "b": [3.0, 2, 1] * 4})
    with pytest.raises(AnalysisError, match="same total"):
        reliability(data)
