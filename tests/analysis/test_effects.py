"""Hedges' g for two independent groups: published figures, pingouin, invariances, coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy.stats import norm

from efficacy.analysis import AnalysisError, effect_size, effect_size_by, improvement_index
from tests.analysis.references import MOVIE_1, MOVIE_2


def test_it_reproduces_lakens_published_cohens_d_and_hedges_g():
    """Lakens (2013) reports d_s = 1.13 and Hedges' g_s = 1.08 for the movie data."""
    result = effect_size(MOVIE_1, MOVIE_2, min_n=10)
    assert round(result.cohens_d, 2) == 1.13
    assert round(result.hedges_g, 2) == 1.08


def test_it_agrees_with_pingouin_for_cohens_d_and_hedges_g():
    rng = np.random.default_rng(11)
    a, b = rng.normal(52, 9, 37), rng.normal(48, 11, 29)
    result = effect_size(a, b)
    assert result.cohens_d == pytest.approx(pg.compute_effsize(a, b, eftype="cohen"), rel=1e-12)
    assert result.hedges_g == pytest.approx(pg.compute_effsize(a, b, eftype="hedges"), rel=1e-12)


def test_its_standard_error_ci_and_glass_delta_follow_the_textbook_formulas():
    """Hedges & Olkin (1985): SE = sqrt(N/(n1 n2) + g²/(2N)); Glass uses the control SD."""
    rng = np.random.default_rng(12)
    a, b = rng.normal(1, 1, 40), rng.normal(0, 2, 30)
    result = effect_size(a, b)
    n1, n2 = 40, 30
    se = np.sqrt((n1 + n2) / (n1 * n2) + result.hedges_g**2 / (2 * (n1 + n2)))
    assert result.se == pytest.approx(se)
    assert result.ci.low == pytest.approx(result.hedges_g - 1.959964 * se, abs=1e-6)
    assert result.glass_delta == pytest.approx((a.mean() - b.mean()) / b.std(ddof=1))
    assert result.improvement_index == pytest.approx(100 * norm.cdf(result.hedges_g) - 50)


def test_the_improvement_index_of_a_quarter_sd_is_ten_percentile_points():
    """STATISTICS.md / WWC: g = 0.25 → 9.9 percentile points."""
    assert round(float(improvement_index(0.25)), 1) == 9.9


def test_shifting_and_rescaling_scores_leaves_the_effect_unchanged():
    rng = np.random.default_rng(13)
    a, b = rng.normal(3, 1, 25), rng.normal(2, 1.5, 22)
    base = effect_size(a, b)
    moved = effect_size(a * 7.5 + 300, b * 7.5 + 300)
    assert moved.hedges_g == pytest.approx(base.hedges_g, rel=1e-9)
    assert moved.se == pytest.approx(base.se, rel=1e-9)


def test_swapping_the_groups_flips_the_sign():
    rng = np.random.default_rng(14)
    a, b = rng.normal(3, 1, 25), rng.normal(2, 1.5, 22)
    assert effect_size(b, a).hedges_g == pytest.approx(-effect_size(a, b).hedges_g)


def test_a_group_below_the_minimum_is_suppressed_with_a_reason():
    result = effect_size(np.arange(9.0), np.arange(30.0))
    assert result.suppressed
    assert "9 student" in result.reason
    assert np.isnan(result.hedges_g)


@pytest.mark.parametrize(
    ("treatment", "control", "message"),
    [([1.0], [1.0, 2.0], "treatment group has 1"), ([5.0] * 12, [5.0] * 12, "zero variance")],
)
def test_it_refuses_what_it_cannot_compute(treatment, control, message):
    with pytest.raises(AnalysisError, match=message):
        effect_size(treatment, control)


def test_the_vectorised_form_agrees_with_the_scalar_form_for_every_class():
    rng = np.random.default_rng(15)
    rows = []
    for cls, (n_t, n_c) in enumerate([(30, 25), (12, 15), (8, 20), (14, 11)]):
        rows += [(cls, "T", v) for v in rng.normal(1 + cls, 2, n_t)]
        rows += [(cls, "C", v) for v in rng.normal(cls, 2, n_c)]
    table = pd.DataFrame(rows, columns=["cls", "grp", "y"])
    frame = effect_size_by(table, by="cls", score="y", group="grp", treatment="T", control="C")
    for _, row in frame.iterrows():
        mine = table[table.cls == row["by"]]
        scalar = effect_size(mine[mine.grp == "T"].y, mine[mine.grp == "C"].y)
        assert row["suppressed"] == scalar.suppressed
        if scalar.suppressed:
            assert row["reason"] == scalar.reason
            assert np.isnan(row["hedges_g"])
        else:
            for key, value in scalar.to_flat_dict().items():
                if key in frame.columns and isinstance(value, float):
                    assert row[key] == pytest.approx(value, rel=1e-10), key
    assert frame.loc[frame.by == 2, "suppressed"].item()


def test_the_vectorised_form_suppresses_a_class_whose_scores_do_not_vary():
    table = pd.DataFrame({"cls": "a", "grp": ["T", "C"] * 12, "y": 4.0})
    frame = effect_size_by(table, by="cls", score="y", group="grp", treatment="T", control="C")
    assert frame.suppressed.item()
    assert "zero variance" in frame.reason.item()


def test_the_95_percent_ci_covers_the_true_effect_in_93_to_97_percent_of_samples():
    """2,000 simulated studies (n = 20 + 20, δ = 0.5), all computed in one vectorised call."""
    rng = np.random.default_rng(2026)
    studies, n, delta = 2000, 20, 0.5
    scores = np.concatenate(
        [rng.normal(delta, 1, (studies, n)), rng.normal(0, 1, (studies, n))], axis=1
    )
    table = pd.DataFrame(
        {
            "study": np.repeat(np.arange(studies), 2 * n),
            "grp": np.tile(np.repeat(["T", "C"], n), studies),
            "y": scores.ravel(),
        }
    )
    frame = effect_size_by(table, by="study", score="y", group="grp", treatment="T", control="C")
    covered = ((frame.ci_low <= delta) & (delta <= frame.ci_high)).mean()
    assert 0.93 <= covered <= 0.97
