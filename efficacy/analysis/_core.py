"""Numeric helpers shared by the effect-size modules, written once.

Every function works on scalars and on numpy arrays alike (one element per
group), so the scalar and the vectorised forms of a statistic share the same
arithmetic and cannot drift apart. Formulas: ``shared/STATISTICS.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.special import ndtr, ndtri

from efficacy.analysis.results import (
    NO_VARIANCE,
    TOO_FEW,
    AnalysisError,
    ConfidenceInterval,
    suppression_reason,
)

#: Visible Learning's "hinge": the average effect of a year of schooling.
HINGE = 0.40
#: Weeks in a school year, for prorating the expected growth (the hinge) to a cycle.
SCHOOL_YEAR_WEEKS = 40.0
#: The interval of a result that has none (suppressed).
NO_CI = ConfidenceInterval(float("nan"), float("nan"))


def gettext_noop(message: str) -> str:
    """Marks a caveat for translation; the web app translates it when it shows it.

    ``efficacy.analysis`` must not import Django, and ``makemessages`` collects
    ``gettext_noop(...)`` calls wherever they are defined.
    """
    return message


def check_level(level: float) -> float:
    if not 0 < level < 1:
        raise AnalysisError(f"Confidence level must be between 0 and 1, got {level}.")
    return level


def z_for(level: float) -> float:
    """Two-sided normal quantile: 1.96 for a 95% interval."""
    return float(ndtri(0.5 + check_level(level) / 2))


def omega(n_total: ArrayLike) -> Any:
    """WWC small-sample correction ω = 1 − 3/(4N − 9) (Procedures Handbook v5.0)."""
    return 1.0 - 3.0 / (4.0 * np.asarray(n_total, dtype=float) - 9.0)


def pooled_sd(n1: ArrayLike, var1: ArrayLike, n2: ArrayLike, var2: ArrayLike) -> Any:
    """S_p = sqrt(((n1 − 1)s1² + (n2 − 1)s2²) / (n1 + n2 − 2))."""
    n1, n2 = np.asarray(n1, dtype=float), np.asarray(n2, dtype=float)
    with np.errstate(all="ignore"):
        return np.sqrt(((n1 - 1) * var1 + (n2 - 1) * var2) / (n1 + n2 - 2))


def se_g(g: ArrayLike, n1: ArrayLike, n2: ArrayLike) -> Any:
    """SE(g) = sqrt(N/(n1·n2) + g²/(2N)) (Hedges & Olkin 1985; WWC Handbook)."""
    g = np.asarray(g, dtype=float)
    n1, n2 = np.asarray(n1, dtype=float), np.asarray(n2, dtype=float)
    big_n = n1 + n2
    with np.errstate(all="ignore"):
        return np.sqrt(big_n / (n1 * n2) + g**2 / (2 * big_n))


def improvement_index(g: ArrayLike) -> Any:
    """WWC improvement index = 100·Φ(g) − 50 percentile points."""
    return 100.0 * ndtr(np.asarray(g, dtype=float)) - 50.0


def is_zero_variance(sd: ArrayLike, mean: ArrayLike) -> Any:
    """True where an SD is zero up to rounding of the scores' magnitude."""
    sd, mean = np.asarray(sd, dtype=float), np.asarray(mean, dtype=float)
    scale = np.maximum(np.abs(mean), np.finfo(float).tiny)
    return ~(sd > 1e-9 * scale)


