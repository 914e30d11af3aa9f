"""A survey scale's index (e.g. collective efficacy): its mean, interval and n, by group.

Formulas:

- each respondent's score is the mean of the items they answered, after reversing
  the reversed items (x' = min + max − x; ``shared/STATISTICS.md``, "Scale
  reliability"), so it lies on the instrument's own scale, min to max;
- the index of a group is the mean of its respondents' scores, with a t interval
  on those scores: ȳ ± t_{1−c/2, n−1} · s/√n (Student 1908; any statistics text,
  e.g. Moore, McCabe & Craig, *Introduction to the Practice of Statistics*, 7.1);
- the change between two groups of respondents (two survey windows) is the
  difference of their indexes with Welch's interval: d ± t_{1−c/2, ν} · √(s₁²/n₁ + s₂²/n₂),
  ν = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1))
  (Welch 1947); it is called a change only when the interval excludes 0;
- a reliability is *low* when Cronbach's α < :data:`ALPHA_LOW` (0.70, the usual
  floor for group-level decisions; Nunnally 1978) or the lower bound of its Feldt
  interval < :data:`ALPHA_CI_LOW` (0.60): the estimate may be acceptable, but the
  data cannot rule out a poor one;
- a response rate below :data:`LOW_RESPONSE_RATE` (50%) flags the results as
  possibly unrepresentative: those who answered may differ from those who did not.

Every form is vectorised over groups (:func:`scale_index_by`, :func:`index_change_by`):
one ``groupby`` and numpy arithmetic, never a loop per respondent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from efficacy.analysis import _core
from efficacy.analysis._core import gettext_noop
from efficacy.analysis.results import (
    TOO_FEW,
    AnalysisError,
    ConfidenceInterval,
    Result,
    suppression_reason,
)
from efficacy.analysis.scales import ReliabilityResult, reverse_items

#: Cronbach's α below this is low (see the module docstring).
ALPHA_LOW = 0.70
#: The lower bound of α's interval below this is low too.
ALPHA_CI_LOW = 0.60
#: A response rate below this flags the results as possibly unrepresentative.
LOW_RESPONSE_RATE = 0.5

INDEX_METHOD = gettext_noop(
    "mean of the respondents' mean item scores (reversed items recoded), t interval"
)
CHANGE_METHOD = gettext_noop("difference of two indexes, Welch's t interval")

#: The columns of :func:`scale_index_by`, one row per group: ``by`` (the group), ``n``
#: (respondents with a score), ``mean``, ``sd``, ``se``, ``ci_low``, ``ci_high``, and
#: ``suppressed`` (True below ``min_n``: then every figure is NaN).
INDEX_COLUMNS = ["by", "n", "mean", "sd", "se", "ci_low", "ci_high", "suppressed"]
#: The columns of :func:`index_change_by`: ``difference`` (after − before), ``se``,
#: ``df`` (Welch), ``ci_low``, ``ci_high`` and ``changed`` (the interval excludes 0).
CHANGE_COLUMNS = ["difference", "se", "df", "ci_low", "ci_high", "changed"]


@dataclass(frozen=True, kw_only=True)
class ScaleIndex(Result):
    """A group's index on the scale ``scale_min`` to ``scale_max``; ``n`` counts respondents."""

    mean: float = math.nan
    sd: float = math.nan
    se: float = math.nan
    ci: ConfidenceInterval = _core.NO_CI


@dataclass(frozen=True, kw_only=True)
class IndexChange(Result):
    """``after`` − ``before`` with Welch's interval; ``n`` is both groups together."""

    n_before: int
    n_after: int
    difference: float = math.nan
    se: float = math.nan
    df: float = math.nan
    ci: ConfidenceInterval = _core.NO_CI
    #: The interval excludes 0: only then is the difference called a change.
    changed: bool = False


