"""Random-effects pooling of many inquiry cycles' effects.

Each cycle contributes an effect y_i (e.g. a Hedges' g) with its sampling
variance v_i = SE_i². The random-effects model y_i = μ + u_i + e_i, with
u_i ~ N(0, τ²) and e_i ~ N(0, v_i), says cycles differ in their true effect;
τ² is how much. Formulas follow ``shared/STATISTICS.md``:

- weights w_i = 1/v_i, Q = Σ w_i (y_i − ȳ_w)², df = k − 1, C = Σw − Σw²/Σw;
- DerSimonian & Laird (1986): τ² = max(0, (Q − df)/C);
- REML (Viechtbauer 2005): τ² maximising the restricted log-likelihood on τ² ≥ 0;
- μ = Σ w*_i y_i / Σ w*_i with w*_i = 1/(v_i + τ²), SE = sqrt(1/Σw*);
- I² = τ²/(τ² + s²) for the τ² actually used, with the typical within-cycle variance
  s² = (k − 1)·Σw / ((Σw)² − Σw²) = (k − 1)/C (Higgins & Thompson 2002, eq. 9; metafor's
  ``rma``). For DL it equals max(0, (Q − df)/Q); for REML it does not, so an I² from Q
  could stand beside a τ² of 0 (Raudenbush 1985: REML I² 41.8%, the Q form 49.8%);
- prediction interval μ ± t_{k−2} · sqrt(τ² + SE²) (Higgins, Thompson & Spiegelhalter 2009);
- Hartung & Knapp (2001): q = Σ w*_i (y_i − μ)²/(k − 1), SE = sqrt(q/Σw*), CI with
  t_{k−1}; optionally max(1, q) (Knapp & Hartung 2003; Röver et al. 2015) so the
  adjustment never narrows the interval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, stats

from efficacy.analysis import _core
from efficacy.analysis._core import gettext_noop, z_for
from efficacy.analysis.results import AnalysisError, ConfidenceInterval, Result

Tau2Method = Literal["dl", "reml"]

#: What to do about a weight or a variance that is not finite.
CHECK_SES = (
    "check the standard errors (are they in the effects' units, and standard errors "
    "rather than variances?)."
)

METHODS = {
    "dl": gettext_noop("Random-effects meta-analysis (DerSimonian–Laird τ²)"),
    "reml": gettext_noop("Random-effects meta-analysis (REML τ²)"),
    "dl_hk": gettext_noop("Random-effects meta-analysis (DerSimonian–Laird τ², Hartung–Knapp)"),
    "reml_hk": gettext_noop("Random-effects meta-analysis (REML τ², Hartung–Knapp)"),
    "dl_hk_floor": gettext_noop(
        "Random-effects meta-analysis (DerSimonian–Laird τ², Hartung–Knapp max(1, q))"
    ),
    "reml_hk_floor": gettext_noop(
        "Random-effects meta-analysis (REML τ², Hartung–Knapp max(1, q))"
    ),
}


@dataclass(frozen=True, kw_only=True)
class MetaAnalysisResult(Result):
    """A random-effects pooled effect; ``n`` and ``k`` are the number of effects pooled."""

    estimate: float
    se: float
    ci: ConfidenceInterval
    prediction_interval: ConfidenceInterval
    tau2: float
    i2: float
    q: float
    df: int
    c: float
    k: int
    tau2_method: str
    hartung_knapp: bool


def _as_effects(effects: ArrayLike, ses: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(effects, dtype=float).ravel()
    se = np.asarray(ses, dtype=float).ravel()
    if y.shape != se.shape:
        raise AnalysisError(
            f"Got {y.size} effects but {se.size} standard errors: give one standard error per effect."
        )
    if y.size < 2:
        raise AnalysisError(
            f"A meta-analysis needs at least 2 effects; got {y.size}. Add more cycles' effects."
        )
    if not np.all(np.isfinite(y)):
        raise AnalysisError("An effect is missing or not a finite number: remove or fix that row.")
    if not np.all(np.isfinite(se)) or np.any(se <= 0):
        bad = int(np.flatnonzero(~(np.isfinite(se) & (se > 0)))[0])
        raise AnalysisError(
            f"Standard error number {bad + 1} is {float(se[bad])!r}: every standard error must be "
            "a positive number."
        )
    with np.errstate(all="ignore"):
        v = se**2
        w = 1.0 / v
    if not np.all(np.isfinite(v) & np.isfinite(w)):
        bad = int(np.flatnonzero(~(np.isfinite(v) & np.isfinite(w)))[0])
        raise _core.not_finite_error(
            f"variance SE² or the weight 1/SE² of effect number {bad + 1} (SE {float(se[bad])!r})",
            fix=CHECK_SES,
        )
    return y, v


def _weighted(y: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """(Σw, the weighted mean μ = Σw·y/Σw, Σw·(y − μ)²), summed so that w·y and
    (y − μ)² cannot overflow where the result itself would not: each weight is
    taken as a share of Σw, and each deviation times √w before it is squared."""
    sw = float(_core.finite(np.sum(w), "sum of the weights", fix=CHECK_SES))
    mean = float(np.sum(w / sw * y))
    with np.errstate(over="ignore"):  # an infinite sum is refused by the caller
        return sw, mean, float(np.sum(((y - mean) * np.sqrt(w)) ** 2))


def q_statistic(y: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Cochran's Q and C = Σw − Σw²/Σw for fixed-effect weights w = 1/v.

    C is summed as 2·Σ_j w_j·(Σ_{i<j} w_i / Σw), the same number (the cross terms
    of (Σw)² − Σw², over Σw) with only positive terms: no cancellation when one
    weight dwarfs the others, and no overflow of Σw². Raises :class:`AnalysisError`
    when Σw or Q is not a finite number.

    >>> q, c = q_statistic(np.array([0.1, 0.3, 0.5]), np.array([0.01, 0.01, 0.01]))
    >>> round(q, 12), round(c, 12)  # C = 300 − 3·100²/300
    (8.0, 200.0)
    """
    w = 1.0 / v
    sw, _, q = _weighted(y, w)
    _core.finite(q, "Q statistic (Σw·(y − ȳ)²)", fix="check the effects and standard errors.")
    before = np.concatenate([[0.0], np.cumsum(w)[:-1]])
    c = float(2 * np.sum(w * (before / sw)))
    return q, c