def group_moments(
    codes: np.ndarray, n_groups: int, x: np.ndarray, y: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Per-group n, means, sums of squared deviations and cross-products, in one pass.

    ``codes`` are integer group codes 0..n_groups−1 (e.g. from ``pd.factorize``).
    Deviations are taken from each group's own mean (two passes of ``bincount``),
    which keeps large score values from cancelling catastrophically.
    """
    n = np.bincount(codes, minlength=n_groups).astype(float)
    with np.errstate(all="ignore"):
        mean_x = np.bincount(codes, weights=x, minlength=n_groups) / n
        dx = x - mean_x[codes]
        out = {"n": n, "mean_x": mean_x, "ss_x": np.bincount(codes, dx * dx, n_groups)}
        if y is not None:
            mean_y = np.bincount(codes, weights=y, minlength=n_groups) / n
            dy = y - mean_y[codes]
            out["mean_y"] = mean_y
            out["ss_y"] = np.bincount(codes, dy * dy, n_groups)
            out["sp_xy"] = np.bincount(codes, dx * dy, n_groups)
    return out


def variance(ss: ArrayLike, n: ArrayLike) -> Any:
    """Sample variance (ddof = 1) from a sum of squared deviations; NaN when n < 2."""
    n = np.asarray(n, dtype=float)
    with np.errstate(all="ignore"):
        return np.where(n >= 2, np.asarray(ss, dtype=float) / (n - 1), np.nan)


def as_scores(values: ArrayLike, *, what: str) -> np.ndarray:
    """A 1-D float array; NaN marks a missing score, an infinite one is refused."""
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"The {what} scores must be numbers ({exc}).") from None
    if np.isinf(arr).any():
        raise AnalysisError(f"The {what} scores contain an infinite value; remove it.")
    return arr


def check_min_n(min_n: int) -> int:
    if int(min_n) != min_n or min_n < 2:
        raise AnalysisError(f"The minimum n must be a whole number of at least 2, got {min_n}.")
    return int(min_n)


def small_group_reasons(counts: dict[str, np.ndarray], min_n: int) -> np.ndarray:
    """Per group, the suppression reason for the first arm below ``min_n``, else None."""
    size = len(next(iter(counts.values())))
    reasons = np.full(size, None, dtype=object)
    for what, n in counts.items():
        small = (n < min_n) & (reasons == None)  # noqa: E711 (elementwise on objects)
        for i in np.flatnonzero(small):
            reasons[i] = suppression_reason(int(n[i]), min_n, what=what)
    return reasons


def reason_codes(reasons: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """Per group, the reason code: :data:`TOO_FEW` where ``reasons`` (from
    :func:`small_group_reasons`) holds one, :data:`NO_VARIANCE` where ``flat``, else None."""
    codes = np.full(len(reasons), None, dtype=object)
    small = reasons != None  # noqa: E711 (elementwise on objects)
    codes[small] = TOO_FEW
    codes[~small & np.asarray(flat, dtype=bool)] = NO_VARIANCE
    return codes


def require_columns(table: pd.DataFrame, *columns: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        have = ", ".join(map(str, table.columns))
        raise AnalysisError(f"Column {missing[0]!r} is not in the table; it has: {have}.")


def result_frame(
    columns: list[str],
    uniques: ArrayLike,
    values: dict[str, ArrayLike],
    reasons: np.ndarray,
    codes: np.ndarray | None = None,
    **counts: ArrayLike,
) -> pd.DataFrame:
    """Assemble a ``*_by`` result: NaN numbers where suppressed, counts as integers,
    the documented ``columns`` first."""
    suppressed = reasons != None  # noqa: E711
    data: dict[str, object] = {"by": np.asarray(uniques)}
    for name, arr in values.items():
        arr = np.array(arr, dtype=float)
        arr[suppressed] = np.nan
        data[name] = arr
    for name, arr in counts.items():
        data[name] = np.asarray(arr).astype(np.int64)
    data["suppressed"] = suppressed.astype(bool)
    data["reason"] = reasons
    data["reason_code"] = np.full(len(reasons), None, dtype=object) if codes is None else codes
    frame = pd.DataFrame(data)
    front = [c for c in columns if c in frame.columns]
    return frame[front + [c for c in frame.columns if c not in front]]


def pair_scores(
    table: pd.DataFrame,
    *,
    keys: list[str],
    id: str,
    score: str,
    occasion: str,
    pre: object,
    post: object,
) -> dict[str, object]:
    """Turn a long table (one row per student and occasion) into paired scores.

    A unit is one student within one combination of ``keys`` (e.g. class and
    group). Returns ``pre`` and ``post`` arrays with one element per unit (NaN
    where that occasion is missing) and, per key, ``codes`` (per unit) and
    ``uniques``. All in numpy: no merge, no Python loop per student.
    Raises :class:`AnalysisError` when a student has two scores at one occasion.
    """
    require_columns(table, *keys, id, score, occasion)
    occ = table[occasion]
    is_pre, is_post = (occ == pre).to_numpy(), (occ == post).to_numpy()
    # Rows without a student id or a key value cannot be paired; they are left out.
    rows = (is_pre | is_post) & table[[*keys, id]].notna().all(axis=1).to_numpy()
    y = as_scores(table[score].to_numpy(dtype=float, na_value=np.nan)[rows], what=score)
    is_pre, is_post = is_pre[rows], is_post[rows]
    key_codes, uniques = {}, {}
    unit = np.zeros(int(rows.sum()), dtype=np.int64)
    for column in [*keys, id]:
        codes, values = pd.factorize(table[column].to_numpy()[rows], sort=column != id)
        if column != id:
            key_codes[column], uniques[column] = codes, values
        # Mixed radix, re-compacted at each step so the code never overflows.
        unit = pd.factorize(unit * (len(values) + 1) + codes)[0]
    n_units = int(unit.max()) + 1 if len(unit) else 0
    out: dict[str, object] = {"uniques": uniques, "codes": {}}
    for name, mask, label in (("pre", is_pre, pre), ("post", is_post, post)):
        counts = np.bincount(unit[mask], minlength=n_units)
        if (counts > 1).any():
            where = np.flatnonzero(mask)[np.flatnonzero(counts[unit[mask]] > 1)[0]]
            student = table[id].to_numpy()[rows][where]
            raise AnalysisError(
                f"Student {student!r} has more than one score at occasion {label!r}; "
                "keep one score per student and occasion."
            )
        values = np.full(n_units, np.nan)
        values[unit[mask]] = y[mask]
        out[name] = values
    for column, codes in key_codes.items():
        per_unit = np.empty(n_units, dtype=np.int64)
        per_unit[unit] = codes
        out["codes"][column] = per_unit
    return out
