"""Numeric helpers shared by the effect-size modules, written once.

Every function works on scalars and on numpy arrays alike (one element per
group), so the scalar and the vectorised forms of a statistic share the same
arithmetic and cannot drift apart. Formulas: ``shared/STATISTICS.md``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from efficacy.analysis.results import (
    NO_VARIANCE,
    NOT_FINITE,
    TOO_FEW,
    Z95,
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
#: The smallest SD whose variance double precision holds to full precision: the square
#: root of the smallest normal number, about 1.5e-154.
SMALLEST_SD = math.sqrt(float(np.finfo(float).tiny))
#: What to do about a number that is not finite (the end of :func:`not_finite_error`).
RESCALE = "rescale the values (e.g. to points or a percentage) or check them for a typo."


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
    """Two-sided normal quantile: 1.96 for a 95% interval.

    The 95% one is the constant :data:`Z95` (``scipy.special.ndtri(0.975)``, to the
    last bit), so the usual interval does not load scipy: the command line's start-up
    is part of its measured speed.
    """
    level = check_level(level)
    if level == 0.95:
        return Z95
    from scipy.special import ndtri

    return float(ndtri(0.5 + level / 2))


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
    from scipy.special import ndtr

    return 100.0 * ndtr(np.asarray(g, dtype=float)) - 50.0


def does_not_vary(spread: ArrayLike, magnitude: ArrayLike = 0.0) -> Any:
    """True where values do not vary, judged on their ``spread`` (max − min), not a mean.

    Scores as stored vary when any two differ: ``spread`` > 0 (a computed SD is no
    test, since the SD of equal scores is the rounding noise of their mean, and a
    threshold relative to the mean refuses 1e10 + N(0, 1)). Values computed from
    scores, such as gains post − pre, carry the rounding of the scores: pass the
    ``magnitude`` of those scores (largest |score|) and a spread of at most 4 units
    in the last place of it (4·ε·magnitude, ε = 2.2e-16) counts as none, the most two
    rounded differences of equal true gains can be apart. NaN (an empty group) does
    not vary.

    >>> bool(does_not_vary(0.0)), bool(does_not_vary(2.0))
    (True, False)
    >>> bool(does_not_vary(7e-15, magnitude=55.0)), bool(does_not_vary(1e-6, magnitude=55.0))
    (True, False)
    """
    bound = 4 * np.finfo(float).eps * np.abs(np.asarray(magnitude, dtype=float))
    return ~(np.asarray(spread, dtype=float) > bound)


def not_finite(
    *sums: ArrayLike, sd: ArrayLike | None = None, varies: ArrayLike | None = None
) -> Any:
    """Elementwise: True where a number cannot be trusted (``shared/STATISTICS.md``,
    "Numbers that cannot be trusted").

    That is where any of ``sums`` (a mean, a difference of means, a sum of
    squares) or the standardising ``sd`` is infinite or undefined, or where the
    scores ``vary`` but ``sd`` is below :data:`SMALLEST_SD` (its variance
    underflowed to zero or lost its precision). Double precision holds about
    ±1.8e308, so scores near 1e155 already square to infinity, and an infinite
    SD would otherwise give a plausible wrong g of 0.

    >>> not_finite([1.0, 1e300], sd=[1.0, float("inf")]).tolist()
    [False, True]
    >>> not_finite(sd=[1e-170, 1e-170], varies=[True, False]).tolist()
    [True, False]
    """
    bad = np.zeros((), dtype=bool)
    for value in sums:
        bad = bad | ~np.isfinite(np.asarray(value, dtype=float))
    if sd is not None:
        sd = np.asarray(sd, dtype=float)
        bad = bad | ~np.isfinite(sd)
        if varies is not None:
            bad = bad | (np.asarray(varies, dtype=bool) & (sd < SMALLEST_SD))
    return bad


def finite(
    value: ArrayLike,
    what: str,
    *,
    varies: ArrayLike | None = None,
    fix: str = RESCALE,
) -> Any:
    """``value`` unchanged if :func:`not_finite` finds nothing wrong with it, else
    :class:`AnalysisError` (code :data:`NOT_FINITE`) naming ``what`` it is.

    The guard wherever a sum, a weight or a variance is formed. With ``varies``,
    ``value`` is an SD of values that vary and must not have underflowed.

    >>> finite(2.0, "pooled SD")
    2.0
    >>> finite(float("inf"), "pooled SD")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    efficacy.analysis.results.AnalysisError: The pooled SD is not a finite number: ...
    """
    arr = np.asarray(value, dtype=float)
    if not np.isfinite(arr).all():
        raise not_finite_error(what, fix=fix)
    if np.any(not_finite(sd=arr, varies=varies)):
        raise AnalysisError(
            f"The {what} is too small for double precision (below {SMALLEST_SD:.1e}) "
            f"although the values vary; {fix}",
            code=NOT_FINITE,
        )
    return value


def not_finite_error(
    what: str,
    *,
    fix: str = RESCALE,
) -> AnalysisError:
    """The refusal of a number that is not finite: ``what`` names the quantity."""
    return AnalysisError(
        f"The {what} is not a finite number: the values are too large (or too small) for "
        f"double precision; {fix}",
        code=NOT_FINITE,
    )


def group_moments(
    codes: np.ndarray, n_groups: int, x: np.ndarray, y: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Per-group n, means, sums of squared deviations and cross-products, in one pass.

    ``codes`` are integer group codes 0..n_groups−1 (e.g. from ``pd.factorize``).
    Deviations are taken from each group's own mean (two passes of ``bincount``),
    which keeps large score values from cancelling catastrophically. ``range_x``
    (and ``range_y``) is max − min, what :func:`does_not_vary` judges. With ``y``,
    the paired difference d = y − x (a gain) has its own ``ss_diff`` and
    ``range_diff``, taken from d itself rather than from ss_x + ss_y − 2·sp_xy, which
    cancels when the gains hardly vary; ``magnitude`` is the largest |x| or |y|.
    Empty groups have NaN means and ranges. Nothing is checked here: overflow
    shows as an infinite mean or sum (see :func:`not_finite`).
    """
    n = np.bincount(codes, minlength=n_groups).astype(float)
    with np.errstate(all="ignore"):
        mean_x = np.bincount(codes, weights=x, minlength=n_groups) / n
        dx = x - mean_x[codes]
        low_x, high_x = _extremes(codes, n_groups, x)
        out = {
            "n": n,
            "mean_x": mean_x,
            "ss_x": np.bincount(codes, dx * dx, n_groups),
            "range_x": high_x - low_x,
        }
        if y is not None:
            mean_y = np.bincount(codes, weights=y, minlength=n_groups) / n
            dy = y - mean_y[codes]
            low_y, high_y = _extremes(codes, n_groups, y)
            d = y - x
            dd = d - (np.bincount(codes, weights=d, minlength=n_groups) / n)[codes]
            low_d, high_d = _extremes(codes, n_groups, d)
            out["mean_y"] = mean_y
            out["ss_y"] = np.bincount(codes, dy * dy, n_groups)
            out["sp_xy"] = np.bincount(codes, dx * dy, n_groups)
            out["range_y"] = high_y - low_y
            out["ss_diff"] = np.bincount(codes, dd * dd, n_groups)
            out["range_diff"] = high_d - low_d
            out["magnitude"] = np.fmax.reduce(np.abs([low_x, high_x, low_y, high_y]), axis=0)
    return out


