"""Focus vs comparison: statsmodels OLS for the ANCOVA β, WWC rules, vectorised agreement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from efficacy.analysis import AnalysisError, impact_estimate, impact_estimate_by
from efficacy.analysis.impact import baseline_equivalence


def _groups(rng: np.random.Generator, n_i=60, n_c=70, shift=-2.0, effect=4.0):
    pre_i, pre_c = rng.normal(50 + shift, 10, n_i), rng.normal(50, 10, n_c)
    post_i = 0.7 * pre_i + rng.normal(20 + effect, 6, n_i)
    post_c = 0.7 * pre_c + rng.normal(20, 6, n_c)
    return pre_i, post_i, pre_c, post_c


def _pooled_sd(a, b):
    return np.sqrt(
        ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
    )


def test_the_ancova_g_uses_the_ols_group_coefficient_over_the_unadjusted_posttest_sd():
    rng = np.random.default_rng(31)
    pre_i, post_i, pre_c, post_c = _groups(rng)
    result = impact_estimate(pre_i, post_i, pre_c, post_c)
    design = np.column_stack([np.ones(130), np.r_[np.ones(60), np.zeros(70)], np.r_[pre_i, pre_c]])
    beta = sm.OLS(np.r_[post_i, post_c], design).fit().params[1]
    omega = 1 - 3 / (4 * 130 - 9)
    assert result.adjusted_difference == pytest.approx(beta, rel=1e-9)
    assert result.ancova_g == pytest.approx(omega * beta / _pooled_sd(post_i, post_c), rel=1e-9)


def test_the_did_and_baseline_g_follow_the_wwc_formulas():
    rng = np.random.default_rng(32)
    pre_i, post_i, pre_c, post_c = _groups(rng)
    result = impact_estimate(pre_i, post_i, pre_c, post_c)
    omega = 1 - 3 / (4 * 130 - 9)
    did = ((post_i.mean() - pre_i.mean()) - (post_c.mean() - pre_c.mean())) / _pooled_sd(
        post_i, post_c
    )
    assert result.did_g == pytest.approx(omega * did, rel=1e-9)
    baseline = (pre_i.mean() - pre_c.mean()) / _pooled_sd(pre_i, pre_c)
    assert result.baseline_g == pytest.approx(omega * baseline, rel=1e-9)
    assert result.n_focus == 60
    assert result.n_comparison == 70


@pytest.mark.parametrize(
    ("g", "expected"),
    [
        (0.0, "satisfied"),
        (-0.05, "satisfied"),
        (0.051, "requires_adjustment"),
        (-0.25, "requires_adjustment"),
        (0.2501, "not_satisfied"),
    ],
)
def test_baseline_equivalence_follows_the_wwc_thresholds(g, expected):
    assert baseline_equivalence([g])[0] == expected


def test_groups_far_apart_at_baseline_get_the_not_equivalent_and_regression_caveats():
    rng = np.random.default_rng(33)
    result = impact_estimate(*_groups(rng, shift=-8.0))
    assert result.baseline_equivalence == "not_satisfied"
    assert any("not satisfied" in c for c in result.caveats)
    assert any("regression to the mean" in c for c in result.caveats)


def test_the_regression_caveat_is_added_when_the_focus_group_was_chosen_for_low_scores():
    rng = np.random.default_rng(34)
    groups = _groups(rng, shift=0.0)
    plain = impact_estimate(*groups)
    chosen = impact_estimate(*groups, focus_chosen_for_low_scores=True)
    assert not any("regression to the mean" in c for c in plain.caveats)
    assert any("regression to the mean" in c for c in chosen.caveats)


def test_attrition_is_counted_and_flagged():
    rng = np.random.default_rng(35)
    pre_i, post_i, pre_c, post_c = _groups(rng, n_i=40)
    post_i[:15] = np.nan
    result = impact_estimate(pre_i, post_i, pre_c, post_c)
    assert (result.n_focus, result.n_focus_pre, result.n_focus_post) == (25, 40, 25)
    assert any("fifth" in c for c in result.caveats)


def test_rescaling_leaves_it_unchanged_and_swapping_groups_flips_it():
    rng = np.random.default_rng(36)
    pre_i, post_i, pre_c, post_c = _groups(rng)
    base = impact_estimate(pre_i, post_i, pre_c, post_c)
    moved = impact_estimate(pre_i * 2 + 9, post_i * 2 + 9, pre_c * 2 + 9, post_c * 2 + 9)
    swapped = impact_estimate(pre_c, post_c, pre_i, post_i)
    for key in ("ancova_g", "did_g", "baseline_g"):
        assert getattr(moved, key) == pytest.approx(getattr(base, key), rel=1e-9)
        assert getattr(swapped, key) == pytest.approx(-getattr(base, key), rel=1e-9)


def test_a_small_group_is_suppressed_and_constant_scores_are_refused():
    rng = np.random.default_rng(37)
    assert impact_estimate(*_groups(rng, n_i=8)).suppressed
    with pytest.raises(AnalysisError, match="zero variance"):
        impact_estimate([1.0] * 12, [2.0] * 12, [1.0] * 12, [2.0] * 12)


def test_the_vectorised_form_agrees_with_the_scalar_form_for_every_class():
    rng = np.random.default_rng(38)
    rows, student = [], 0
    for cls, (n_i, n_c) in enumerate([(30, 25), (15, 12), (9, 20)]):
        pre_i, post_i, pre_c, post_c = _groups(rng, n_i=n_i, n_c=n_c)
        for grp, pres, posts in (("F", pre_i, post_i), ("C", pre_c, post_c)):
            for pre, post in zip(pres, posts, strict=True):
                rows += [(student, cls, grp, "P", pre), (student, cls, grp, "Q", post)]
                student += 1
    table = pd.DataFrame(rows, columns=["id", "cls", "grp", "occ", "y"]).drop(index=[1, 2])
    frame = impact_estimate_by(
        table, by="cls", id="id", score="y", occasion="occ", pre="P", post="Q",
        group="grp", focus="F", comparison="C",
    )  # fmt: skip
    for _, row in frame.iterrows():
        arms = []
        for grp in ("F", "C"):
            part = table[(table.cls == row["by"]) & (table.grp == grp)]
            wide = part.pivot(index="id", columns="occ", values="y")
            arms += [wide["P"], wide["Q"]]
        scalar = impact_estimate(*arms)
        assert row["suppressed"] == scalar.suppressed
        assert row["n_focus_post"] == scalar.n_focus_post
        for key, value in scalar.to_flat_dict().items():
            if key in frame.columns and isinstance(value, float):
                assert row[key] == pytest.approx(value, rel=1e-9), key
        if not scalar.suppressed:
            assert row["baseline_equivalence"] == scalar.baseline_equivalence
    assert frame.loc[frame.by == 2, "suppressed"].item()
