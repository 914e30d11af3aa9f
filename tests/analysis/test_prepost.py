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


# --- the interval of d_av -----------------------------------------------------------

GRID = [(rho, delta) for rho in (0.3, 0.6, 0.9) for delta in (0.3, 1.0, 1.5)]


def _simulated(rng, n: int, cells: list[tuple[float, float, float]], reps: int) -> pd.DataFrame:
    """A long table of ``reps`` classes of n students per (ρ, δ, SD ratio) cell: pre ~
    N(0, 1), post ~ N(δ·(1 + k)/2, k²) with correlation ρ, so the population d_av is δ.
    Class ``c·reps + i`` is replicate i of cell c."""
    pre, post = [], []
    for rho, delta, k in cells:
        z1, z2 = rng.standard_normal((2, reps, n))
        pre.append(z1)
        post.append(delta * (1 + k) / 2 + k * (rho * z1 + np.sqrt(1 - rho**2) * z2))
    size = len(cells) * reps * n
    students = np.arange(size)
    return pd.DataFrame(
        {
            "cls": np.tile(students // n, 2),
            "student": np.tile(students, 2),
            "when": np.repeat(np.array([0, 1], dtype=np.int8), size),  # fall, spring
            "score": np.concatenate([np.ravel(pre), np.ravel(post)]),
        }
    )


def _coverage(table: pd.DataFrame, cells, reps: int) -> list[float]:
    frame = prepost_effect_by(
        table, by="cls", id="student", score="score", occasion="when", pre=0, post=1, min_n=2
    ).sort_values("by")
    deltas = np.repeat([delta for _, delta, _ in cells], reps)
    hit = (frame["ci_low"].to_numpy() <= deltas) & (deltas <= frame["ci_high"].to_numpy())
    return [float(h.mean()) for h in hit.reshape(len(cells), reps)]


@pytest.mark.parametrize("n", [20, 60, 200])
def test_the_d_av_interval_covers_95_percent_over_n_rho_and_delta(n):
    """2000 classes per (ρ, δ) cell: the Monte Carlo SE of a 95% coverage is 0.5 points,
    so 93–97% is ±4 SE. Measured at these seeds: 93.7–95.75% in all 27 cells. The
    Borenstein et al. (2009) 4.28 variance used before covered 73.2–74.3% at ρ = .9,
    δ = 1.5, 78.4–83.9% at ρ = .9, δ = 1.0 and up to 98.7% at ρ = .3, δ = 1.5."""
    cells = [(rho, delta, 1.0) for rho, delta in GRID]
    table = _simulated(np.random.default_rng(300 + n), n, cells, 2000)
    for (rho, delta, _), coverage in zip(cells, _coverage(table, cells, 2000), strict=True):
        assert 0.93 <= coverage <= 0.97, (n, rho, delta, coverage)


def test_the_d_av_interval_keeps_its_coverage_when_the_sds_differ():
    """SDs 1 and 2 (e.g. scores fanning out): the equal-SD form of the variance covers
    only 76–91% at ρ = .9; the general delta method counts each SD. 2000 classes each,
    n = 40; measured 94.7%, 95.05%, 94.05% (the 4.28 variance: 70.8%, 67.5%, 94.9%)."""
    cells = [(0.9, 0.3, 2.0), (0.9, 1.5, 2.0), (0.3, 1.0, 0.5)]
    table = _simulated(np.random.default_rng(310), 40, cells, 2000)
    for cell, coverage in zip(cells, _coverage(table, cells, 2000), strict=True):
        assert 0.93 <= coverage <= 0.97, (cell, coverage)


def test_the_d_av_se_is_the_delta_method_with_the_standardisers_error():
    """With equal SDs, STATISTICS.md's V = 2(1 − r)/n + d²(1 + r²)/(4n)."""
    rng = np.random.default_rng(26)
    pre = rng.normal(0, 1, 40)
    post = pre + rng.normal(0.5, 0.6, 40)
    post = (post - post.mean()) / post.std(ddof=1) * pre.std(ddof=1) + post.mean()  # equal SDs
    result = prepost_effect(pre, post)
    n, d, r = 40, result.d_av, stats.pearsonr(pre, post)[0]
    assert result.sd_pre == pytest.approx(result.sd_post)
    assert result.se == pytest.approx(np.sqrt(2 * (1 - r) / n + d**2 * (1 + r**2) / (4 * n)))
    assert result.ci.low == pytest.approx(d - 1.959963984540054 * result.se)


def test_an_equal_gain_for_every_student_still_has_an_interval():
    """The standardiser is still estimated: V = d²/(2n), not zero (issue 9)."""
    pre = np.arange(20.0)
    result = prepost_effect(pre, pre + 3)
    assert result.d_av == pytest.approx(3 / pre.std(ddof=1))
    assert result.se == pytest.approx(result.d_av / np.sqrt(2 * 20))
    assert result.ci.high - result.ci.low == pytest.approx(2 * 1.959963984540054 * result.se)
    assert result.se > 0.07


# --- floors and ceilings --------------------------------------------------------------


def test_everyone_at_the_floor_at_one_occasion_is_suppressed_not_doubled():
    """All 12 students at level 1 of a 1-4 rubric at the baseline: (0 + s_post)/2 would
    halve the standardiser and double d_av (issue 9). The result says why instead."""
    pre = np.ones(12)
    post = np.array([1, 2, 2, 3, 2, 1, 3, 4, 2, 2, 3, 2.0])
    result = prepost_effect(pre, post, min_n=10)
    assert result.suppressed
    assert result.reason_code == "flat_occasion"
    assert "same score at the first occasion" in result.reason
    assert np.isnan(result.d_av)
    assert np.isnan(result.ci.low)
    ceiling = prepost_effect(post, np.full(12, 4.0), min_n=10)
    assert ceiling.reason_code == "flat_occasion"
    assert "same score at the later occasion" in ceiling.reason


def test_many_students_at_the_top_of_the_scale_are_named_with_their_share():
    """Terwee et al. (2007): a floor or ceiling effect when more than 15% sit at an end."""
    pre = np.array([1, 2, 2, 3, 2, 1, 3, 2, 2, 1, 3, 2, 2, 3, 1, 2, 2, 3, 2, 1.0])
    post = np.minimum(pre + np.array([1, 2] * 10), 4)
    result = prepost_effect(pre, post, scale_min=1, scale_max=4)
    assert result.ceiling_post == pytest.approx(np.mean(post == 4))
    assert result.floor_pre == pytest.approx(np.mean(pre == 1)) == 0.25
    assert (result.ceiling_pre, result.floor_post) == (0.0, 0.0)
    assert result.scale_ends == ("floor_pre", "ceiling_post")
    assert any("top or the bottom of the scale" in c for c in result.caveats)
    assert (result.scale_min, result.scale_max) == (1, 4)
    unbounded = prepost_effect(pre, post)
    assert np.isnan(unbounded.ceiling_post)
    assert unbounded.scale_ends == ()
    assert not any("top or the bottom of the scale" in c for c in unbounded.caveats)


def test_exactly_15_percent_at_an_end_is_not_yet_a_ceiling():
    pre = np.arange(20.0)
    post = pre + 1
    post[:3] = 25.0  # 3 of 20 at the top: 15%
    result = prepost_effect(pre, post, scale_max=25)
    assert result.ceiling_post == pytest.approx(0.15)
    assert result.scale_ends == ()


def test_the_grouped_form_gives_the_same_shares_at_the_scales_ends():
    rng = np.random.default_rng(28)
    table = _long(rng, [30, 25])
    table["score"] = np.clip(np.round(table["score"] / 10), 3, 7)
    frame = prepost_effect_by(
        table, by="cls", id="student", score="score", occasion="when", pre="fall",
        post="spring", scale_min=3, scale_max=7,
    )  # fmt: skip
    for _, row in frame.iterrows():
        wide = table[table.cls == row["by"]].pivot(index="student", columns="when", values="score")
        scalar = prepost_effect(wide["fall"], wide["spring"], scale_min=3, scale_max=7)
        for key in ("floor_pre", "floor_post", "ceiling_pre", "ceiling_post", "d_av", "se"):
            assert row[key] == pytest.approx(getattr(scalar, key), rel=1e-12), key


def test_the_scales_bounds_must_be_in_order():
    with pytest.raises(AnalysisError, match="must be below its highest"):
        prepost_effect(np.arange(12.0), np.arange(12.0) + 1, scale_min=4, scale_max=1)
