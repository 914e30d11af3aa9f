"""Reliability of a survey scale (e.g. the collective efficacy index).

Formulas (``shared/STATISTICS.md``):

- items listed as reversed are recoded x' = min + max − x first;
- complete cases only (a respondent missing any item is left out and counted);
- Cronbach's α = k/(k − 1) · (1 − Σ s_item² / s_total²) (Cronbach 1951);
- Feldt (1965) CI: 1 − (1 − α)·F_{1−c/2}(n − 1, (n − 1)(k − 1)) to
  1 − (1 − α)·F_{c/2}(n − 1, (n − 1)(k − 1)), with c = 1 − level;
- McDonald's ω = (Σλ)² / ((Σλ)² + Σθ) (McDonald 1999, ch. 6), with loadings λ and
  uniquenesses θ of a one-factor model fitted to the item covariance matrix S by
  maximum likelihood: minimise log|Σ| + tr(SΣ⁻¹) with Σ = λλ' + diag(θ) and θ ≥ a
  small floor (so a Heywood case stays on the boundary rather than going
  negative), by L-BFGS-B with the analytic gradient (Jöreskog 1967), started from
  the first principal axis;
- corrected item-total correlation: each item against the sum of the other items;
- α if item deleted: α of the other k − 1 items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from efficacy.analysis import _core
from efficacy.analysis._core import gettext_noop
from efficacy.analysis.results import (
    MIN_N,
    NO_VARIANCE,
    TOO_FEW,
    AnalysisError,
    ConfidenceInterval,
    Result,
    suppression_reason,
)


@dataclass(frozen=True, kw_only=True)
class ReliabilityResult(Result):
    """α with its Feldt CI, ω and per-item statistics; ``n`` counts complete respondents."""

    alpha: float
    alpha_ci: ConfidenceInterval
    omega: float
    k: int
    n_dropped: int
    items: tuple[str, ...]
    reversed_items: tuple[str, ...]
    item_total_correlation: dict[str, float]
    alpha_if_deleted: dict[str, float]
    loadings: dict[str, float]


def reverse_items(
    items: pd.DataFrame, columns: Sequence[str], *, scale_min: float, scale_max: float
) -> pd.DataFrame:
    """Recode ``columns`` as x' = min + max − x (applying it twice gives the original)."""
    out = items.copy()
    for column in columns:
        out[column] = scale_min + scale_max - out[column]
    return out


def cronbach_alpha(x: np.ndarray) -> float:
    """α of an (n × k) matrix of complete responses."""
    k = x.shape[1]
    total_var = np.var(x.sum(axis=1), ddof=1)
    return float(k / (k - 1) * (1 - np.var(x, axis=0, ddof=1).sum() / total_var))