def i_squared(tau2: float, df: int, c: float) -> float:
    """I² = τ²/(τ² + s²), the share of the effects' variance that is between cycles.

    s² = (k − 1)·Σw / ((Σw)² − Σw²) is the typical within-cycle variance (Higgins &
    Thompson 2002, "Quantifying heterogeneity in a meta-analysis", Stat. Med. 21:1539,
    eq. 9; metafor's ``rma``); since (Σw)² − Σw² = Σw·C it is (k − 1)/C. With the DL τ²
    this is max(0, (Q − df)/Q); with the REML τ² it agrees with τ² (0 when τ² is 0).

    >>> round(i_squared(0.02, 18, 688.3), 4)
    0.4334
    """
    s2 = df / c
    return tau2 / (tau2 + s2)


def tau2_dl(y: ArrayLike, v: ArrayLike) -> float:
    """DerSimonian–Laird τ² = max(0, (Q − (k − 1))/C); never negative."""
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    q, c = q_statistic(y, v)
    return max(0.0, (q - (y.size - 1)) / c)


def reml_loglik(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    """Restricted log-likelihood of τ² (constant dropped), μ profiled out.

    ll_R(τ²) = −½ [Σ log(v_i + τ²) + log Σ w*_i + Σ w*_i (y_i − μ̂)²].
    """
    sw, _, q = _weighted(y, 1.0 / (v + tau2))
    return float(-0.5 * (np.sum(np.log(v + tau2)) + np.log(sw) + q))


def tau2_reml(y: ArrayLike, v: ArrayLike) -> float:
    """REML τ², the global maximum of :func:`reml_loglik` over τ² ≥ 0
    (:func:`maximise_over_tau2`)."""
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    spread = float(np.var(y)) + float(np.max(v))
    return maximise_over_tau2(lambda t: reml_loglik(t, y, v), spread)


def maximise_over_tau2(loglik: Callable[[float], float], spread: float) -> float:
    """The τ² ≥ 0 at the global maximum of ``loglik``, a log-likelihood of τ².

    The likelihood can be flat or (rarely) multimodal, and a Newton or Fisher
    scoring step can overshoot below zero. So: evaluate it on a log-spaced grid
    from 0 to well past any plausible τ² (100 × ``spread``, the variance of the
    effects plus the largest sampling variance), refine the best grid cell with a
    bounded Brent search, and keep τ² = 0 if the boundary is at least as good.
    """
    upper = float(_core.finite(100.0 * spread, "variance of the effects", fix=CHECK_SES))
    grid = np.concatenate([[0.0], np.geomspace(spread * 1e-8, upper, 200)])
    ll = np.array([loglik(t) for t in grid])
    best = int(np.argmax(ll))
    lo = grid[max(best - 1, 0)]
    hi = grid[min(best + 1, grid.size - 1)]
    candidates = [(ll[best], float(grid[best]))]
    if hi > lo:
        found = optimize.minimize_scalar(
            lambda t: -loglik(t),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": spread * 1e-12},
        )
        candidates.append((-float(found.fun), float(found.x)))
    candidates.append((loglik(0.0), 0.0))
    # Highest likelihood wins; ties go to the smaller τ².
    _, tau2 = max(candidates, key=lambda c: (c[0], -c[1]))
    return max(0.0, tau2)


def se_from_interval(low: ArrayLike, high: ArrayLike, level: float = 0.95) -> np.ndarray:
    """The standard error behind a normal-theory interval estimate ± z·SE: its
    half-width over z_{1−α/2}, so that stored intervals can be pooled.

    >>> float(se_from_interval(0.1, 0.5).round(4))  # half-width 0.2 / 1.96
    0.102
    """
    width = np.asarray(high, dtype=float) - np.asarray(low, dtype=float)
    return width / (2 * z_for(level))


def random_effects(
    effects: ArrayLike,
    ses: ArrayLike,
    *,
    method: Tau2Method = "reml",
    hartung_knapp: bool = False,
    hartung_knapp_floor: bool = False,
    level: float = 0.95,
) -> MetaAnalysisResult:
    """Pool k effects with their standard errors under a random-effects model.

    ``method`` picks the τ² estimator ("dl" DerSimonian–Laird or "reml").
    ``hartung_knapp`` uses the Hartung–Knapp SE and t_{k−1} for the CI;
    ``hartung_knapp_floor`` additionally uses max(1, q) so the interval is never
    narrower than the standard one. See the module docstring for the formulas.
    Raises :class:`AnalysisError` (code ``not_finite``) when a variance SE², a
    weight 1/SE², their sum, Q or τ² is not a finite number: an SE of 1e-170
    squares to 0, effects near 1e155 square to infinity.
    """
    if method not in ("dl", "reml"):
        raise AnalysisError(f"Unknown τ² method {method!r}: use 'dl' or 'reml'.")
    y, v = _as_effects(effects, ses)
    k = y.size
    df = k - 1
    q, c = q_statistic(y, v)
    tau2 = tau2_dl(y, v) if method == "dl" else tau2_reml(y, v)
    _core.finite(tau2, "between-cycle variance τ²", fix=CHECK_SES)

    sw, mu, q_star = _weighted(y, 1.0 / (v + tau2))
    se = float(np.sqrt(1.0 / sw))
    alpha = 1.0 - level
    use_hk = hartung_knapp or hartung_knapp_floor
    if use_hk:
        q_hk = q_star / df
        if hartung_knapp_floor:
            q_hk = max(1.0, q_hk)
        se = float(np.sqrt(q_hk / sw))
        crit = float(stats.t.ppf(1 - alpha / 2, df))
    else:
        crit = z_for(level)
    ci = ConfidenceInterval(mu - crit * se, mu + crit * se, level)

    if k >= 3:
        half = float(stats.t.ppf(1 - alpha / 2, k - 2)) * np.sqrt(tau2 + se**2)
        pi = ConfidenceInterval(float(mu - half), float(mu + half), level)
    else:
        pi = ConfidenceInterval(float("nan"), float("nan"), level)
    i2 = i_squared(tau2, df, c)

    caveats: list[str] = []
    if k < 5:
        caveats.append(
            gettext_noop(
                "Fewer than 5 effects were pooled: the between-cycle variance τ² is very uncertain."
            )
        )
    if k < 3:
        caveats.append(
            gettext_noop("A prediction interval needs at least 3 effects, so none is given.")
        )

    if not use_hk:
        label = METHODS[method]
    elif hartung_knapp_floor:
        label = METHODS[method + "_hk_floor"]
    else:
        label = METHODS[method + "_hk"]
    return MetaAnalysisResult(
        method=label,
        n=k,
        caveats=tuple(caveats),
        estimate=mu,
        se=se,
        ci=ci,
        prediction_interval=pi,
        tau2=tau2,
        i2=i2,
        q=q,
        df=df,
        c=c,
        k=k,
        tau2_method=method,
        hartung_knapp=use_hk,
    )
