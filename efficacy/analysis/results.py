"""Result objects shared by every statistic in :mod:`efficacy.analysis`.

Every number Efficacy shows carries its n, its uncertainty and its method
(DESIGN.md, principle 1). A statistic returns a frozen dataclass that derives
from :class:`Result`; below the minimum n it returns the same type with
``suppressed=True``, a plain-language ``reason`` (for the command line), a
``reason_code`` (:data:`TOO_FEW` with its ``min_n``, :data:`NO_VARIANCE` or
:data:`NOT_FINITE` or :data:`FLAT_OCCASION`) that the web app translates, and no numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

#: Default minimum group size for student results (STATISTICS.md, "Small groups").
MIN_N = 10
#: Reason codes of a suppressed result: a group below ``min_n``; scores that do not vary;
#: scores too large or too small for a sum, a variance or a weight to be a finite number.
TOO_FEW = "too_few"
NO_VARIANCE = "no_variance"
#: Codes of an :class:`AnalysisError` about the data itself, too thin or too flat for the
#: statistic (a page words them; :data:`NO_VARIANCE` above serves here too): fewer than two
#: students with both scores; a group (or group × occasion) with fewer than two scores;
#: fewer than two clusters; every cluster a single score; no variation inside any cluster.
TOO_FEW_PAIRS = "too_few_pairs"
TOO_FEW_SCORES = "too_few_scores"
TOO_FEW_CLUSTERS = "too_few_clusters"
ONE_SCORE_PER_CLUSTER = "one_score_per_cluster"
NO_WITHIN_VARIANCE = "no_within_variance"
NOT_FINITE = "not_finite"
#: Every score at one of two occasions is the same (e.g. all at a rubric's floor), so a
#: standardiser averaging both occasions' SDs would be half the other one.
FLAT_OCCASION = "flat_occasion"
#: z for a two-sided 95% interval.
Z95 = 1.959963984540054


@dataclass(frozen=True)
class ConfidenceInterval:
    low: float
    high: float
    level: float = 0.95

    def to_dict(self) -> dict[str, float]:
        return {"low": _clean(self.low), "high": _clean(self.high), "level": self.level}


@dataclass(frozen=True, kw_only=True)
class Result:
    """Base of every result: what was computed, how, on how many, with what caveats."""

    method: str
    n: int
    caveats: tuple[str, ...] = ()
    suppressed: bool = False
    reason: str | None = None
    reason_code: str | None = None
    #: The threshold a ``too_few`` result was below.
    min_n: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (NaN becomes None), for templates and JSON."""
        out: dict[str, Any] = {}
        for f in fields(self):
            out[f.name] = _clean(getattr(self, f.name))
        return out

    def to_flat_dict(self) -> dict[str, Any]:
        """Like :meth:`to_dict`, but a confidence interval ``x`` becomes ``x_low`` and
        ``x_high`` (``ci`` becomes ``ci_low`` / ``ci_high``): the command line's keys."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, ConfidenceInterval):
                out[f"{f.name}_low"] = _clean(value.low)
                out[f"{f.name}_high"] = _clean(value.high)
            else:
                out[f.name] = _clean(value)
        return out


def to_plain(value: Any) -> Any:
    """Plain Python types for JSON: numpy scalars unwrapped, NaN and infinities as None."""
    return _clean(value)


def _clean(value: Any) -> Any:
    if isinstance(value, ConfidenceInterval):
        return value.to_dict()
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, (tuple, list)):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    return value


class AnalysisError(ValueError):
    """Input that a statistic cannot be computed from, with a message for a person.

    The command line turns it into one line on stderr and exit status 2. When the data
    itself is too thin or too flat (not a caller's mistake), ``code`` says which (the
    codes above) and ``params`` holds what a page needs to word it, such as the
    ``group`` or ``occasion``: the web app translates by code, as Django's
    ``ValidationError`` does, and the English message stays the command line's.
    """

    def __init__(
        self, message: str, *, code: str | None = None, params: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.params = params or {}


def suppression_reason(n: int, min_n: int, *, what: str = "group") -> str:
    return (
        f"Suppressed: the {what} has {n} student(s), fewer than the reporting "
        f"threshold of {min_n}, so the result would be unreliable and could identify students."
    )
