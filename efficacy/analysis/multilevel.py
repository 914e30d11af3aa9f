"""Students nested in clusters (classes or schools): the multilevel null model.

y_ij = γ00 + u_j + e_ij with u_j ~ N(0, τ00) and e_ij ~ N(0, σ²), fitted by REML
(Raudenbush & Bryk 2002, ch. 4; ``shared/STATISTICS.md``). ICC = τ00/(τ00 + σ²),
design effect = 1 + (m̄ − 1)·ICC (Kish 1965), empirical-Bayes cluster means
γ00 + λ_j(ȳ_j − γ00) with reliability λ_j = τ00/(τ00 + σ²/n_j) and posterior
variance τ00(1 − λ_j) + (1 − λ_j)²·Var(γ̂00) (Raudenbush & Bryk 2002, ch. 3,
which counts the uncertainty of γ̂00 but not of τ00 and σ², so the interval is
somewhat narrow when clusters are few).

How it is fitted. With ρ = τ00/σ² and, per cluster, n_j, ȳ_j and the within sum of
squares W_j, the restricted log-likelihood of this one-way model reduces to sums
over clusters (a_j = n_j/(1 + n_j ρ), γ̂ = Σa_j ȳ_j/Σa_j):

    S(ρ) = Σ W_j + Σ a_j (ȳ_j − γ̂)²,   σ̂²(ρ) = S(ρ)/(N − 1),
    ll_R(ρ) = −½[(N − 1)(log 2π + 1 + log σ̂²) + Σ log(1 + n_j ρ) + log Σ a_j].

So the fit is a one-dimensional search over ρ ≥ 0 that costs O(clusters) per
evaluation, whatever the number of students. Mixed-model optimisers have been
seen to stop at a wrong optimum or collapse τ00 to zero; here the profile is
scanned on a wide log grid (and at ρ = 0), the best cell is refined with a
bounded Brent search, and the best log-likelihood wins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize

from efficacy.analysis import _core
from efficacy.analysis._core import gettext_noop, z_for
from efficacy.analysis.results import (
    MIN_N,
    NO_VARIANCE,
    NO_WITHIN_VARIANCE,
    ONE_SCORE_PER_CLUSTER,
    TOO_FEW,
    TOO_FEW_CLUSTERS,
    AnalysisError,
    ConfidenceInterval,
    Result,
    suppression_reason,
)


@dataclass(frozen=True, kw_only=True)
class NullModelResult(Result):
    """REML null model; ``n`` is the number of students, ``n_clusters`` of clusters."""

    grand_mean: float
    grand_mean_se: float
    ci: ConfidenceInterval
    tau00: float
    sigma2: float
    icc: float
    design_effect: float
    mean_cluster_size: float
    n_clusters: int
    loglik: float


@dataclass(frozen=True)
class _ClusterSums:
    labels: np.ndarray
    n: np.ndarray
    mean: np.ndarray
    within_ss: float
    #: Per cluster, max − min of its scores.
    ranges: np.ndarray
    #: max − min of all the scores.
    spread: float


def _cluster_sums(scores: ArrayLike, clusters: ArrayLike) -> _ClusterSums:
    y = np.asarray(scores, dtype=float).ravel()
    codes, labels = pd.factorize(pd.Series(np.asarray(clusters).ravel()), sort=True)
    if codes.size != y.size:
        raise AnalysisError(
            f"Got {y.size} scores but {codes.size} cluster labels: give one cluster per score."
        )
    if np.any(codes < 0):
        raise AnalysisError("A cluster label is missing: give every score its class or school.")
    if not np.all(np.isfinite(y)):
        raise AnalysisError("A score is missing or not a finite number: remove or fix that row.")
    m = _core.group_moments(codes, len(labels), y)
    _core.finite(m["mean_x"], "mean score of a cluster")
    within_ss = float(_core.finite(np.sum(m["ss_x"]), "within-cluster sum of squares"))
    spread = float(np.ptp(y)) if y.size else 0.0
    return _ClusterSums(np.asarray(labels), m["n"], m["mean_x"], within_ss, m["range_x"], spread)


def _profile_loglik(rho: float, s: _ClusterSums, n_total: int) -> tuple[float, float, float]:
    """(restricted log-likelihood, σ̂², γ̂) at variance ratio ρ = τ00/σ²."""
    a = s.n / (1.0 + s.n * rho)
    sa = float(np.sum(a))
    gamma = float(np.sum(a * s.mean) / sa)
    ss = s.within_ss + float(np.sum(a * (s.mean - gamma) ** 2))
    sigma2 = ss / (n_total - 1)
    ll = -0.5 * (
        (n_total - 1) * (np.log(2 * np.pi) + 1.0 + np.log(sigma2))
        + float(np.sum(np.log1p(s.n * rho)))
        + np.log(sa)
    )
    return float(ll), sigma2, gamma


def _profile_loglik_grid(rho: np.ndarray, s: _ClusterSums, n_total: int) -> np.ndarray:
    """:func:`_profile_loglik`'s log-likelihood at every ρ of a grid, in one pass."""
    a = s.n / (1.0 + np.outer(rho, s.n))
    sa = a.sum(axis=1)
    gamma = (a @ s.mean) / sa
    ss = s.within_ss + np.sum(a * (s.mean - gamma[:, None]) ** 2, axis=1)
    sigma2 = ss / (n_total - 1)
    return -0.5 * (
        (n_total - 1) * (np.log(2 * np.pi) + 1.0 + np.log(sigma2))
        + np.log1p(np.outer(rho, s.n)).sum(axis=1)
        + np.log(sa)
    )