def _extremes(codes: np.ndarray, n_groups: int, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-group minimum and maximum of ``x`` (NaN for an empty group)."""
    low, high = np.full(n_groups, np.inf), np.full(n_groups, -np.inf)
    np.minimum.at(low, codes, x)
    np.maximum.at(high, codes, x)
    empty = np.bincount(codes, minlength=n_groups) == 0
    low[empty] = high[empty] = np.nan
    return low, high


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


def reason_codes(
    reasons: np.ndarray, flat: np.ndarray, unusable: np.ndarray | None = None
) -> np.ndarray:
    """Per group, the reason code: :data:`TOO_FEW` where ``reasons`` (from
    :func:`small_group_reasons`) holds one, else :data:`NO_VARIANCE` where ``flat``,
    else :data:`NOT_FINITE` where ``unusable`` (from :func:`not_finite`; its reason,
    :data:`NOT_FINITE_REASON`, is written into ``reasons``), else None."""
    codes = np.full(len(reasons), None, dtype=object)
    small = reasons != None  # noqa: E711 (elementwise on objects)
    flat = ~small & np.asarray(flat, dtype=bool)
    codes[small] = TOO_FEW
    codes[flat] = NO_VARIANCE
    if unusable is not None:
        bad = ~small & ~flat & np.asarray(unusable, dtype=bool)
        codes[bad] = NOT_FINITE
        reasons[bad] = NOT_FINITE_REASON
    return codes


NOT_FINITE_REASON = gettext_noop(
    "Suppressed: the scores are too large or too small to compute with (a mean, a sum of "
    "squares or an SD is not a finite number in double precision); rescale them."
)


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
        # A categorical column is factorised on its integer codes, not its labels.
        codes, values = pd.factorize(table[column][rows], sort=column != id)
        values = np.asarray(values)
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