def respondent_means(
    items: pd.DataFrame,
    *,
    reverse: Sequence[str] = (),
    scale_min: float,
    scale_max: float,
) -> pd.Series:
    """Each respondent's score: the mean of the items they answered, reversed items recoded.

    ``items`` has one column per item and one row per respondent; a missing answer
    is NaN (it is left out of that respondent's mean, and a respondent who answered
    nothing has NaN). An answer outside ``scale_min``..``scale_max`` is refused.

    >>> frame = pd.DataFrame({"a": [1, 5, 4], "b": [2, 1, None]})
    >>> respondent_means(frame, reverse=["b"], scale_min=1, scale_max=5).tolist()
    [2.5, 5.0, 4.0]
    """
    if scale_min >= scale_max:
        raise AnalysisError(
            f"The scale minimum ({scale_min:g}) must be below its maximum ({scale_max:g})."
        )
    unknown = [c for c in reverse if c not in items.columns]
    if unknown:
        raise AnalysisError(f"Reversed item {unknown[0]!r} is not one of the items.")
    try:
        data = items.astype(float)
    except (TypeError, ValueError):
        raise AnalysisError("Every answer must be a number on the scale.") from None
    values = data.to_numpy()
    outside = ~np.isnan(values) & ((values < scale_min) | (values > scale_max))
    if outside.any():
        row, col = (int(i[0]) for i in np.nonzero(outside))
        raise AnalysisError(
            f"Item {data.columns[col]!r} has the answer {values[row, col]:g}, outside the "
            f"scale {scale_min:g} to {scale_max:g}."
        )
    data = reverse_items(data, reverse, scale_min=scale_min, scale_max=scale_max)
    return data.mean(axis=1, skipna=True)


def _t_interval(n: np.ndarray, mean: np.ndarray, sd: np.ndarray, level: float):
    with np.errstate(all="ignore"):
        se = sd / np.sqrt(n)
        t = stats.t.ppf(0.5 + level / 2, n - 1)
    return se, mean - t * se, mean + t * se


def scale_index_by(
    frame: pd.DataFrame,
    *,
    by: str,
    value: str = "score",
    min_n: int,
    level: float = 0.95,
) -> pd.DataFrame:
    """Each group's index (:data:`INDEX_COLUMNS`), from one row per respondent.

    ``value`` holds each respondent's score (:func:`respondent_means`); rows where
    it is missing are not counted. A group with fewer than ``min_n`` (at least 2)
    respondents is suppressed: its ``n`` is kept for the caller's suppression
    rules, every figure is NaN.
    """
    _core.check_level(level)
    min_n = max(int(min_n), 2)
    scored = frame.loc[frame[value].notna(), [by, value]]
    grouped = scored.groupby(by, sort=True, dropna=False)[value]
    summary = grouped.agg(["count", "mean", "var"])
    n = summary["count"].to_numpy(dtype=float)
    mean = _core.finite(summary["mean"].to_numpy(dtype=float), "mean score of a group")
    sd = np.sqrt(summary["var"].to_numpy(dtype=float))
    se, low, high = _t_interval(n, mean, sd, level)
    small = n < min_n
    out = pd.DataFrame(
        {
            "by": summary.index.to_numpy(),
            "n": n.astype(int),
            "mean": mean,
            "sd": sd,
            "se": se,
            "ci_low": low,
            "ci_high": high,
            "suppressed": small,
        }
    )
    out.loc[small, ["mean", "sd", "se", "ci_low", "ci_high"]] = np.nan
    return out[INDEX_COLUMNS].reset_index(drop=True)


def scale_index(scores: ArrayLike, *, min_n: int, level: float = 0.95) -> ScaleIndex:
    """One group's index from its respondents' scores (NaN left out); see :func:`scale_index_by`.

    >>> result = scale_index([3.0, 4.0, 5.0, 4.0, 4.5], min_n=5)
    >>> round(result.mean, 2), round(result.ci.low, 3), round(result.ci.high, 3)
    (4.1, 3.179, 5.021)
    """
    values = np.asarray(scores, dtype=float)
    values = values[~np.isnan(values)]
    row = scale_index_by(
        pd.DataFrame({"by": np.zeros(values.size), "score": values}), by="by", min_n=min_n,
        level=level,
    )  # fmt: skip
    n = int(values.size)
    if n < max(min_n, 2):
        return ScaleIndex(
            method=INDEX_METHOD,
            n=n,
            suppressed=True,
            reason=suppression_reason(n, max(min_n, 2), what="group of respondents"),
            reason_code=TOO_FEW,
            min_n=max(min_n, 2),
        )
    first = row.iloc[0]
    return ScaleIndex(
        method=INDEX_METHOD,
        n=n,
        mean=float(first["mean"]),
        sd=float(first["sd"]),
        se=float(first["se"]),
        ci=ConfidenceInterval(float(first["ci_low"]), float(first["ci_high"]), level),
    )