def _fit_rho(s: _ClusterSums, n_total: int) -> float:
    def negll(rho: float) -> float:
        return -_profile_loglik(rho, s, n_total)[0]

    grid = np.concatenate([[0.0], np.geomspace(1e-8, 1e8, 161)])
    values = -_profile_loglik_grid(grid, s, n_total)
    best = int(np.argmin(values))
    candidates = [(values[best], float(grid[best]))]
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]
    found = optimize.minimize_scalar(
        negll, bounds=(lo, hi), method="bounded", options={"xatol": max(hi * 1e-10, 1e-14)}
    )
    candidates.append((float(found.fun), float(found.x)))
    candidates.append((negll(0.0), 0.0))
    # Lowest negative log-likelihood wins; ties go to the smaller ρ.
    _, rho = min(candidates, key=lambda c: (c[0], c[1]))
    return max(0.0, rho)


def null_model(
    scores: ArrayLike, clusters: ArrayLike, *, min_n: int = MIN_N, level: float = 0.95
) -> NullModelResult:
    """Fit the multilevel null model by REML (see the module docstring).

    Returns γ00 with its SE (Var γ̂ = 1/Σ n_j/(σ² + n_j τ00)), τ00, σ², ICC,
    design effect with m̄ the mean cluster size, and the number of students and
    clusters. Fewer than ``min_n`` students gives a suppressed result. Raises
    :class:`AnalysisError` when scores do not vary within clusters (judged on each
    cluster's range, max − min), and (code ``not_finite``) when a mean, a sum of
    squares or a variance is not a finite number.
    """
    s = _cluster_sums(scores, clusters)
    n_total = int(np.sum(s.n))
    j = int(s.n.size)
    method = gettext_noop("Multilevel null model (REML), students in clusters")
    empty = {
        "grand_mean": float("nan"),
        "grand_mean_se": float("nan"),
        "ci": ConfidenceInterval(float("nan"), float("nan"), level),
        "tau00": float("nan"),
        "sigma2": float("nan"),
        "icc": float("nan"),
        "design_effect": float("nan"),
        "mean_cluster_size": n_total / j if j else float("nan"),
        "n_clusters": j,
        "loglik": float("nan"),
    }
    if n_total < min_n:
        return NullModelResult(
            method=method,
            n=n_total,
            suppressed=True,
            reason=suppression_reason(n_total, min_n, what="group of students"),
            reason_code=TOO_FEW,
            min_n=min_n,
            **empty,
        )
    if j < 2:
        raise AnalysisError(
            f"The null model needs at least 2 clusters; got {j}. Check the cluster column.",
            code=TOO_FEW_CLUSTERS,
        )
    if n_total <= j:
        raise AnalysisError(
            "Every cluster has a single score, so within-cluster variance cannot be "
            "separated from between-cluster variance: give clusters with 2 or more students.",
            code=ONE_SCORE_PER_CLUSTER,
        )
    if _core.does_not_vary(s.spread):
        raise AnalysisError(
            "Every score is the same, so there is no variance to split.", code=NO_VARIANCE
        )
    if np.all(_core.does_not_vary(s.ranges)):
        raise AnalysisError(
            "Scores never vary inside a cluster (within-cluster variance is zero): "
            "the intraclass correlation is undefined.",
            code=NO_WITHIN_VARIANCE,
        )
    _core.finite(np.sqrt(s.within_ss / (n_total - j)), "within-cluster SD", varies=True)
    rho = _fit_rho(s, n_total)
    ll, sigma2, gamma = _profile_loglik(rho, s, n_total)
    tau00 = rho * sigma2
    _core.finite(sigma2, "within-cluster variance σ²")
    _core.finite(tau00, "between-cluster variance τ00")
    icc = tau00 / (tau00 + sigma2)
    mbar = n_total / j
    se = float(np.sqrt(1.0 / np.sum(s.n / (sigma2 + s.n * tau00))))
    crit = z_for(level)

    caveats: list[str] = []
    if tau00 == 0:
        caveats.append(
            gettext_noop(
                "No between-cluster variance was detected (τ00 = 0): cluster means differ no "
                "more than chance would make them."
            )
        )
    if j < 10:
        caveats.append(
            gettext_noop(
                "Fewer than 10 clusters: the between-cluster variance τ00 is very uncertain."
            )
        )
    return NullModelResult(
        method=method,
        n=n_total,
        caveats=tuple(caveats),
        grand_mean=gamma,
        grand_mean_se=se,
        ci=ConfidenceInterval(gamma - crit * se, gamma + crit * se, level),
        tau00=tau00,
        sigma2=sigma2,
        icc=icc,
        design_effect=1.0 + (mbar - 1.0) * icc,
        mean_cluster_size=mbar,
        n_clusters=j,
        loglik=ll,
    )