def feldt_ci(alpha: float, n: int, k: int, level: float = 0.95) -> ConfidenceInterval:
    """Feldt (1965) confidence interval for α from n respondents and k items."""
    c = 1 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.ppf(1 - c / 2, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(c / 2, df1, df2)
    return ConfidenceInterval(float(low), float(high), level)


def one_factor_ml(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Loadings and uniquenesses of a one-factor ML model fitted to ``cov``."""
    k = cov.shape[0]
    scale = np.sqrt(np.diag(cov))
    s = cov / np.outer(scale, scale)  # fit on correlations, rescale after: better conditioned
    values, vectors = np.linalg.eigh(s)
    lam0 = vectors[:, -1] * np.sqrt(max(values[-1], 1e-6))
    lam0 *= np.sign(lam0.sum()) or 1.0
    floor = 1e-4
    theta0 = np.clip(1 - lam0**2, floor, None)

    def objective(p: np.ndarray) -> tuple[float, np.ndarray]:
        lam, theta = p[:k], p[k:]
        sigma = np.outer(lam, lam) + np.diag(theta)
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return 1e10, np.zeros_like(p)
        inv = np.linalg.inv(sigma)
        value = logdet + np.trace(s @ inv)
        g = inv - inv @ s @ inv
        return float(value), np.concatenate([2 * g @ lam, np.diag(g)])

    bounds = [(None, None)] * k + [(floor, None)] * k
    fit = optimize.minimize(
        objective,
        np.concatenate([lam0, theta0]),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-10},
    )
    lam, theta = fit.x[:k], fit.x[k:]
    lam = lam * (np.sign(lam.sum()) or 1.0)
    return lam * scale, theta * scale**2


def mcdonald_omega(x: np.ndarray) -> tuple[float, np.ndarray]:
    """ω (one factor) and the loadings, from an (n × k) matrix of complete responses."""
    cov = _core.finite(np.cov(x, rowvar=False), "covariance of two items")
    lam, theta = one_factor_ml(cov)
    common = lam.sum() ** 2
    return float(common / (common + theta.sum())), lam


def reliability(
    items: pd.DataFrame,
    *,
    reverse: Sequence[str] = (),
    scale_min: float | None = None,
    scale_max: float | None = None,
    min_n: int = MIN_N,
    level: float = 0.95,
) -> ReliabilityResult:
    """Cronbach's α (Feldt CI), McDonald's ω and item statistics of a scale.

    ``items`` has one numeric column per item and one row per respondent.
    ``reverse`` names the items to recode with ``scale_min`` / ``scale_max``,
    which, when given, are also checked against every answer. Fewer than
    ``min_n`` complete respondents gives a suppressed result. Whether answers vary
    is judged on their range (max − min); an SD, a total or a covariance that is
    not a finite number is refused (:class:`AnalysisError`, code ``not_finite``).
    """
    columns = [str(c) for c in items.columns]
    k = len(columns)
    if k < 2:
        raise AnalysisError(f"Reliability needs at least 2 items; got {k}. Name more items.")
    unknown = [c for c in reverse if c not in columns]
    if unknown:
        raise AnalysisError(
            f"Reversed item {unknown[0]!r} is not one of the items ({', '.join(columns)})."
        )
    if reverse and (scale_min is None or scale_max is None):
        raise AnalysisError("Reversing items needs the scale's minimum and maximum.")
    if scale_min is not None and scale_max is not None and scale_min >= scale_max:
        raise AnalysisError(
            f"The scale minimum ({scale_min:g}) must be below its maximum ({scale_max:g})."
        )
    data = items.copy()
    data.columns = columns
    try:
        data = data.astype(float)
    except (TypeError, ValueError):
        raise AnalysisError("Every item must hold numbers: check the item columns.") from None
    complete = data.dropna()
    n_dropped = len(data) - len(complete)
    if not np.isfinite(complete.to_numpy()).all():
        raise AnalysisError("An answer is infinite: fix that cell.")
    for bound, test in ((scale_min, complete.lt), (scale_max, complete.gt)):
        if bound is None:
            continue
        outside = test(bound)
        if outside.to_numpy().any():
            col = outside.any().idxmax()
            row = int(np.flatnonzero(outside[col].to_numpy())[0])
            value = complete[col].iloc[row]
            raise AnalysisError(
                f"Item {col!r} has the answer {value:g}, outside the scale "
                f"{scale_min:g} to {scale_max:g}: fix the answer or the scale range."
            )
    if reverse:
        complete = reverse_items(complete, reverse, scale_min=scale_min, scale_max=scale_max)

    n = len(complete)
    method = gettext_noop("Cronbach's alpha (Feldt CI) and McDonald's omega (one-factor ML)")
    base = {
        "method": method,
        "n": n,
        "k": k,
        "n_dropped": n_dropped,
        "items": tuple(columns),
        "reversed_items": tuple(reverse),
    }
    if n < max(min_n, 2):
        return ReliabilityResult(
            **base,
            suppressed=True,
            reason=suppression_reason(n, max(min_n, 2), what="group of respondents"),
            reason_code=TOO_FEW,
            min_n=max(min_n, 2),
            alpha=float("nan"),
            alpha_ci=ConfidenceInterval(float("nan"), float("nan"), level),
            omega=float("nan"),
            item_total_correlation={},
            alpha_if_deleted={},
            loadings={},
        )
    x = complete.to_numpy()
    total = _core.finite(x.sum(axis=1), "total score of a respondent")
    if _core.does_not_vary(np.ptp(total)):
        raise AnalysisError(
            "Every respondent has the same total score, so reliability is undefined.",
            code=NO_VARIANCE,
        )
    varies = ~_core.does_not_vary(np.ptp(x, axis=0))
    _core.finite(np.std(total, ddof=1), "SD of the total scores", varies=True)
    _core.finite(np.std(x, axis=0, ddof=1), "SD of an item", varies=varies)
    alpha = cronbach_alpha(x)
    item_total: dict[str, float] = {}
    if_deleted: dict[str, float] = {}
    for i, col in enumerate(columns):
        rest = total - x[:, i]
        if varies[i] and not _core.does_not_vary(np.ptp(rest)):
            item_total[col] = float(np.corrcoef(x[:, i], rest)[0, 1])
        else:
            item_total[col] = float("nan")
        others = np.delete(x, i, axis=1)
        if k > 2 and not _core.does_not_vary(np.ptp(others.sum(axis=1))):
            if_deleted[col] = cronbach_alpha(others)
        else:
            if_deleted[col] = float("nan")

    caveats: list[str] = []
    if k >= 3 and np.all(varies):
        omega, lam = mcdonald_omega(x)
        loadings = dict(zip(columns, map(float, lam), strict=True))
    else:
        omega, loadings = float("nan"), {}
        caveats.append(
            gettext_noop("McDonald's omega needs at least 3 items that vary, so none is given.")
        )
    if n_dropped:
        caveats.append(
            gettext_noop(
                "Respondents who skipped an item were left out (complete cases; see n_dropped)."
            )
        )
    if alpha < 0:
        caveats.append(
            gettext_noop(
                "Alpha is negative: some items run the opposite way. Check which items to reverse."
            )
        )
    return ReliabilityResult(
        **base,
        caveats=tuple(caveats),
        alpha=alpha,
        alpha_ci=feldt_ci(alpha, n, k, level),
        omega=omega,
        item_total_correlation=item_total,
        alpha_if_deleted=if_deleted,
        loadings=loadings,
    )
