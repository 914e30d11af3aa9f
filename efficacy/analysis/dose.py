"""Dose and impact: how class mean gains go with how fully classes used the strategies.

Each class i contributes its mean gain y_i (post − pre, in the measure's points,
students with both scores), the sampling variance of that mean v_i = s_gain,i²/n_i
and its dose x_i: the mean of its teacher's logged ratings (0 not used to 3 fully)
or the share of look-fors observers saw in its lessons. The mixed-effects
meta-regression (random-effects meta-regression)

    y_i = β0 + β1·x_i + u_i + e_i,   u_i ~ N(0, τ²),   e_i ~ N(0, v_i)

says classes differ in their gains beyond sampling error (τ², the residual
heterogeneity) and asks how the gain changes with the dose (β1, the slope). With
X = [1, x], W = diag(w_i), w_i = 1/(v_i + τ²) (Raudenbush 2009, "Analyzing effect
sizes: random-effects models", in *The Handbook of Research Synthesis and
Meta-Analysis*, 2nd ed., ch. 16; Viechtbauer 2010, J. Stat. Softw. 36(3), metafor's
``rma(yi, vi, mods = ~ x)``):

- β̂ = (XᵀWX)⁻¹XᵀWy, Var(β̂) = (XᵀWX)⁻¹; the slope's CI β̂1 ± z·SE;
- REML (the default): τ² maximising the restricted log-likelihood, truncated at 0,
  ll_R(τ²) = −½[Σ log(v_i + τ²) + log det(XᵀWX) + Σ w_i (y_i − x_iᵀβ̂)²];
- DerSimonian–Laird for a meta-regression (method of moments): with fixed-effect
  weights w⁰ = 1/v, P = W⁰ − W⁰X(XᵀW⁰X)⁻¹XᵀW⁰, Q_E = yᵀPy and
  τ² = max(0, (Q_E − (k − 2)) / tr P);
- Hartung–Knapp (Knapp & Hartung 2003): q = Σ w_i (y_i − x_iᵀβ̂)²/(k − 2),
  SE = sqrt(q · [(XᵀWX)⁻¹]₁₁), CI with t_{k−2}; optionally max(1, q) so the
  interval is never narrower than the z one (Röver, Knapp & Friede 2015). With the
  few classes of a cycle the z interval is too narrow, so Hartung–Knapp is the
  default here.

Classes below ``min_n`` students are left out and only counted (``n_suppressed``),
never sized; a class without a dose (NaN: nobody logged, nobody observed it) is
left out and counted (``n_no_dose``). The slope is a correlation across classes,
never evidence that the strategies caused the gains.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from efficacy.analysis import _core
from efficacy.analysis._core import gettext_noop, z_for
from efficacy.analysis.meta import CHECK_SES, maximise_over_tau2
from efficacy.analysis.results import (
    MIN_N,
    NO_VARIANCE,
    NO_WITHIN_VARIANCE,
    TOO_FEW_CLUSTERS,
    AnalysisError,
    ConfidenceInterval,
    Result,
)

Tau2Method = Literal["dl", "reml"]

#: The fewest classes a slope is estimated from: two coefficients and one residual df.
MIN_CLASSES = 3

#: The caveat every dose-response result carries: a correlation, not a cause.
CORRELATION = gettext_noop(
    "This is a correlation across classes, not proof of cause: classes that used the "
    "strategies more fully may differ in other ways (their students, their teacher, the "
    "time they had)."
)
FEW_CLASSES = gettext_noop(
    "Fewer than 10 classes: the slope and the between-class variance τ² are very uncertain."
)
LEFT_OUT = gettext_noop(
    "Classes below the reporting threshold were left out of the estimate (counted, not sized)."
)

METHODS = {
    "reml": gettext_noop("Random-effects meta-regression of class mean gains on dose (REML τ²)"),
    "dl": gettext_noop(
        "Random-effects meta-regression of class mean gains on dose (DerSimonian–Laird τ²)"
    ),
}
HK_SUFFIX = {
    False: "",
    True: gettext_noop(", Hartung–Knapp interval"),
}


@dataclass(frozen=True, kw_only=True)
class DoseResponse(Result):
    """The slope of class mean gain on dose; ``n`` (= ``k``) is the number of classes used.

    ``slope`` is the change in mean gain (the gain's units) per unit of dose, with
    ``se`` and ``ci``; ``intercept`` the predicted gain at dose 0; ``tau2`` the
    residual between-class variance; ``qe`` the residual heterogeneity statistic
    Q_E (fixed-effect weights, df = k − 2); ``dose_low`` / ``dose_high`` the range
    of the doses used (read the slope only inside it).
    """

    slope: float
    se: float
    ci: ConfidenceInterval
    intercept: float
    intercept_se: float
    tau2: float
    qe: float
    k: int
    df: int
    dose_low: float
    dose_high: float
    n_suppressed: int
    n_no_dose: int
    tau2_method: str
    hartung_knapp: bool


def class_mean_gains(gains: ArrayLike, classes: ArrayLike) -> pd.DataFrame:
    """Per class: ``n`` students, ``mean_gain`` and ``variance``, the sampling variance of
    the mean gain, s²/n (s² with ddof = 1; NaN for a class of one), in one vectorised
    pass: the inputs of :func:`dose_response`. ``class`` holds the labels, sorted.

    >>> class_mean_gains([1.0, 3.0, 2.0, 2.0, 5.0], ["b", "b", "a", "a", "a"]).round(4)
      class    n  mean_gain  variance
    0     a  3.0        3.0       1.0
    1     b  2.0        2.0       1.0
    """
    y = _vector(gains, "gain")
    codes, labels = pd.factorize(pd.Series(np.asarray(classes).ravel()), sort=True)
    if codes.size != y.size or np.any(codes < 0) or np.isnan(y).any():
        raise AnalysisError("Give one class label and one gain per student, none missing.")
    m = _core.group_moments(codes, len(labels), y)
    _core.finite(m["mean_x"], "mean gain of a class")
    var = _core.variance(m["ss_x"], m["n"]) / m["n"]
    _core.finite(var[m["n"] >= 2], "variance of a class's gains")
    return pd.DataFrame(
        {"class": np.asarray(labels), "n": m["n"], "mean_gain": m["mean_x"], "variance": var}
    )


def _vector(values: ArrayLike, what: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"The {what} must be numbers ({exc}).") from None
    if np.isinf(arr).any():
        raise _core.not_finite_error(f"{what} of a class")
    return arr


def dose_response(
    dose: ArrayLike,
    gain: ArrayLike,
    gain_variance: ArrayLike,
    n: ArrayLike,
    *,
    min_n: int = MIN_N,
    method: Tau2Method = "reml",
    hartung_knapp: bool = True,
    hartung_knapp_floor: bool = True,
    level: float = 0.95,
) -> DoseResponse:
    """Regress class mean gains on dose, weighting by 1/(v_i + τ²) (module docstring).

    One element per class: ``dose`` (NaN: the class has none, left out),
    ``gain`` its mean gain, ``gain_variance`` the sampling variance of that mean
    (SD of the gains² / n), ``n`` its students with both scores. Classes with
    ``n < min_n`` are left out and counted in ``n_suppressed``. Fewer than
    :data:`MIN_CLASSES` classes left gives a suppressed result (``reason_code``
    ``too_few_clusters``). Raises :class:`AnalysisError` when the doses do not vary
    (code ``no_variance``), when a class's gains do not vary (its sampling variance
    is 0: code ``no_within_variance``), and (code ``not_finite``) when a value, a
    weight or a sum is not a finite number.

    metafor's README fits ``rma(yi, vi, mods = ~ ablat, test="knha")`` to the BCG
    trials (log risk ratios on absolute latitude): slope −0.0291, SE 0.0082, 95% CI
    −0.0472 to −0.0111, τ² 0.0764. The same, without the max(1, q) floor:

    >>> a = np.array([4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27])
    >>> b = np.array([119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448,
    ...               2493, 16886])
    >>> c = np.array([11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29])
    >>> d = np.array([128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197,
    ...               2338, 17825])
    >>> ablat = [44, 55, 42, 52, 13, 44, 19, 13, 27, 42, 18, 33, 33]
    >>> yi = np.log(a / (a + b)) - np.log(c / (c + d))
    >>> vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    >>> r = dose_response(ablat, yi, vi, a + b + c + d, hartung_knapp_floor=False)
    >>> round(r.slope, 4), round(r.se, 4), round(r.ci.low, 4), round(r.ci.high, 4)
    (-0.0291, 0.0082, -0.0472, -0.0111)
    >>> abs(r.tau2 - 0.0764) < 1e-4, r.k  # metafor stops its iterations at a change of 1e-5
    (True, 13)
    """
    if method not in METHODS:
        raise AnalysisError(f"Unknown τ² method {method!r}: use 'dl' or 'reml'.")
    min_n = _core.check_min_n(min_n)
    _core.check_level(level)
    x = _vector(dose, "dose")
    y = _vector(gain, "mean gain")
    v = _vector(gain_variance, "sampling variance of the mean gain")
    sizes = _vector(n, "number of students")
    if not (x.size == y.size == v.size == sizes.size):
        raise AnalysisError(
            f"Got {x.size} doses, {y.size} gains, {v.size} variances and {sizes.size} class "
            "sizes: give one of each per class."
        )
    if np.isnan(sizes).any():
        raise AnalysisError("A class size is missing: give every class its number of students.")
    small = sizes < min_n
    no_dose = ~small & np.isnan(x)
    used = ~small & ~no_dose
    x, y, v = x[used], y[used], v[used]
    if np.isnan(y).any() or np.isnan(v).any():
        raise AnalysisError(
            "A class's mean gain or its sampling variance is missing: remove or fix that class."
        )
    if np.any(v < 0):
        raise AnalysisError("A sampling variance is negative: give variances (SE²), not gains.")
    k = int(x.size)
    label = METHODS[method] + HK_SUFFIX[hartung_knapp]
    counts = {"n_suppressed": int(small.sum()), "n_no_dose": int(no_dose.sum())}
    caveats = [CORRELATION]
    if counts["n_suppressed"]:
        caveats.append(LEFT_OUT)
    if k < MIN_CLASSES:
        return _too_few(k, label, method, hartung_knapp, level, caveats, counts)
    spread = np.ptp(x)
    if _core.does_not_vary(spread, magnitude=np.max(np.abs(x))):
        raise AnalysisError(
            "Every class has the same dose, so there is no slope to estimate.", code=NO_VARIANCE
        )
    if np.any(v == 0):
        raise AnalysisError(
            "In a class every student gained the same, so its mean gain has no sampling "
            "variance to weight it by.",
            code=NO_WITHIN_VARIANCE,
        )
    with np.errstate(all="ignore"):
        fixed = 1.0 / v
    _core.finite(fixed, "weight 1/v of a class", fix=CHECK_SES)
    design = np.column_stack([np.ones(k), x])
    # An overflow shows as an infinite sum, which the finite checks refuse.
    with np.errstate(over="ignore", invalid="ignore"):
        if method == "dl":
            tau2 = _tau2_dl(design, y, v)
        else:
            scale = float(np.var(y)) + float(np.max(v))
            tau2 = maximise_over_tau2(lambda t: _reml_loglik(t, design, y, v), scale)
        _core.finite(tau2, "between-class variance τ²", fix=CHECK_SES)
        beta, cov, residual_q = _fit(design, y, v + tau2)
        qe = _fit(design, y, v)[2]
    df = k - 2
    if hartung_knapp:
        q = residual_q / df
        if hartung_knapp_floor:
            q = max(1.0, q)
        cov = cov * q
        crit = float(stats.t.ppf(0.5 + level / 2, df))
    else:
        crit = z_for(level)
    se = float(np.sqrt(cov[1, 1]))
    _core.finite(se, "standard error of the slope", fix=CHECK_SES)
    slope = float(beta[1])
    if k < 10:
        caveats.append(FEW_CLASSES)
    return DoseResponse(
        method=label,
        n=k,
        caveats=tuple(caveats),
        slope=slope,
        se=se,
        ci=ConfidenceInterval(slope - crit * se, slope + crit * se, level),
        intercept=float(beta[0]),
        intercept_se=float(np.sqrt(cov[0, 0])),
        tau2=tau2,
        qe=qe,
        k=k,
        df=df,
        dose_low=float(x.min()),
        dose_high=float(x.max()),
        tau2_method=method,
        hartung_knapp=hartung_knapp,
        **counts,
    )


def _fit(
    design: np.ndarray, y: np.ndarray, total_v: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """Weighted least squares with weights 1/total_v: (β̂, (XᵀWX)⁻¹, Σw·residual²)."""
    w = 1.0 / total_v
    xtwx = design.T @ (design * w[:, None])
    _core.finite(xtwx, "weighted sum of the doses", fix=CHECK_SES)
    cov = np.linalg.inv(xtwx)
    beta = cov @ (design.T @ (w * y))
    residual = y - design @ beta
    q = float(_core.finite(np.sum(w * residual**2), "weighted sum of squared residuals"))
    return beta, cov, q


def _reml_loglik(tau2: float, design: np.ndarray, y: np.ndarray, v: np.ndarray) -> float:
    """Restricted log-likelihood of τ² (constant dropped), β profiled out."""
    w = 1.0 / (v + tau2)
    xtwx = design.T @ (design * w[:, None])
    beta = np.linalg.solve(xtwx, design.T @ (w * y))
    residual = y - design @ beta
    _sign, logdet = np.linalg.slogdet(xtwx)
    return float(-0.5 * (np.sum(np.log(v + tau2)) + logdet + np.sum(w * residual**2)))


def _tau2_dl(design: np.ndarray, y: np.ndarray, v: np.ndarray) -> float:
    """Method-of-moments τ² of a meta-regression, max(0, (Q_E − (k − p)) / tr P)."""
    w = 1.0 / v
    _beta, cov, qe = _fit(design, y, v)
    trace_p = float(np.sum(w) - np.trace(cov @ (design.T @ (design * (w**2)[:, None]))))
    k, p = design.shape
    return max(0.0, (qe - (k - p)) / trace_p)


def _too_few(
    k: int,
    label: str,
    method: str,
    hartung_knapp: bool,
    level: float,
    caveats: list[str],
    counts: dict[str, int],
) -> DoseResponse:
    nan = float("nan")
    return DoseResponse(
        method=label,
        n=k,
        caveats=tuple(caveats),
        suppressed=True,
        reason=(
            f"Suppressed: {k} class(es) with a dose and at least the reporting threshold of "
            f"students; a slope needs at least {MIN_CLASSES}."
        ),
        reason_code=TOO_FEW_CLUSTERS,
        slope=nan,
        se=nan,
        ci=ConfidenceInterval(nan, nan, level),
        intercept=nan,
        intercept_se=nan,
        tau2=nan,
        qe=nan,
        k=k,
        df=max(k - 2, 0),
        dose_low=nan,
        dose_high=nan,
        tau2_method=method,
        hartung_knapp=hartung_knapp,
        **counts,
    )
