"""Pre/post effect on the same students: Lakens' worked example, scipy, invariances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from efficacy.analysis import AnalysisError, prepost_effect, prepost_effect_by
from tests.analysis.references import MOVIE_1, MOVIE_2


def test_it_reproduces_lakens_published_d_av_and_d_z():
    """Lakens (2013) reports d_av = 1.13 and d_z = 1.50 for the paired movie ratings."""
    result = prepost_effect(MOVIE_2, MOVIE_1, min_n=10)
    assert round(result.d_av, 2) == 1.13
    assert round(result.d_z, 2) == 1.50


def test_d_z_and_r_agree_with_scipy_paired_t_and_pearson():
    """d_z = t / sqrt(n) for the paired t statistic."""
    rng = np.random.default_rng(21)
    pre = rng.normal(50, 10, 45)
    post = 0.6 * pre + rng.normal(25, 7, 45)
    result = prepost_effect(pre, post)
    t = stats.ttest_rel(post, pre).statistic
    assert result.d_z == pytest.approx(t / np.sqrt(45), rel=1e-10)
    assert result.r == pytest.approx(stats.pearsonr(pre, post)[0], rel=1e-10)
    expected_d_av = (post - pre).mean() / ((pre.std(ddof=1) + post.std(ddof=1)) / 2)
    assert result.d_av == pytest.approx(expected_d_av, rel=1e-10)
    assert result.method == "pre/post effect (no comparison group)"


def test_the_expected_growth_is_the_hinge_prorated_by_the_cycles_weeks():
    """STATISTICS.md: expected growth = 0.40 × weeks / 40, beside d_av, never "years"."""
    rng = np.random.default_rng(22)
    pre = rng.normal(0, 1, 30)
    post = pre + rng.normal(0.3, 0.5, 30)
    year = prepost_effect(pre, post)
    ten_weeks = prepost_effect(pre, post, weeks=10)
    assert year.expected_growth == pytest.approx(0.40)
    assert ten_weeks.expected_growth == pytest.approx(0.10)
    assert ten_weeks.d_av == year.d_av
    assert "years_growth" not in ten_weeks.to_flat_dict()
    assert not any("years of growth" in c.lower() for c in year.caveats + ten_weeks.caveats)
    assert any("full school year" in c for c in year.caveats)
    assert not any("full school year" in c for c in ten_weeks.caveats)


def test_it_always_says_there_is_no_comparison_group():
    result = prepost_effect(np.arange(12.0), np.arange(12.0) ** 1.1)
    assert any("no comparison group" in c for c in result.caveats)


def test_only_students_with_both_scores_count():
    pre = [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, np.nan]
    post = [2.0, 2, 5, 4, 7, 6, 9, 9, 10, 12, np.nan, 5]
    result = prepost_effect(pre, post)
    assert result.n == 10
    assert result.n_unpaired == 2


def test_shifting_and_rescaling_leave_it_unchanged():
    rng = np.random.default_rng(23)
    pre = rng.normal(0, 1, 30)
    post = pre + rng.normal(0.4, 0.8, 30)
    base, moved = prepost_effect(pre, post), prepost_effect(pre * 3 - 40, post * 3 - 40)
    for key in ("d_av", "d_z", "r", "se"):
        assert getattr(moved, key) == pytest.approx(getattr(base, key), rel=1e-9)


def test_swapping_pre_and_post_flips_the_sign():
    rng = np.random.default_rng(24)
    pre, post = rng.normal(0, 1, 30), rng.normal(0.5, 1, 30)
    assert prepost_effect(post, pre).d_av == pytest.approx(-prepost_effect(pre, post).d_av)


def test_it_refuses_constant_scores_and_too_few_pairs():
    with pytest.raises(AnalysisError, match="zero variance"):
        prepost_effect([3.0] * 12, [3.0] * 12)
    with pytest.raises(AnalysisError, match="Only 1 student"):
        prepost_effect([1.0, np.nan], [2.0, 3.0])


def _long(rng: np.random.Generator, sizes: list[int]) -> pd.DataFrame:
    rows, student = [], 0
    for cls, size in enumerate(sizes):
        for _ in range(size):
            pre = rng.normal(50, 10)
            rows.append((student, cls, "fall", pre))
            rows.append((student, cls, "spring", pre * 0.8 + rng.normal(14, 6)))
            student += 1
    return pd.DataFrame(rows, columns=["student", "cls", "when", "score"])


def test_the_vectorised_form_agrees_with_the_scalar_form_for_every_class():
    rng = np.random.default_rng(25)
    table = _long(rng, [30, 12, 7, 25])
    table = table.drop(index=[0, 5]).iloc[::-1]  # two students lose a score; order shuffled
    frame = prepost_effect_by(
        table, by="cls", id="student", score="score", occasion="when", pre="fall", post="spring"
    )
    for _, row in frame.iterrows():
        wide = table[table.cls == row["by"]].pivot(index="student", columns="when", values="score")
        scalar = prepost_effect(wide["fall"], wide["spring"])
        assert row["n"] == scalar.n
        assert row["n_unpaired"] == scalar.n_unpaired
        assert row["suppressed"] == scalar.suppressed
        for key, value in scalar.to_flat_dict().items():
            if key in frame.columns and isinstance(value, float):
                assert row[key] == pytest.approx(value, rel=1e-10), key
    assert frame.loc[frame.by == 2, "suppressed"].item()
    assert frame.loc[frame.by == 0, "n_unpaired"].item() == 2


def test_a_student_with_two_scores_at_one_occasion_is_named():
    table = pd.DataFrame(
        {"student": ["s1", "s1", "s1"], "cls": 1, "when": ["fall", "fall", "spring"], "score": 1.0}
    )
    with pytest.raises(AnalysisError, match="'s1' has more than one score at occasion 'fall'"):
        prepost_effect_by(
            table, by="cls", id="student", score="score", occasion="when", pre="fall", post="spring"
        )
