"""Standardised mean difference between two independent groups.

Formulas (``shared/STATISTICS.md``; What Works Clearinghouse Procedures
Handbook v5.0, ch. 6 and appendix E; Hedges & Olkin 1985):

- S_p = sqrt(((n_T − 1)s_T² + (n_C − 1)s_C²) / (N − 2))
- Cohen's d = (ȳ_T − ȳ_C) / S_p; Glass's Δ = (ȳ_T − ȳ_C) / s_C
- Hedges' g = ω·d with ω = 1 − 3/(4N − 9)
- SE(g) = sqrt(N/(n_T·n_C) + g²/(2N)); CI g ± z·SE
- improvement index = 100·Φ(g) − 50

:func:`effect_size` takes two arrays; :func:`effect_size_by` takes a long table
and computes every group (class, team, school) in one vectorised pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from efficacy.analysis import _core
from efficacy.analysis._core import gettext_noop
from efficacy.analysis.results import (
    MIN_N,
    NO_VARIANCE,
    TOO_FEW,
    TOO_FEW_SCORES,
    AnalysisError,
    ConfidenceInterval,
    Result,
)

METHOD = gettext_noop("Hedges' g, two independent groups (WWC small-sample correction)")
NAN = math.nan

#: Columns of :func:`effect_size_by`, in order.
EFFECT_COLUMNS = [
    "by",
    "hedges_g",
    "cohens_d",
    "glass_delta",
    "se",
    "ci_low",
    "ci_high",
    "improvement_index",
    "n_treatment",
    "n_control",
    "mean_treatment",
    "mean_control",
    "sd_pooled",
    "suppressed",
    "reason",
    "reason_code",
]


@dataclass(frozen=True, kw_only=True)
class EffectSize(Result):
    """Hedges' g of treatment against control, with its SE and CI (on ``hedges_g``)."""

    hedges_g: float = NAN
    cohens_d: float = NAN
    glass_delta: float = NAN
    se: float = NAN
    ci: ConfidenceInterval = _core.NO_CI
    improvement_index: float = NAN
    n_treatment: int = 0
    n_control: int = 0
    mean_treatment: float = NAN
    mean_control: float = NAN
    sd_pooled: float = NAN


def _from_moments(
    m_t: dict[str, np.ndarray], m_c: dict[str, np.ndarray], z: float
) -> dict[str, np.ndarray]:
    """The arithmetic of every field from each arm's :func:`_core.group_moments`,
    elementwise over groups."""
    n_t, mean_t, n_c, mean_c = m_t["n"], m_t["mean_x"], m_c["n"], m_c["mean_x"]
    var_c = _core.variance(m_c["ss_x"], n_c)
    sd_p = _core.pooled_sd(n_t, _core.variance(m_t["ss_x"], n_t), n_c, var_c)
    with np.errstate(all="ignore"):
        diff = mean_t - mean_c
        d = diff / sd_p
        g = _core.omega(n_t + n_c) * d
        se = _core.se_g(g, n_t, n_c)
        glass = np.where(_core.does_not_vary(m_c["range_x"]), np.nan, diff / np.sqrt(var_c))
        ci_low, ci_high = g - z * se, g + z * se
    return {
        "hedges_g": g,
        "cohens_d": d,
        "glass_delta": glass,
        "se": se,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "improvement_index": _core.improvement_index(g),
        "mean_treatment": mean_t,
        "mean_control": mean_c,
        "sd_pooled": sd_p,
    }


def _flat(m_t: dict[str, np.ndarray], m_c: dict[str, np.ndarray]) -> np.ndarray:
    """Per group: no score varies within either arm, so the pooled SD is zero."""
    return _core.does_not_vary(np.fmax(m_t["range_x"], m_c["range_x"]))


def _unusable(values: dict[str, np.ndarray], flat: np.ndarray) -> np.ndarray:
    """Per group: a mean, g or its SE is not finite, or the pooled SD of scores that
    vary is not (:func:`_core.not_finite`)."""
    return _core.not_finite(
        values["mean_treatment"],
        values["mean_control"],
        values["hedges_g"],
        values["se"],
        sd=values["sd_pooled"],
        varies=~flat,
    )


