"""Pre/post effect on the same students, with no comparison group.

Formulas (``shared/STATISTICS.md``; Lakens 2013, "Calculating and reporting
effect sizes to facilitate cumulative science", Front. Psychol. 4:863):

- gain = post − pre, over students with both scores only
- d_av = mean(gain) / ((s_pre + s_post)/2): the Visible Learning convention,
  labelled "pre/post effect (no comparison group)"
- d_z = mean(gain) / s_gain; r = correlation of pre and post
- SE(d_av) = sqrt((1/n + d_av²/(2n)) · 2(1 − r)) (Borenstein, Hedges, Higgins &
  Rothstein 2009, eq. 4.28, a repeated-measures d on the raw-score SD);
  SE(d_z) = sqrt(1/n + d_z²/(2n)); CIs estimate ± z·SE
- years of growth = d_av / 0.40 × (40 / weeks of the cycle)

d_av includes ordinary growth and ignores the pre/post correlation: it is not
an effect of a strategy, and every result says so in its caveats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from efficacy.analysis import _core
from efficacy.analysis._core import gettext_noop
from efficacy.analysis.results import MIN_N, AnalysisError, ConfidenceInterval, Result

METHOD = gettext_noop("pre/post effect (no comparison group)")
NAN = math.nan

NO_COMPARISON = gettext_noop(
    "Pre/post effect with no comparison group: it includes the growth students make "
    "anyway and is not evidence that the strategy caused it."
)
HINGE_REFERENCE = gettext_noop(
    "Years of growth compare the effect with 0.40 per school year, an average across "
    "ages; normal yearly growth is much larger in early grades than in high school. "
    "Read it as a reference, not a verdict."
)
WEEKS_ASSUMED = gettext_noop(
    "The cycle's length was not given, so years of growth assume a full school year."
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
    "years_growth",
    "mean_pre",
    "mean_post",
    "sd_pre",
    "sd_post",
    "mean_gain",
    "sd_gain",
    "n_unpaired",
    "suppressed",
    "reason",
]


@dataclass(frozen=True, kw_only=True)
class PrePostEffect(Result):
    """d_av with its SE and CI (``se``, ``ci``), d_z with its own, r and years of growth."""

    d_av: float = NAN
    d_z: float = NAN
    r: float = NAN
    se: float = NAN
    ci: ConfidenceInterval = _core.NO_CI
    d_z_se: float = NAN
    d_z_ci: ConfidenceInterval = _core.NO_CI
    years_growth: float = NAN
    weeks: float = _core.SCHOOL_YEAR_WEEKS
    mean_pre: float = NAN
    mean_post: float = NAN
    sd_pre: float = NAN
    sd_post: float = NAN
    mean_gain: float = NAN
    sd_gain: float = NAN
    n_unpaired: int = 0


def _weeks(weeks: float | None) -> float:
    if weeks is None:
        return _core.SCHOOL_YEAR_WEEKS
    if not (isinstance(weeks, (int, float)) and math.isfinite(weeks) and weeks > 0):
        raise AnalysisError(f"The cycle's length in weeks must be a positive number, got {weeks}.")
    return float(weeks)


def _from_moments(m: dict[str, np.ndarray], *, weeks: float, z: float) -> dict[str, np.ndarray]:
    """Every field from paired moments (:func:`_core.group_moments` of pre and post),
    elementwise over groups."""
    n, mean_pre, mean_post = m["n"], m["mean_x"], m["mean_y"]
    ss_pre, ss_post, sp = m["ss_x"], m["ss_y"], m["sp_xy"]
    with np.errstate(all="ignore"):
        var_pre, var_post = _core.variance(ss_pre, n), _core.variance(ss_post, n)
        sd_pre, sd_post = np.sqrt(var_pre), np.sqrt(var_post)
        gain = mean_post - mean_pre
        sd_gain = np.sqrt(np.maximum(_core.variance(ss_pre + ss_post - 2 * sp, n), 0.0))
        d_av = gain / ((sd_pre + sd_post) / 2)
        flat_gain = _core.is_zero_variance(sd_gain, np.fmax(np.abs(mean_pre), np.abs(mean_post)))
        d_z = np.where(flat_gain, np.nan, gain / sd_gain)
        r = np.clip(sp / np.sqrt(ss_pre * ss_post), -1.0, 1.0)
        # With r undefined (one occasion constant) the gains' own spread stands in.
        one_minus_r = np.where(np.isnan(r), 0.5, 1 - r)
        se = np.sqrt((1 / n + d_av**2 / (2 * n)) * 2 * one_minus_r)
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
        "years_growth": d_av / _core.HINGE * (_core.SCHOOL_YEAR_WEEKS / weeks),
        "mean_pre": mean_pre,
        "mean_post": mean_post,
        "sd_pre": sd_pre,
        "sd_post": sd_post,
        "mean_gain": gain,
        "sd_gain": sd_gain,
    }


def prepost_effect(
    pre: ArrayLike,
    post: ArrayLike,
    *,
    weeks: float | None = None,
    min_n: int = MIN_N,
    level: float = 0.95,
) -> PrePostEffect:
    """Pre/post effect of the students whose scores are ``pre[i]`` and ``post[i]``.

    A NaN marks a missing score; only students with both scores count (the
    others are ``n_unpaired``). ``weeks`` is the cycle's length (default a
    40-week school year). Below ``min_n`` paired students the result is
    suppressed. Raises :class:`AnalysisError` for fewer than two pairs or when no
    score varies.

    >>> r = prepost_effect([1, 2, 3, 4], [2, 4, 4, 6], min_n=2)
    >>> round(r.d_av, 4), round(r.d_z, 4)
    (1.026, 2.5981)
    """
    min_n = _core.check_min_n(min_n)
    z = _core.z_for(level)
    weeks_value = _weeks(weeks)
    x = _core.as_scores(pre, what="pre")
    y = _core.as_scores(post, what="post")
    if x.shape != y.shape:
        raise AnalysisError(
            f"There are {len(x)} pre scores but {len(y)} post scores; give one of each per "
            "student (NaN for a missing one)."
        )
    both = ~np.isnan(x) & ~np.isnan(y)
    n_unpaired = int((~both & ~(np.isnan(x) & np.isnan(y))).sum())
    x, y = x[both], y[both]
    n = len(x)
    if n < 2:
        raise AnalysisError(
            f"Only {n} student(s) have both a pre and a post score; a pre/post effect needs two."
        )
    m = _core.group_moments(np.zeros(n, dtype=np.int64), 1, x, y)
    v = {
        k: float(a[0]) if np.ndim(a) else float(a)
        for k, a in _from_moments(m, weeks=weeks_value, z=z).items()
    }
    if math.isnan(v["d_av"]) or _core.is_zero_variance(
        (v["sd_pre"] + v["sd_post"]) / 2, max(abs(v["mean_pre"]), abs(v["mean_post"]))
    ):
        raise AnalysisError(
            "No score varies at either occasion (zero variance), so a standardised effect "
            "cannot be computed."
        )
    if n < min_n:
        return PrePostEffect(
            method=METHOD,
            n=n,
            n_unpaired=n_unpaired,
            weeks=weeks_value,
            suppressed=True,
            reason=_core.suppression_reason(n, min_n, what="class"),
        )
    caveats = [NO_COMPARISON, HINGE_REFERENCE]
    if weeks is None:
        caveats.append(WEEKS_ASSUMED)
    if n < 20:
        caveats.append(SMALL_N)
    if math.isnan(v["d_z"]):
        caveats.append(GAINS_EQUAL)
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
        years_growth=v["years_growth"],
        weeks=weeks_value,
        mean_pre=v["mean_pre"],
        mean_post=v["mean_post"],
        sd_pre=v["sd_pre"],
        sd_post=v["sd_post"],
        mean_gain=v["mean_gain"],
        sd_gain=v["sd_gain"],
        n_unpaired=n_unpaired,
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
    ``years_growth``, ``mean_pre``, ``mean_post``, ``sd_pre``, ``sd_post``,
    ``mean_gain``, ``sd_gain``, ``n_unpaired``, ``suppressed`` and ``reason``.
    """
    min_n = _core.check_min_n(min_n)
    z = _core.z_for(level)
    weeks_value = _weeks(weeks)
    paired = _core.pair_scores(
        table, keys=[by], id=id, score=score, occasion=occasion, pre=pre, post=post
    )
    x, y = paired["pre"], paired["post"]
    codes, uniques = paired["codes"][by], paired["uniques"][by]
    n_groups = len(uniques)
    both = ~np.isnan(x) & ~np.isnan(y)
    one = (~np.isnan(x) | ~np.isnan(y)) & ~both
    m = _core.group_moments(codes[both], n_groups, x[both], y[both])
    out = _from_moments(m, weeks=weeks_value, z=z)
    reasons = _core.small_group_reasons({"class": m["n"]}, min_n)
    scale = np.fmax(np.abs(m["mean_x"]), np.abs(m["mean_y"]))
    flat = _core.is_zero_variance((out["sd_pre"] + out["sd_post"]) / 2, scale)
    reasons[(reasons == None) & flat] = ZERO_VARIANCE  # noqa: E711
    return _core.result_frame(
        PREPOST_COLUMNS,
        uniques,
        out,
        reasons,
        n=m["n"],
        n_unpaired=np.bincount(codes[one], minlength=n_groups),
    )
