"""Numbers that cannot be trusted are refused, never shown (STATISTICS.md, issue 9 item 5).

Double precision holds about ±1.8e308: scores near 1e155 square to infinity and an SE
of 1e-170 squares to zero. Each such input used to give a plausible wrong number (g = 0,
"baseline equivalence satisfied", a pooled estimate of null with exit status 0) or an
"internal error"; now the library raises :class:`AnalysisError` with the code
``not_finite`` (a ``*_by`` table suppresses the group instead) and the command line
exits 2 with one line. And "does not vary" is judged on the scores' range, so 1e10 plus
noise is analysed like the noise.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from efficacy.analysis import (
    AnalysisError,
    effect_size,
    effect_size_by,
    gap_change,
    impact_estimate,
    impact_estimate_by,
    null_model,
    occasion_means_chart,
    paired_mean_gain,
    prepost_effect,
    prepost_effect_by,
    random_effects,
    reliability,
)
from efficacy.analysis.meta import q_statistic
from efficacy.analyze_cli import main

RNG = np.random.default_rng(9)
TREATMENT, CONTROL = RNG.normal(55, 10, 30), RNG.normal(50, 10, 30)
PRE_F, PRE_C = RNG.normal(50, 10, 30), RNG.normal(49, 10, 30)
POST_F, POST_C = PRE_F + RNG.normal(6, 4, 30), PRE_C + RNG.normal(3, 4, 30)
NOISE = RNG.normal(0, 1, 120)


def _refused(call) -> AnalysisError:
    with pytest.raises(AnalysisError, match=r"not a finite number|too small") as caught:
        call()
    assert caught.value.code == "not_finite"
    return caught.value


# --- scores too large or too small ------------------------------------------------


@pytest.mark.parametrize("scale", [1e160, 1e-170])
def test_an_effect_on_scores_that_overflow_or_underflow_is_refused_not_zero(scale):
    error = _refused(lambda: effect_size(TREATMENT * scale, CONTROL * scale))
    assert "pooled SD" in str(error)


@pytest.mark.parametrize("scale", [1e160, 1e-170])
def test_an_impact_on_scores_that_overflow_is_refused_not_an_equivalent_baseline(scale):
    _refused(lambda: impact_estimate(PRE_F * scale, POST_F * scale, PRE_C * scale, POST_C * scale))


def test_scores_that_do_not_overflow_give_the_same_effects_at_any_scale():
    plain = impact_estimate(PRE_F, POST_F, PRE_C, POST_C)
    for scale in (1e100, 1e-100):
        scaled = impact_estimate(PRE_F * scale, POST_F * scale, PRE_C * scale, POST_C * scale)
        for field in ("ancova_g", "did_g", "baseline_g", "se", "did_se"):
            # did_se uses r: a product of two sums of squares overflowed at 1e100.
            assert getattr(scaled, field) == pytest.approx(getattr(plain, field), rel=1e-9)
        assert effect_size(TREATMENT * scale, CONTROL * scale).hedges_g == pytest.approx(
            effect_size(TREATMENT, CONTROL).hedges_g, rel=1e-9
        )


def _long(pre_scale: float) -> pd.DataFrame:
    """Two classes of focus and comparison students; class "big" scaled by ``pre_scale``."""
    rows = []
    for klass, scale in (("plain", 1.0), ("big", pre_scale)):
        for arm, pre, post in (("focus", PRE_F, POST_F), ("comp", PRE_C, POST_C)):
            for i in range(len(pre)):
                student = f"{klass}-{arm}-{i}"
                rows.append((klass, student, arm, "pre", pre[i] * scale))
                rows.append((klass, student, arm, "post", post[i] * scale))
    return pd.DataFrame(rows, columns=["cls", "id", "grp", "occasion", "score"])


def test_a_group_of_overflowing_scores_is_suppressed_in_a_by_table_and_the_others_kept():
    table = _long(1e160)
    impact = impact_estimate_by(
        table, by="cls", id="id", score="score", occasion="occasion", pre="pre",
        post="post", group="grp", focus="focus", comparison="comp",
    ).set_index("by")  # fmt: skip
    assert impact.at["big", "reason_code"] == "not_finite"
    assert impact.at["big", "suppressed"]
    assert np.isnan(impact.at["big", "baseline_g"])
    assert pd.isna(impact.at["big", "baseline_equivalence"])
    assert "too large or too small" in impact.at["big", "reason"]
    assert impact.at["plain", "ancova_g"] == pytest.approx(
        impact_estimate(PRE_F, POST_F, PRE_C, POST_C).ancova_g
    )
    effects = effect_size_by(
        table[table["occasion"] == "post"], by="cls", score="score", group="grp",
        treatment="focus", control="comp",
    ).set_index("by")  # fmt: skip
    assert effects.at["big", "reason_code"] == "not_finite"
    assert not effects.at["plain", "suppressed"]


# numpy warns of the overflow on its way to the refusal.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("scale", [1e160, 1e-170])
def test_a_pre_post_effect_on_scores_that_overflow_is_refused_not_zero(scale):
    _refused(lambda: prepost_effect(PRE_F * scale, POST_F * scale))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_mean_gain_whose_sd_overflows_is_refused():
    _refused(lambda: paired_mean_gain(PRE_F * 1e160, POST_F * 1e160))


def test_a_pre_post_effect_is_the_same_at_any_scale_that_does_not_overflow():
    plain = prepost_effect(PRE_F, POST_F)
    for scale in (1e100, 1e-100):
        scaled = prepost_effect(PRE_F * scale, POST_F * scale)
        for field in ("d_av", "d_z", "r", "se"):  # r overflowed at 1e100 (r = 0)
            assert getattr(scaled, field) == pytest.approx(getattr(plain, field), rel=1e-9)


def test_a_class_of_overflowing_scores_is_suppressed_in_a_pre_post_table():
    table = _long(1e160)
    frame = prepost_effect_by(
        table[table["grp"] == "focus"], by="cls", id="id", score="score",
        occasion="occasion", pre="pre", post="post",
    ).set_index("by")  # fmt: skip
    assert frame.at["big", "reason_code"] == "not_finite"
    assert np.isnan(frame.at["big", "d_av"])
    assert frame.at["plain", "d_av"] == pytest.approx(prepost_effect(PRE_F, POST_F).d_av)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("scale", [1e160, 1e-170])
def test_a_gap_in_sd_units_on_scores_that_overflow_is_refused_not_zero(scale):
    cells = (TREATMENT, CONTROL, POST_F, POST_C)
    error = _refused(lambda: gap_change(*(c * scale for c in cells), bootstrap=0))
    assert "pooled SD at the 'from' occasion" in str(error)


def test_a_cluster_model_of_overflowing_scores_is_refused():
    clusters = np.repeat(np.arange(6), 20)
    _refused(lambda: null_model(NOISE * 1e160, clusters))


def _answers(scale: float) -> pd.DataFrame:
    """Four Likert items of 40 respondents sharing one factor, times ``scale``."""
    rng = np.random.default_rng(0)
    common = rng.normal(0, 1, (40, 1))
    return pd.DataFrame(
        np.round(3 + common + rng.normal(0, 1, (40, 4))) * scale, columns=list("abcd")
    )


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("scale", [1e160, 1e-170])
def test_the_reliability_of_answers_that_overflow_is_refused_not_a_crash(scale):
    error = _refused(lambda: reliability(_answers(scale)))
    assert "SD of" in str(error)


def test_a_run_chart_of_means_whose_sums_overflow_is_refused():
    _refused(lambda: occasion_means_chart([0, 0, 1, 1], [1e308, 1e308, 1, 2], occasions=2, min_n=2))


# --- "does not vary" relative to the spread -----------------------------------------


def test_scores_near_1e10_with_noise_vary_and_give_the_effect_of_the_noise():
    shift = 1e10
    plain = effect_size(TREATMENT / 10, CONTROL / 10)
    shifted = effect_size(shift + TREATMENT / 10, shift + CONTROL / 10)
    # The shift costs the digits below 1e10's last place (about 2e-6), not the answer.
    assert shifted.hedges_g == pytest.approx(plain.hedges_g, rel=1e-5)
    impact = impact_estimate(shift + PRE_F, shift + POST_F, shift + PRE_C, shift + POST_C)
    assert impact.ancova_g == pytest.approx(
        impact_estimate(PRE_F, POST_F, PRE_C, POST_C).ancova_g, rel=1e-5
    )


def test_a_pre_post_effect_on_scores_near_1e10_with_noise_is_that_of_the_noise():
    pre, post = NOISE[:60], NOISE[60:] + 0.5
    plain = prepost_effect(pre, post)
    shifted = prepost_effect(1e10 + pre, 1e10 + post)
    for field in ("d_av", "d_z", "r"):
        assert getattr(shifted, field) == pytest.approx(getattr(plain, field), rel=1e-5)


def test_equal_gains_are_equal_up_to_the_rounding_of_the_scores_at_any_scale():
    # post = pre + 5 in floating point: the gains differ in their last digits only.
    for scale in (1.0, 1e10):
        pre = np.random.default_rng(18).normal(50, 10, 30) * scale
        result = prepost_effect(pre, pre + 5 * scale)
        assert np.isnan(result.d_z)
        assert any("gained exactly the same" in c for c in result.caveats)
        # The SD of the gains is taken from the gains, not from sd_pre² + sd_post² − 2·cov,
        # which cancelled here to 1521 points at 1e10 (d_z = 3.3e7).
        assert result.sd_gain < 1e-12 * scale


def test_a_gap_on_scores_near_1e10_with_noise_is_that_of_the_noise():
    cells = (PRE_F / 10, PRE_C / 10, POST_F / 10, POST_C / 10)
    plain = gap_change(*cells, bootstrap=0)
    shifted = gap_change(*(1e10 + c for c in cells), bootstrap=0)
    assert shifted.gap_from_sd == pytest.approx(plain.gap_from_sd, rel=1e-4)
    assert shifted.reduction_pct == pytest.approx(plain.reduction_pct, rel=1e-4)


def test_a_cluster_model_of_scores_near_1e10_finds_the_same_icc():
    clusters = np.repeat(np.arange(8), 15)
    y = NOISE + np.repeat(RNG.normal(0, 0.8, 8), 15)
    assert null_model(1e10 + y, clusters).icc == pytest.approx(
        null_model(y, clusters).icc, rel=1e-4
    )


def test_equal_scores_whose_mean_does_not_round_exactly_still_do_not_vary():
    # The mean of ten 0.1s is 0.09999999999999999: a computed SD is not zero.
    with pytest.raises(AnalysisError, match="zero variance"):
        effect_size([0.1] * 10, [0.1] * 7)
    table = pd.DataFrame({"cls": ["a"] * 17, "grp": ["t"] * 10 + ["c"] * 7, "score": [0.1] * 17})
    frame = effect_size_by(
        table, by="cls", score="score", group="grp", treatment="t", control="c", min_n=2
    )
    assert frame.at[0, "reason_code"] == "no_variance"
    with pytest.raises(AnalysisError, match="Every score is the same"):
        null_model([0.1] * 10 + [0.1] * 7, [1] * 10 + [2] * 7)


# --- meta-analysis ------------------------------------------------------------------


def test_a_standard_error_of_1e_170_is_refused_naming_its_row():
    error = _refused(lambda: random_effects([0.2, 0.3, 0.5], [0.1, 1e-170, 0.1]))
    assert "effect number 2 (SE 1e-170)" in str(error)
    _refused(lambda: random_effects([0.2, 0.3, 0.5], [0.1, 1e160, 0.1], method="dl"))


@pytest.mark.parametrize("method", ["dl", "reml"])
def test_effects_near_1e155_are_refused_not_a_crash(method):
    error = _refused(lambda: random_effects([1e155, -1e155, 3e155], [0.1, 0.1, 0.1], method=method))
    assert "Q statistic" in str(error)


def test_one_tiny_standard_error_beside_ordinary_ones_still_pools_with_the_right_c():
    y, se = np.array([0.2, 0.5, 0.4]), np.array([1e-100, 0.1, 0.1])
    # C = (Σw)² − Σw², over Σw = 2(w1w2 + w1w3 + w2w3)/Σw ≈ 2(w2 + w3): Σw² overflows.
    _, c = q_statistic(y, se**2)
    assert c == pytest.approx(400.0, rel=1e-12)
    fit = random_effects(y, se, method="dl")
    tau2 = (100 * 0.3**2 + 100 * 0.2**2 - 2) / 400  # (Q − df)/C, Q from ȳ = 0.2
    w = 1 / (np.array([0.0, 0.01, 0.01]) + tau2)
    assert fit.tau2 == pytest.approx(tau2, rel=1e-9)
    assert fit.estimate == pytest.approx(np.sum(w * y) / np.sum(w), rel=1e-9)
    assert fit.i2 == pytest.approx((13 - 2) / 13, rel=1e-9)


# --- the command line ---------------------------------------------------------------


def _cli(capsys, tmp_path, command: str, frame: pd.DataFrame, *args: str):
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    status = main([command, "--data", str(path), "--json", *args])
    out, err = capsys.readouterr()
    return status, out, err


def _scores(treatment, control) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "score": np.r_[treatment, control],
            "grp": ["t"] * len(treatment) + ["c"] * len(control),
        }
    )


EFFECT = ["--score", "score", "--group", "grp", "--treatment", "t", "--control", "c"]


def test_the_cli_refuses_scores_times_1e160_with_status_2_and_one_line(capsys, tmp_path):
    status, out, err = _cli(
        capsys, tmp_path, "effect", _scores(TREATMENT * 1e160, CONTROL * 1e160), *EFFECT
    )
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("efficacy analyze effect: error: The mean, the effect or the pooled SD")
    assert "internal error" not in err


def test_the_cli_analyses_1e10_plus_noise(capsys, tmp_path):
    status, out, err = _cli(
        capsys, tmp_path, "effect", _scores(1e10 + TREATMENT / 10, 1e10 + CONTROL / 10), *EFFECT
    )
    assert status == 0, err
    g = json.loads(out)["hedges_g"]
    assert g == pytest.approx(effect_size(TREATMENT, CONTROL).hedges_g, rel=1e-5)


@pytest.mark.parametrize(
    ("effects", "ses", "fragment"),
    [
        ([0.2, 0.3, 0.5], [1e-170, 0.1, 0.1], "effect number 1 (SE 1e-170)"),
        ([1e155, -1e155, 3e155], [0.1, 0.1, 0.1], "Q statistic"),
    ],
)
def test_the_cli_refuses_an_unusable_meta_analysis_with_status_2(
    capsys, tmp_path, effects, ses, fragment
):
    frame = pd.DataFrame({"g": effects, "se": ses})
    for method in ("dl", "reml"):
        status, out, err = _cli(
            capsys, tmp_path, "meta", frame, "--effect", "g", "--se", "se", "--method", method
        )
        assert (status, out) == (2, "")
        assert err.count("\n") == 1
        assert fragment in err


def test_the_cli_refuses_a_reliability_or_icc_of_overflowing_scores_with_status_2(capsys, tmp_path):
    answers = _answers(1e160)
    scores = pd.DataFrame({"score": NOISE * 1e160, "cls": np.repeat(np.arange(6), 20)})
    for command, frame, args in (
        ("reliability", answers, ["--items", "a,b,c,d"]),
        ("icc", scores, ["--score", "score", "--cluster", "cls"]),
    ):
        status, out, err = _cli(capsys, tmp_path, command, frame, *args)
        assert (status, out) == (2, ""), err
        assert err.count("\n") == 1
        assert "is not a finite number" in err


def test_the_cli_by_table_suppresses_an_overflowing_class_and_keeps_the_others(capsys, tmp_path):
    table = _long(1e160)
    args = ["--id", "id", "--score", "score", "--occasion", "occasion", "--pre", "pre",
            "--post", "post", "--group", "grp", "--focus", "focus", "--comparison", "comp",
            "--by", "cls"]  # fmt: skip
    status, out, err = _cli(capsys, tmp_path, "impact", table, *args)
    assert status == 0, err
    rows = {row["by"]: row for row in json.loads(out)}
    assert rows["big"]["reason_code"] == "not_finite"
    assert rows["big"]["baseline_g"] is None
    assert rows["big"]["baseline_equivalence"] is None
    assert rows["plain"]["ancova_g"] == pytest.approx(
        impact_estimate(PRE_F, POST_F, PRE_C, POST_C).ancova_g, rel=1e-6
    )