def effect_size(
    treatment: ArrayLike,
    control: ArrayLike,
    *,
    min_n: int = MIN_N,
    level: float = 0.95,
) -> EffectSize:
    """Hedges' g (and Cohen's d, Glass's Δ) of ``treatment`` against ``control``.

    Missing scores (NaN) are ignored. Either group below ``min_n`` gives a
    suppressed result. Raises :class:`AnalysisError` when a group has fewer
    than two scores, when no score varies (the SD would be zero) or when a mean,
    the pooled SD or g is not a finite number (scores near 1e155 square to
    infinity; code ``not_finite``).

    >>> r = effect_size([3, 4, 5, 6, 7], [1, 2, 3, 4, 5], min_n=2)
    >>> round(r.cohens_d, 4), round(r.hedges_g, 4)
    (1.2649, 1.1425)
    """
    min_n = _core.check_min_n(min_n)
    z = _core.z_for(level)
    t = _core.as_scores(treatment, what="treatment")
    c = _core.as_scores(control, what="control")
    t, c = t[~np.isnan(t)], c[~np.isnan(c)]
    n_t, n_c = len(t), len(c)
    for what, n in (("treatment", n_t), ("control", n_c)):
        if n < 2:
            raise AnalysisError(
                f"The {what} group has {n} score(s); an effect size needs at least two.",
                code=TOO_FEW_SCORES,
                params={"group": what},
            )
    m_t = _core.group_moments(np.zeros(n_t, dtype=np.int64), 1, t)
    m_c = _core.group_moments(np.zeros(n_c, dtype=np.int64), 1, c)
    flat = _flat(m_t, m_c)
    if flat[0]:
        raise AnalysisError(
            "No score varies within either group (zero variance), so a standardised "
            "effect cannot be computed.",
            code=NO_VARIANCE,
        )
    v = _from_moments(m_t, m_c, z)
    if _unusable(v, flat)[0]:
        raise _core.not_finite_error("mean, the effect or the pooled SD of these scores")
    method = METHOD
    if min(n_t, n_c) < min_n:
        what = "treatment group" if n_t < min_n else "control group"
        return EffectSize(
            method=method,
            n=n_t + n_c,
            n_treatment=n_t,
            n_control=n_c,
            suppressed=True,
            reason=_core.suppression_reason(min(n_t, n_c), min_n, what=what),
            reason_code=TOO_FEW,
            min_n=min_n,
        )
    v = {k: float(a[0]) for k, a in v.items()}
    return EffectSize(
        method=method,
        n=n_t + n_c,
        caveats=_caveats(n_t, n_c, bool(np.isnan(v["glass_delta"]))),
        hedges_g=v["hedges_g"],
        cohens_d=v["cohens_d"],
        glass_delta=v["glass_delta"],
        se=v["se"],
        ci=ConfidenceInterval(v["ci_low"], v["ci_high"], level),
        improvement_index=v["improvement_index"],
        n_treatment=n_t,
        n_control=n_c,
        mean_treatment=v["mean_treatment"],
        mean_control=v["mean_control"],
        sd_pooled=v["sd_pooled"],
    )


def _caveats(n_t: int, n_c: int, no_glass: bool) -> tuple[str, ...]:
    out = []
    if min(n_t, n_c) < 20:
        out.append(
            gettext_noop(
                "Small groups: the confidence interval is wide; read the estimate as a rough guide."
            )
        )
    if no_glass:
        out.append(
            gettext_noop("The control group's scores do not vary, so Glass's delta is not shown.")
        )
    return tuple(out)


def effect_size_by(
    table: pd.DataFrame,
    *,
    by: str,
    score: str,
    group: str,
    treatment: object,
    control: object,
    min_n: int = MIN_N,
    level: float = 0.95,
) -> pd.DataFrame:
    """:func:`effect_size` for every value of ``by``, in one vectorised pass.

    ``table`` is long: one row per student score, with a ``by`` column (e.g. the
    class), a ``group`` column holding ``treatment`` or ``control`` (other labels
    are ignored) and a numeric ``score`` (NaN ignored). Returns one row per
    ``by`` value with the columns in :data:`EFFECT_COLUMNS`: ``by`` (the group's
    value), ``hedges_g``, ``cohens_d``, ``glass_delta``, ``se``, ``ci_low``,
    ``ci_high`` (for g), ``improvement_index``, ``n_treatment``, ``n_control``,
    ``mean_treatment``, ``mean_control``, ``sd_pooled``, ``suppressed`` and
    ``reason``. A group with an arm below ``min_n`` or with no variation comes
    back suppressed, its reason given and its numbers NaN; so does a group whose
    mean, pooled SD or g is not a finite number (``reason_code`` ``not_finite``).
    """
    min_n = _core.check_min_n(min_n)
    z = _core.z_for(level)
    _core.require_columns(table, by, score, group)
    y = _core.as_scores(table[score].to_numpy(dtype=float, na_value=np.nan), what=score)
    labels = table[group]
    in_t, in_c = (labels == treatment).to_numpy(), (labels == control).to_numpy()
    codes, uniques = pd.factorize(table[by], sort=True)
    n_groups = len(uniques)
    keep = (codes >= 0) & ~np.isnan(y)
    m_t = _core.group_moments(codes[keep & in_t], n_groups, y[keep & in_t])
    m_c = _core.group_moments(codes[keep & in_c], n_groups, y[keep & in_c])
    out = _from_moments(m_t, m_c, z)
    reasons = _core.small_group_reasons(
        {"treatment group": m_t["n"], "control group": m_c["n"]}, min_n
    )
    flat = _flat(m_t, m_c)
    reason_codes = _core.reason_codes(reasons, flat, _unusable(out, flat))
    reasons[(reasons == None) & flat] = ZERO_VARIANCE  # noqa: E711
    return _core.result_frame(
        EFFECT_COLUMNS,
        uniques,
        out,
        reasons,
        codes=reason_codes,
        n_treatment=m_t["n"],
        n_control=m_c["n"],
    )


ZERO_VARIANCE = gettext_noop(
    "Suppressed: no score varies within the groups (zero variance), so a standardised "
    "effect cannot be computed."
)