def index_change_by(
    n_before: ArrayLike,
    mean_before: ArrayLike,
    sd_before: ArrayLike,
    n_after: ArrayLike,
    mean_after: ArrayLike,
    sd_after: ArrayLike,
    *,
    level: float = 0.95,
) -> pd.DataFrame:
    """Welch's difference (after − before) of pairs of indexes (:data:`CHANGE_COLUMNS`).

    From each index's n, mean and SD (the respondents' scores), one row per pair.
    When neither group varies the interval is the difference itself.
    """
    _core.check_level(level)
    n1, n2 = (
        np.atleast_1d(np.asarray(n_before, dtype=float)),
        np.atleast_1d(np.asarray(n_after, dtype=float)),
    )
    v1 = np.atleast_1d(np.asarray(sd_before, dtype=float)) ** 2 / n1
    v2 = np.atleast_1d(np.asarray(sd_after, dtype=float)) ** 2 / n2
    difference = np.atleast_1d(np.asarray(mean_after, dtype=float)) - np.atleast_1d(
        np.asarray(mean_before, dtype=float)
    )
    with np.errstate(all="ignore"):
        se = np.sqrt(v1 + v2)
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        df = np.where(se > 0, df, n1 + n2 - 2)
        t = stats.t.ppf(0.5 + level / 2, df)
    low, high = difference - t * se, difference + t * se
    changed = (low > 0) | (high < 0)
    return pd.DataFrame(
        {"difference": difference, "se": se, "df": df, "ci_low": low, "ci_high": high,
         "changed": changed}
    )[CHANGE_COLUMNS]  # fmt: skip


def index_change(
    before: ArrayLike, after: ArrayLike, *, min_n: int, level: float = 0.95
) -> IndexChange:
    """The change of the index between two groups of respondents' scores, Welch's interval.

    Suppressed when either group has fewer than ``min_n`` respondents.

    >>> change = index_change([3, 4, 3, 4, 3], [4, 5, 5, 4, 5], min_n=5)
    >>> round(change.difference, 2), change.changed
    (1.2, True)
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    b, a = b[~np.isnan(b)], a[~np.isnan(a)]
    min_n = max(int(min_n), 2)
    base = {"method": CHANGE_METHOD, "n": int(b.size + a.size), "n_before": int(b.size),
            "n_after": int(a.size)}  # fmt: skip
    if b.size < min_n or a.size < min_n:
        return IndexChange(
            **base,
            suppressed=True,
            reason=suppression_reason(int(min(b.size, a.size)), min_n, what="group of respondents"),
            reason_code=TOO_FEW,
            min_n=min_n,
        )
    row = index_change_by(
        b.size, b.mean(), b.std(ddof=1), a.size, a.mean(), a.std(ddof=1), level=level
    ).iloc[0]
    return IndexChange(
        **base,
        difference=float(row["difference"]),
        se=float(row["se"]),
        df=float(row["df"]),
        ci=ConfidenceInterval(float(row["ci_low"]), float(row["ci_high"]), level),
        changed=bool(row["changed"]),
    )


def reliability_is_low(result: ReliabilityResult) -> bool:
    """α < :data:`ALPHA_LOW`, or its interval's lower bound < :data:`ALPHA_CI_LOW`.

    A suppressed result is not judged (False): it has no α to judge.
    """
    if result.suppressed or math.isnan(result.alpha):
        return False
    return result.alpha < ALPHA_LOW or result.alpha_ci.low < ALPHA_CI_LOW


def response_rate_is_low(responses: int, invited: int) -> bool:
    """Fewer than :data:`LOW_RESPONSE_RATE` of those invited answered.

    >>> response_rate_is_low(9, 20), response_rate_is_low(10, 20)
    (True, False)
    """
    if invited <= 0:
        return False
    return responses / invited < LOW_RESPONSE_RATE


def option_counts(items: pd.DataFrame, values: Sequence[int]) -> pd.DataFrame:
    """How many respondents chose each option of each item: items as rows, ``values`` as
    columns (an option nobody chose counts 0; a missing answer is not counted).

    >>> option_counts(pd.DataFrame({"a": [1, 2, 2], "b": [3, None, 3]}), [1, 2, 3]).to_dict("index")
    {'a': {1: 1, 2: 2, 3: 0}, 'b': {1: 0, 2: 0, 3: 2}}
    """
    long = items.melt(var_name="item", value_name="value").dropna()
    if long.empty:
        return pd.DataFrame(0, index=list(items.columns), columns=list(values))
    counts = pd.crosstab(long["item"], long["value"].astype(int))
    counts = counts.reindex(index=list(items.columns), columns=list(values), fill_value=0)
    counts.columns.name = None
    counts.index.name = None
    return counts.astype(int)