def shrunken_means(
    scores: ArrayLike,
    clusters: ArrayLike,
    *,
    fit: NullModelResult | None = None,
    min_n: int = MIN_N,
    level: float = 0.95,
) -> pd.DataFrame:
    """Empirical-Bayes cluster means, one row per cluster, in one vectorised pass.

    Columns: ``cluster``, ``n``, ``raw_mean``, ``shrunken_mean`` = γ00 + λ(ȳ_j − γ00),
    ``reliability`` λ = τ00/(τ00 + σ²/n_j), ``se`` = sqrt(τ00(1 − λ) + (1 − λ)²·SE(γ00)²)
    and ``ci_low`` / ``ci_high`` = shrunken mean ± z·se, ``suppressed``. A cluster with fewer
    than ``min_n`` students has its means blanked (NaN) and ``suppressed`` True,
    so a small class can be neither shown nor identified. ``fit`` reuses a
    :func:`null_model` result on the same data instead of refitting.
    """
    s = _cluster_sums(scores, clusters)
    if fit is None:
        fit = null_model(scores, clusters, min_n=1)
    if fit.suppressed:
        raise AnalysisError(fit.reason or "The null model was suppressed.")
    lam = fit.tau00 / (fit.tau00 + fit.sigma2 / s.n)
    shrunk = fit.grand_mean + lam * (s.mean - fit.grand_mean)
    se = np.sqrt(fit.tau00 * (1 - lam) + (1 - lam) ** 2 * fit.grand_mean_se**2)
    z = z_for(level)
    small = s.n < min_n
    return pd.DataFrame(
        {
            "cluster": s.labels,
            "n": s.n.astype(int),
            "raw_mean": np.where(small, np.nan, s.mean),
            "shrunken_mean": np.where(small, np.nan, shrunk),
            "reliability": lam,
            "se": np.where(small, np.nan, se),
            "ci_low": np.where(small, np.nan, shrunk - z * se),
            "ci_high": np.where(small, np.nan, shrunk + z * se),
            "suppressed": small,
        }
    )
