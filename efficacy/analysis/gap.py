"""Achievement gap between two groups at two occasions, and how much it closed.

Formulas (``shared/STATISTICS.md``): at each occasion the gap is ȳ_A − ȳ_B in
points and, divided by that occasion's pooled SD, in SD units;
reduction % = 100·(gap_from − gap_to)/gap_from on points (the same measure on
both occasions). The CI of the reduction is a percentile bootstrap (Efron &
Tibshirani 1993, ch. 13): B resamples drawn with replacement within each
group × occasion cell, from a seeded generator so the interval is reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
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

METHOD = gettext_noop("gap between two groups at two occasions, percentile bootstrap CI")
NAN = math.nan
#: Resampled values per chunk of bootstrap replicates (bounds memory, not results).
_CHUNK_VALUES = 2_000_000
#: Draw value counts (multinomial) instead of indices when n ≥ this × distinct values:
#: a binomial draw costs about as much as eight index draws and gathers.
_MULTINOMIAL_RATIO = 8

NO_GAP = gettext_noop(
    "There was no gap at the first occasion, so a percentage reduction is not defined."
)
UNSTABLE = gettext_noop(
    "The first gap is small next to its uncertainty, so the percentage reduction is unstable; "
    "read the gap in points or SD units instead."
)
CROSS_SECTIONAL = gettext_noop(
    "The gap compares group averages at each occasion; students who joined or left between "
    "the occasions change it too."
)


@dataclass(frozen=True, kw_only=True)
class GapChange(Result):
    """Gap A − B at both occasions; ``ci`` is the bootstrap CI of ``reduction_pct``."""

    gap_from: float = NAN
    gap_to: float = NAN
    gap_from_sd: float = NAN
    gap_to_sd: float = NAN
    change: float = NAN
    change_sd: float = NAN
    reduction_pct: float = NAN
    ci: ConfidenceInterval = _core.NO_CI
    bootstrap: int = 0
    seed: int | None = None
    n_a_from: int = 0
    n_b_from: int = 0
    n_a_to: int = 0
    n_b_to: int = 0


def _bootstrap_means(x: np.ndarray, b: int, rng: np.random.Generator) -> np.ndarray:
    """B means of resamples of ``x`` with replacement, in memory-bounded chunks.

    Scores usually take few distinct values (rubric levels, whole points). A
    resample of n scores is then summed up by how many times it drew each
    distinct value, and those counts are Multinomial(n, share of each value):
    drawing the counts gives exactly the same distribution of resampled means
    as drawing n indices, at a cost of B·k instead of B·n (k distinct values).
    With many distinct values the indices are drawn directly, into the sorted
    scores, so the same scores in any row order give the same interval.
    """
    n = len(x)
    values, counts = np.unique(x, return_counts=True)
    if values.size * _MULTINOMIAL_RATIO <= n:
        return rng.multinomial(n, counts / n, size=b) @ values / n
    x = np.repeat(values, counts)  # sorted
    # Drawing the indices is most of the cost: the narrowest integer type is the fastest.
    dtype = np.uint16 if n <= 2**16 else np.int64
    chunk = max(1, _CHUNK_VALUES // n)
    out = np.empty(b)
    for start in range(0, b, chunk):
        stop = min(b, start + chunk)
        out[start:stop] = x[rng.integers(0, n, size=(stop - start, n), dtype=dtype)].mean(axis=1)
    return out


def gap_change(
    a_from: ArrayLike,
    b_from: ArrayLike,
    a_to: ArrayLike,
    b_to: ArrayLike,
    *,
    bootstrap: int = 2000,
    seed: int = 0,
    min_n: int = MIN_N,
    level: float = 0.95,
) -> GapChange:
    """Gap between groups A and B at a first (``from``) and a later (``to``) occasion.

    A positive gap means A scores higher. Missing scores (NaN) are ignored.
    ``bootstrap`` = 0 skips the CI. Any group × occasion cell below ``min_n``
    gives a suppressed result. Raises :class:`AnalysisError` for a cell with
    fewer than two scores, an occasion where no score varies, or a gap or pooled
    SD that is not a finite number (``not_finite``).

    >>> r = gap_change([60, 70, 80], [40, 50, 60], [65, 75, 85], [53, 63, 73], min_n=2, bootstrap=0)
    >>> r.gap_from, r.gap_to, round(r.reduction_pct, 1)
    (20.0, 12.0, 40.0)
    """
    min_n = _core.check_min_n(min_n)
    if int(bootstrap) != bootstrap or bootstrap < 0:
        raise AnalysisError(
            f"The number of bootstrap resamples must be 0 or more, got {bootstrap}."
        )
    _core.check_level(level)
    cells = {}
    for name, values in (("a_from", a_from), ("b_from", b_from), ("a_to", a_to), ("b_to", b_to)):
        group, occasion = name.split("_")
        arr = _core.as_scores(values, what=f"group {group.upper()} at the {occasion} occasion")
        arr = arr[~np.isnan(arr)]
        if len(arr) < 2:
            raise AnalysisError(
                f"Group {group.upper()} has {len(arr)} score(s) at the {occasion!r} occasion; "
                "a gap needs at least two in each group at each occasion.",
                code=TOO_FEW_SCORES,
                params={"group": group, "occasion": occasion},
            )
        cells[name] = arr
    counts = {f"n_{k}": len(v) for k, v in cells.items()}
    gaps, sds = {}, {}
    for occasion in ("from", "to"):
        a, b = cells[f"a_{occasion}"], cells[f"b_{occasion}"]
        sds[occasion] = float(_core.pooled_sd(len(a), a.var(ddof=1), len(b), b.var(ddof=1)))
        gaps[occasion] = float(a.mean() - b.mean())
        if _core.does_not_vary(max(np.ptp(a), np.ptp(b))):
            raise AnalysisError(
                f"No score varies within the groups at the {occasion!r} occasion (zero "
                "variance), so the gap in SD units cannot be computed.",
                code=NO_VARIANCE,
                params={"occasion": occasion},
            )
        _core.finite(gaps[occasion], f"gap at the {occasion!r} occasion")
        _core.finite(sds[occasion], f"pooled SD at the {occasion!r} occasion", varies=True)
    n_total = sum(counts.values())
    if min(counts.values()) < min_n:
        smallest = min(counts, key=counts.get)
        _, group, occasion = smallest.split("_")
        return GapChange(
            method=METHOD,
            n=n_total,
            suppressed=True,
            reason_code=TOO_FEW,
            min_n=min_n,
            reason=_core.suppression_reason(
                counts[smallest], min_n, what=f"group {group.upper()} at the {occasion} occasion"
            ),
            **counts,
        )
    gap_from, gap_to = gaps["from"], gaps["to"]
    with np.errstate(all="ignore"):
        reduction = 100 * (gap_from - gap_to) / gap_from if gap_from != 0 else NAN
    caveats = [CROSS_SECTIONAL]
    ci = _core.NO_CI
    if gap_from == 0:
        caveats.append(NO_GAP)
    elif bootstrap:
        rng = np.random.default_rng(seed)
        boot = {name: _bootstrap_means(x, int(bootstrap), rng) for name, x in cells.items()}
        with np.errstate(all="ignore"):
            boot_from = boot["a_from"] - boot["b_from"]
            boot_to = boot["a_to"] - boot["b_to"]
            replicates = 100 * (boot_from - boot_to) / boot_from
        tail = (1 - level) / 2 * 100
        low, high = np.percentile(replicates[np.isfinite(replicates)], [tail, 100 - tail])
        ci = ConfidenceInterval(float(low), float(high), level)
        # A first gap whose own bootstrap interval reaches zero makes the ratio explode.
        from_low, from_high = np.percentile(boot_from, [tail, 100 - tail])
        if from_low <= 0 <= from_high:
            caveats.append(UNSTABLE)
    return GapChange(
        method=METHOD,
        n=n_total,
        caveats=tuple(caveats),
        gap_from=gap_from,
        gap_to=gap_to,
        gap_from_sd=gap_from / sds["from"],
        gap_to_sd=gap_to / sds["to"],
        change=gap_to - gap_from,
        change_sd=gap_to / sds["to"] - gap_from / sds["from"],
        reduction_pct=reduction,
        ci=ci,
        bootstrap=int(bootstrap),
        seed=seed if bootstrap else None,
        **counts,
    )
