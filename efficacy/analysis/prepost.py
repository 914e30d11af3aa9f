"""Pre/post effect on the same students, with no comparison group.

Formulas (``shared/STATISTICS.md``; Lakens 2013, "Calculating and reporting
effect sizes to facilitate cumulative science", Front. Psychol. 4:863):

- gain = post − pre, over students with both scores only
- d_av = mean(gain) / ((s_pre + s_post)/2): the Visible Learning convention,
  labelled "pre/post effect (no comparison group)"
- d_z = mean(gain) / s_gain; r = correlation of pre and post
- SE(d_av) by the delta method under bivariate normality, counting the sampling
  error of the standardiser S = (s_pre + s_post)/2 as well as of the mean gain
  (:func:`d_av_variance`): with equal SDs V = 2(1 − r)/n + d²(1 + r²)/(4n).
  Borenstein, Hedges, Higgins & Rothstein (2009, eq. 4.28),
  V = (1/n + d²/(2n))·2(1 − r), leaves that error out as r → 1 (it covered 74%
  at n = 24, r = .9, d = 1.5, and had zero width when every student gained the
  same), so it is not used.
  SE(d_z) = sqrt(1/n + d_z²/(2n)); CIs estimate ± z·SE
- expected growth over the cycle = 0.40 × weeks / weeks-per-year (the Visible
  Learning hinge prorated; weeks-per-year defaults to 40: :func:`expected_growth`),
  a reference to read d_av beside, never "years of growth" (:func:`years_of_growth`)
- the mean gain's interval (:func:`paired_mean_gain`): mean(gain) ± t(1 − α/2,
  n − 1) · s_gain/√n, the paired t interval (Student 1908; e.g. Rosner,
  *Fundamentals of Biostatistics*, 8th ed., §8.4)

d_av includes ordinary growth and ignores the pre/post correlation: it is not
an effect of a strategy, and every result says so in its caveats.

Floors and ceilings (``shared/STATISTICS.md``, "Floors and ceilings"):

- when every score at one occasion is the same (all students at a rubric's floor,
  say) and the other occasion varies, (s_pre + s_post)/2 is half the only SD and
  d_av would double. The result is then suppressed with the reason
  (:data:`~efficacy.analysis.results.FLAT_OCCASION`): the gain in points is the
  figure to read. Dividing by the one SD that exists was the alternative; it was
  not chosen because the grouped form (:func:`prepost_effect_by`, the class table
  and the stored summaries) has no caveat per row, so a figure standardised
  differently from its neighbours would have been shown there without a word.
- given the scale's bounds (``scale_min``, ``scale_max``), the shares of students
  at the bottom and at the top at each occasion are reported, and when one is
  above 15% (the usual threshold for a floor or ceiling effect: Terwee et al.
  2007, "Quality criteria were proposed for measurement properties of health
  status questionnaires", J. Clin. Epidemiol. 60:34) the result says so
  (``scale_ends`` and a caveat): those students' gains are capped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from efficacy.analysis import _core
from efficacy.analysis._core import gettext_noop
from efficacy.analysis.results import (
    FLAT_OCCASION,
    MIN_N,
    NO_VARIANCE,
    TOO_FEW,
    TOO_FEW_PAIRS,
    AnalysisError,
    ConfidenceInterval,
    Result,
)

METHOD = gettext_noop("pre/post effect (no comparison group)")
GAIN_METHOD = gettext_noop("paired t interval of the mean gain, baseline to final")
NAN = math.nan

#: Visible Learning's "hinge": the average effect of a year of schooling.
HINGE = _core.HINGE
#: Weeks in a school year when none is given (the ``weeks_per_year`` default).
SCHOOL_YEAR_WEEKS = _core.SCHOOL_YEAR_WEEKS

NO_COMPARISON = gettext_noop(
    "Pre/post effect with no comparison group: it includes the growth students make "
    "anyway and is not evidence that the strategy caused it."
)
HINGE_REFERENCE = gettext_noop(
    "The expected growth is 0.40 per school year prorated to the cycle's weeks, an average "
    "across ages; normal yearly growth is much larger in early grades than in high school. "
    "Read it as a reference, not a verdict."
)
GAIN_NO_COMPARISON = gettext_noop(
    "A pre/post gain without a comparison group includes ordinary growth; it is not proof "
    "that the strategies caused it."
)
WEEKS_ASSUMED = gettext_noop(
    "The cycle's length was not given, so the expected growth is a full school year's."
)
SMALL_N = gettext_noop(
    "Few students: the confidence interval is wide; read the estimate as a rough guide."
)
GAINS_EQUAL = gettext_noop(
    "Every student gained exactly the same, so d_z (gain over the SD of gains) is not defined."
)
ZERO_VARIANCE = gettext_noop(
    "Suppressed: no score varies at either occasion (zero variance), so a standardised "
    "effect cannot be computed."
)
FLAT_PRE = gettext_noop(
    "Suppressed: every student had the same score at the first occasion (all at the floor or "
    "the ceiling of the scale, for instance), so an effect in SD units would be inflated; "
    "read the gain in points instead."
)
FLAT_POST = gettext_noop(
    "Suppressed: every student had the same score at the later occasion (all at the floor or "
    "the ceiling of the scale, for instance), so an effect in SD units would be inflated; "
    "read the gain in points instead."
)
SCALE_ENDS = gettext_noop(
    "More than 15% of the students scored at the top or the bottom of the scale at one "
    "occasion or both: the scale cannot show how far beyond it they were, so their gains are "
    "capped and the effect is distorted."
)

#: A share of students at the bottom or the top of the scale above which the result
#: says so (Terwee et al. 2007: floor or ceiling effects above 15%).
SCALE_END_SHARE = 0.15
#: The shares of :class:`PrePostEffect` (and columns of :func:`prepost_effect_by`) at the
#: scale's ends, in order; also the codes of :attr:`PrePostEffect.scale_ends`.
SCALE_END_COLUMNS = ["floor_pre", "floor_post", "ceiling_pre", "ceiling_post"]

#: Columns of :func:`prepost_effect_by`, in order.
PREPOST_COLUMNS = [
    "by",
    "d_av",
    "d_z",
    "r",
    "se",
    "ci_low",
    "ci_high",
    "d_z_se",
    "d_z_ci_low",
    "d_z_ci_high",
    "n",
    "expected_growth",
    "mean_pre",
    "mean_post",
    "sd_pre",
    "sd_post",
    "mean_gain",
    "sd_gain",
    "n_unpaired",
    *SCALE_END_COLUMNS,
    "suppressed",
    "reason",
    "reason_code",
]


@dataclass(frozen=True, kw_only=True)
class PrePostEffect(Result):
    """d_av with its SE and CI (``se``, ``ci``), d_z with its own, r, and the growth
    expected over the cycle's weeks (``expected_growth``, :func:`expected_growth`).

    ``floor_pre`` … ``ceiling_post`` are the shares of the paired students at the
    scale's bottom (``scale_min``) and top (``scale_max``) at each occasion (NaN
    without that bound); ``scale_ends`` names those above :data:`SCALE_END_SHARE`.
    """

    d_av: float = NAN
    d_z: float = NAN
    r: float = NAN
    se: float = NAN
    ci: ConfidenceInterval = _core.NO_CI
    d_z_se: float = NAN
    d_z_ci: ConfidenceInterval = _core.NO_CI
    expected_growth: float = NAN
    weeks: float = _core.SCHOOL_YEAR_WEEKS
    weeks_per_year: float = _core.SCHOOL_YEAR_WEEKS
    mean_pre: float = NAN
    mean_post: float = NAN
    sd_pre: float = NAN
    sd_post: float = NAN
    mean_gain: float = NAN
    sd_gain: float = NAN
    n_unpaired: int = 0
    scale_min: float | None = None
    scale_max: float | None = None
    floor_pre: float = NAN
    floor_post: float = NAN
    ceiling_pre: float = NAN
    ceiling_post: float = NAN
    scale_ends: tuple[str, ...] = ()


def _scale_bounds(scale_min: float | None, scale_max: float | None) -> None:
    for name, bound in (("lowest", scale_min), ("highest", scale_max)):
        if bound is not None and not (isinstance(bound, (int, float)) and math.isfinite(bound)):
            raise AnalysisError(f"The scale's {name} score must be a number, got {bound}.")
    if scale_min is not None and scale_max is not None and not scale_min < scale_max:
        raise AnalysisError(
            f"The scale's lowest score ({scale_min}) must be below its highest ({scale_max})."
        )


def _scale_end_shares(
    codes: np.ndarray,
    n_groups: int,
    x: np.ndarray,
    y: np.ndarray,
    scale_min: float | None,
    scale_max: float | None,
) -> dict[str, np.ndarray]:
    """Per group, the shares of paired students at or beyond each end of the scale at
    each occasion (:data:`SCALE_END_COLUMNS`; NaN where that bound is not given)."""
    n = np.bincount(codes, minlength=n_groups).astype(float)
    out = {}
    for end, bound, at_end in (
        ("floor", scale_min, np.less_equal),
        ("ceiling", scale_max, np.greater_equal),
    ):
        for occasion, scores in (("pre", x), ("post", y)):
            if bound is None:
                out[f"{end}_{occasion}"] = np.full(n_groups, np.nan)
                continue
            hits = np.bincount(codes, weights=at_end(scores, bound), minlength=n_groups)
            with np.errstate(all="ignore"):
                out[f"{end}_{occasion}"] = hits / n
    return out


def _weeks(weeks: float | None, *, default: float = _core.SCHOOL_YEAR_WEEKS) -> float:
    if weeks is None:
        return default
    if not (isinstance(weeks, (int, float)) and math.isfinite(weeks) and weeks > 0):
        raise AnalysisError(f"The cycle's length in weeks must be a positive number, got {weeks}.")
    return float(weeks)


def _weeks_per_year(weeks_per_year: float | None) -> float:
    if weeks_per_year is None:
        return _core.SCHOOL_YEAR_WEEKS
    if not (
        isinstance(weeks_per_year, (int, float))
        and math.isfinite(weeks_per_year)
        and weeks_per_year > 0
    ):
        raise AnalysisError(
            f"The weeks in a school year must be a positive number, got {weeks_per_year}."
        )
    return float(weeks_per_year)


def expected_growth(weeks: ArrayLike | None, *, weeks_per_year: float | None = None) -> Any:
    """The effect a cycle of ``weeks`` is expected to show: 0.40 × weeks / weeks-per-year.

    The Visible Learning hinge (Hattie 2009, *Visible Learning*, ch. 2: 0.40 is the
    average effect of a year of schooling) prorated to the cycle's length
    (``shared/STATISTICS.md``, "Expected growth"). ``weeks`` None means a full
    school year; ``weeks_per_year`` defaults to 40. Works elementwise on arrays.

    >>> expected_growth(10, weeks_per_year=40), round(expected_growth(10, weeks_per_year=36), 4)
    (0.1, 0.1111)
    """
    per_year = _weeks_per_year(weeks_per_year)
    if weeks is None:
        return _core.HINGE
    if np.ndim(weeks) == 0:
        return _core.HINGE * _weeks(float(weeks)) / per_year  # type: ignore[arg-type]
    return _core.HINGE * np.asarray(weeks, dtype=float) / per_year


def years_of_growth(
    effect: ArrayLike, weeks: ArrayLike | None, *, weeks_per_year: float | None = None
) -> Any:
    """``effect`` divided by its cycle's :func:`expected_growth`: a pace against the hinge.

    d / 0.40 × (weeks-per-year / weeks). A pace, not years: never show it as "years
    of growth" (``shared/STATISTICS.md``, "Expected growth"). Elementwise on arrays.

    >>> float(round(years_of_growth(0.2, 10, weeks_per_year=40), 4))
    2.0
    """
    with np.errstate(all="ignore"):
        return np.asarray(effect, dtype=float) / expected_growth(
            weeks, weeks_per_year=weeks_per_year
        )


def d_av_variance(
    d_av: ArrayLike, n: ArrayLike, sd_pre: ArrayLike, sd_post: ArrayLike, r: ArrayLike
) -> Any:
    """Sampling variance of d_av = mean gain / S, S = (s_pre + s_post)/2, by the delta method.

    Under bivariate normality the mean gain is independent of the two SDs, with
    Var(mean gain) = s_gain²/n = (s_pre² + s_post² − 2r·s_pre·s_post)/n, and
    Var(s) ≈ σ²/(2n), Cov(s_pre, s_post) ≈ ρ²σ_pre·σ_post/(2n) (the sample mean is
    independent of the sample covariance matrix, whose Wishart moments give
    Cov(s_pre², s_post²) = 2ρ²σ_pre²σ_post²/(n − 1): Anderson 2003, *An Introduction
    to Multivariate Statistical Analysis*, 3rd ed., chs. 3 and 7), so
    Var(S) ≈ (s_pre² + s_post² + 2r²·s_pre·s_post)/(8n) and::

        V = [s_pre² + s_post² − 2r·s_pre·s_post + d²(s_pre² + s_post² + 2r²·s_pre·s_post)/8] / (n·S²)

    With s_pre = s_post it is ``shared/STATISTICS.md``'s V = 2(1 − r)/n + d²(1 + r²)/(4n),
    to order 1/n the paired-design variance of Bonett (2008, "Confidence intervals for
    standardized linear contrasts of means", Psychol. Methods 13:99) for equal SDs. The
    general form keeps its coverage when the SDs differ (at SDs 1 and 2, r = .9, the
    equal-SD form covered 76–91%). Every student gaining the same (s_gain = 0, r = 1)
    still leaves V = d²/(2n) > 0. Works elementwise on arrays; a NaN r (one occasion
    does not vary) counts as 0, its term being multiplied by that occasion's zero SD.

    >>> round(float(d_av_variance(1.5, 24, 1.0, 1.0, 0.9)), 5)  # 2(.1)/24 + 2.25(1.81)/96
    0.05076
    """
    d = np.asarray(d_av, dtype=float)
    n = np.asarray(n, dtype=float)
    a, b = np.asarray(sd_pre, dtype=float), np.asarray(sd_post, dtype=float)
    r = np.nan_to_num(np.asarray(r, dtype=float))
    with np.errstate(all="ignore"):
        var_gain = np.maximum(a**2 + b**2 - 2 * r * a * b, 0.0)
        var_s = (a**2 + b**2 + 2 * r**2 * a * b) / 8
        return (var_gain + d**2 * var_s) / (n * ((a + b) / 2) ** 2)


def _from_moments(
    m: dict[str, np.ndarray], *, weeks: float, weeks_per_year: float, z: float
) -> dict[str, np.ndarray]:
    """Every field from paired moments (:func:`_core.group_moments` of pre and post),
    elementwise over groups."""
    n, mean_pre, mean_post = m["n"], m["mean_x"], m["mean_y"]
    ss_pre, ss_post, sp = m["ss_x"], m["ss_y"], m["sp_xy"]
    with np.errstate(all="ignore"):
        var_pre, var_post = _core.variance(ss_pre, n), _core.variance(ss_post, n)
        sd_pre, sd_post = np.sqrt(var_pre), np.sqrt(var_post)
        gain = mean_post - mean_pre
        sd_gain = np.sqrt(_core.variance(m["ss_diff"], n))
        d_av = gain / ((sd_pre + sd_post) / 2)
        flat_gain = _core.does_not_vary(m["range_diff"], m["magnitude"])
        d_z = np.where(flat_gain, np.nan, gain / sd_gain)
        r = np.clip(sp / (np.sqrt(ss_pre) * np.sqrt(ss_post)), -1.0, 1.0)
        se = np.sqrt(d_av_variance(d_av, n, sd_pre, sd_post, r))
        d_z_se = np.sqrt(1 / n + d_z**2 / (2 * n))
    return {
        "d_av": d_av,
        "d_z": d_z,
        "r": r,
        "se": se,
        "ci_low": d_av - z * se,
        "ci_high": d_av + z * se,
        "d_z_se": d_z_se,
        "d_z_ci_low": d_z - z * d_z_se,
        "d_z_ci_high": d_z + z * d_z_se,
        "expected_growth": np.full(
            np.shape(d_av), expected_growth(weeks, weeks_per_year=weeks_per_year)
        ),
        "mean_pre": mean_pre,
        "mean_post": mean_post,
        "sd_pre": sd_pre,
        "sd_post": sd_post,
        "mean_gain": gain,
        "sd_gain": sd_gain,
    }


def _flat(m: dict[str, np.ndarray]) -> np.ndarray:
    """Per group: no score varies at either occasion (judged on their range)."""
    return _core.does_not_vary(np.fmax(m["range_x"], m["range_y"]))


def _unusable(v: dict[str, np.ndarray], flat: np.ndarray) -> np.ndarray:
    """Per group: a mean, the gain, d_av, its SE or an SD is not finite (:func:`_core.not_finite`)."""
    sums = (v[k] for k in ("mean_pre", "mean_post", "mean_gain", "sd_gain", "d_av", "se"))
    return _core.not_finite(*sums, sd=(v["sd_pre"] + v["sd_post"]) / 2, varies=~flat)


def prepost_effect(
    pre: ArrayLike,
    post: ArrayLike,
    *,
    weeks: float | None = None,
    weeks_per_year: float | None = None,
    scale_min: float | None = None,
    scale_max: float | None = None,
    min_n: int = MIN_N,
    level: float = 0.95,
) -> PrePostEffect:
    """Pre/post effect of the students whose scores are ``pre[i]`` and ``post[i]``.

    A NaN marks a missing score; only students with both scores count (the
    others are ``n_unpaired``). ``weeks`` is the cycle's length (default a
    full school year) and ``weeks_per_year`` the school year's (default 40),
    for the expected growth. ``scale_min`` and ``scale_max``, the lowest and highest
    scores the measure allows (a rubric's levels), are optional: with them the
    result gives the shares of students at each end and says when more than 15%
    sit at one (their gains are capped). Below ``min_n`` paired students the
    result is suppressed, and so it is when every score at one occasion is the
    same (reason code :data:`~efficacy.analysis.results.FLAT_OCCASION`: d_av would
    double). Raises :class:`AnalysisError` for fewer than two pairs or when no
    score varies at either occasion, or when a mean or an SD is not a finite
    number (``not_finite``).

    >>> r = prepost_effect([1, 2, 3, 4], [2, 4, 4, 6], min_n=2)
    >>> round(r.d_av, 4), round(r.d_z, 4)
    (1.026, 2.5981)
    """
    min_n = _core.check_min_n(min_n)
    z = _core.z_for(level)
    per_year = _weeks_per_year(weeks_per_year)
    weeks_value = _weeks(weeks, default=per_year)
    _scale_bounds(scale_min, scale_max)
    x, y, n_unpaired = _pairs(pre, post)
    n = len(x)
    if n < 2:
        raise AnalysisError(
            f"Only {n} student(s) have both a pre and a post score; a pre/post effect needs two.",
            code=TOO_FEW_PAIRS,
        )
    m = _core.group_moments(np.zeros(n, dtype=np.int64), 1, x, y)
    out = _from_moments(m, weeks=weeks_value, weeks_per_year=per_year, z=z)
    flat = _flat(m)
    if flat[0]:
        raise AnalysisError(
            "No score varies at either occasion (zero variance), so a standardised effect "
            "cannot be computed.",
            code=NO_VARIANCE,
        )
    if _unusable(out, flat)[0]:
        raise _core.not_finite_error("mean, the gain or an SD of these scores")
    v = {k: float(a[0]) if np.ndim(a) else float(a) for k, a in out.items()}
    bounds = {"scale_min": scale_min, "scale_max": scale_max}

    def suppressed(**why: Any) -> PrePostEffect:
        return PrePostEffect(
            method=METHOD,
            n=n,
            n_unpaired=n_unpaired,
            weeks=weeks_value,
            weeks_per_year=per_year,
            suppressed=True,
            **bounds,
            **why,
        )

    if n < min_n:
        return suppressed(
            reason=_core.suppression_reason(n, min_n, what="class"),
            reason_code=TOO_FEW,
            min_n=min_n,
        )
    for spread, reason in (("range_x", FLAT_PRE), ("range_y", FLAT_POST)):
        if _core.does_not_vary(m[spread][0]):
            return suppressed(reason=reason, reason_code=FLAT_OCCASION)
    ends = {
        k: float(a[0])
        for k, a in _scale_end_shares(
            np.zeros(n, dtype=np.int64), 1, x, y, scale_min, scale_max
        ).items()
    }
    scale_ends = tuple(k for k in SCALE_END_COLUMNS if ends[k] > SCALE_END_SHARE)
    caveats = [NO_COMPARISON, HINGE_REFERENCE]
    if weeks is None:
        caveats.append(WEEKS_ASSUMED)
    if n < 20:
        caveats.append(SMALL_N)
    if math.isnan(v["d_z"]):
        caveats.append(GAINS_EQUAL)
    if scale_ends:
        caveats.append(SCALE_ENDS)
    return PrePostEffect(
        method=METHOD,
        n=n,
        caveats=tuple(caveats),
        d_av=v["d_av"],
        d_z=v["d_z"],
        r=v["r"],
        se=v["se"],
        ci=ConfidenceInterval(v["ci_low"], v["ci_high"], level),
        d_z_se=v["d_z_se"],
        d_z_ci=ConfidenceInterval(v["d_z_ci_low"], v["d_z_ci_high"], level),
        expected_growth=v["expected_growth"],
        weeks=weeks_value,
        weeks_per_year=per_year,
        mean_pre=v["mean_pre"],
        mean_post=v["mean_post"],
        sd_pre=v["sd_pre"],
        sd_post=v["sd_post"],
        mean_gain=v["mean_gain"],
        sd_gain=v["sd_gain"],
        n_unpaired=n_unpaired,
        **bounds,
        **ends,
        scale_ends=scale_ends,
    )


def prepost_effect_by(
    table: pd.DataFrame,
    *,
    by: str,
    id: str,
    score: str,
    occasion: str,
    pre: object,
    post: object,
    weeks: float | None = None,
    weeks_per_year: float | None = None,
    scale_min: float | None = None,
    scale_max: float | None = None,
    min_n: int = MIN_N,
    level: float = 0.95,
) -> pd.DataFrame:
    """:func:`prepost_effect` for every value of ``by``, in one vectorised pass.

    ``table`` is long: one row per student (``id``) and ``occasion``, with the
    ``score``; rows at other occasions are ignored. A student counts in a group
    when they have a score at both ``pre`` and ``post`` within that group.
    Returns one row per group with the columns in :data:`PREPOST_COLUMNS`:
    ``by``, ``d_av``, ``d_z``, ``r``, ``se``, ``ci_low``, ``ci_high`` (for d_av),
    ``d_z_se``, ``d_z_ci_low``, ``d_z_ci_high``, ``n`` (paired students),
    ``expected_growth``, ``mean_pre``, ``mean_post``, ``sd_pre``, ``sd_post``,
    ``mean_gain``, ``sd_gain``, ``n_unpaired``, the shares at the scale's ends
    (``floor_pre``, ``floor_post``, ``ceiling_pre``, ``ceiling_post``: NaN
    without ``scale_min`` / ``scale_max``), ``suppressed``, ``reason`` and
    ``reason_code``. A group is suppressed below ``min_n`` (``too_few``), when no
    score varies (``no_variance``) and when every score at one occasion is the
    same (``flat_occasion``), as :func:`prepost_effect`.
    """
    min_n = _core.check_min_n(min_n)
    z = _core.z_for(level)
    per_year = _weeks_per_year(weeks_per_year)
    weeks_value = _weeks(weeks, default=per_year)
    _scale_bounds(scale_min, scale_max)
    paired = _core.pair_scores(
        table, keys=[by], id=id, score=score, occasion=occasion, pre=pre, post=post
    )
    x, y = paired["pre"], paired["post"]
    codes, uniques = paired["codes"][by], paired["uniques"][by]
    n_groups = len(uniques)
    both = ~np.isnan(x) & ~np.isnan(y)
    one = (~np.isnan(x) | ~np.isnan(y)) & ~both
    m = _core.group_moments(codes[both], n_groups, x[both], y[both])
    out = _from_moments(m, weeks=weeks_value, weeks_per_year=per_year, z=z)
    out.update(_scale_end_shares(codes[both], n_groups, x[both], y[both], scale_min, scale_max))
    reasons = _core.small_group_reasons({"class": m["n"]}, min_n)
    flat = _flat(m)
    reason_codes = _core.reason_codes(reasons, flat, _unusable(out, flat))
    reasons[(reasons == None) & flat] = ZERO_VARIANCE  # noqa: E711
    for spread, reason in (("range_x", FLAT_PRE), ("range_y", FLAT_POST)):
        one_flat = (reasons == None) & _core.does_not_vary(m[spread])  # noqa: E711
        reasons[one_flat] = reason
        reason_codes[one_flat] = FLAT_OCCASION
    return _core.result_frame(
        PREPOST_COLUMNS,
        uniques,
        out,
        reasons,
        codes=reason_codes,
        n=m["n"],
        n_unpaired=np.bincount(codes[one], minlength=n_groups),
    )


@dataclass(frozen=True, kw_only=True)
class MeanGain(Result):
    """The mean gain of paired students (post − pre) with its paired t interval ``ci``."""

    mean_pre: float = NAN
    mean_post: float = NAN
    mean_gain: float = NAN
    sd_gain: float = NAN
    se: float = NAN
    df: int = 0
    ci: ConfidenceInterval = _core.NO_CI
    n_unpaired: int = 0


def paired_mean_gain(
    pre: ArrayLike, post: ArrayLike, *, min_n: int = MIN_N, level: float = 0.95
) -> MeanGain:
    """Mean gain from ``pre[i]`` to ``post[i]`` with its paired t confidence interval.

    Over the n students with both scores (a NaN marks a missing one), with
    gains g = post − pre::

        mean(g) ± t(1 − α/2, n − 1) · s_g / √n

    the paired (one-sample on the gains) t interval (Student 1908, "The probable
    error of a mean", Biometrika 6:1; Rosner, *Fundamentals of Biostatistics*,
    8th ed., §8.4); ``scipy.stats.ttest_rel(post, pre).confidence_interval()``
    gives the same. When every gain is equal the interval is that gain. Below
    ``min_n`` pairs the result is suppressed; fewer than two pairs raise
    :class:`AnalysisError`.

    >>> r = paired_mean_gain([1, 2, 3, 4], [2, 4, 4, 6], min_n=2)
    >>> r.mean_gain, round(r.ci.low, 4), round(r.ci.high, 4)
    (1.5, 0.5813, 2.4187)
    """
    min_n = _core.check_min_n(min_n)
    _core.check_level(level)
    x, y, n_unpaired = _pairs(pre, post)
    n = len(x)
    if n < 2:
        raise AnalysisError(
            f"Only {n} student(s) have both a pre and a post score; a mean gain's interval "
            "needs two.",
            code=TOO_FEW_PAIRS,
        )
    if n < min_n:
        return MeanGain(
            method=GAIN_METHOD,
            n=n,
            n_unpaired=n_unpaired,
            suppressed=True,
            reason=_core.suppression_reason(n, min_n),
        )
    gain = y - x
    mean_gain = float(_core.finite(gain.mean(), "mean gain"))
    sd_gain = float(_core.finite(gain.std(ddof=1), "SD of the gains"))
    se = sd_gain / math.sqrt(n)
    from scipy.special import stdtrit  # Student's t quantile (loaded when needed)

    half = float(stdtrit(n - 1, 0.5 + level / 2)) * se
    return MeanGain(
        method=GAIN_METHOD,
        n=n,
        caveats=(GAIN_NO_COMPARISON,) + ((SMALL_N,) if n < 20 else ()),
        mean_pre=float(x.mean()),
        mean_post=float(y.mean()),
        mean_gain=mean_gain,
        sd_gain=sd_gain,
        se=se,
        df=n - 1,
        ci=ConfidenceInterval(mean_gain - half, mean_gain + half, level),
        n_unpaired=n_unpaired,
    )


def _pairs(pre: ArrayLike, post: ArrayLike) -> tuple[np.ndarray, np.ndarray, int]:
    """The students with both scores, and how many have only one (both missing: not counted)."""
    x = _core.as_scores(pre, what="pre")
    y = _core.as_scores(post, what="post")
    if x.shape != y.shape:
        raise AnalysisError(
            f"There are {len(x)} pre scores but {len(y)} post scores; give one of each per "
            "student (NaN for a missing one)."
        )
    both = ~np.isnan(x) & ~np.isnan(y)
    n_unpaired = int((~both & ~(np.isnan(x) & np.isnan(y))).sum())
    return x[both], y[both], n_unpaired
