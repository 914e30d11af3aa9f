"""The share of students who reach a threshold, with a Wilson score interval.

Formula (Wilson 1927, "Probable inference, the law of succession, and
statistical inference", JASA 22:209; Newcombe 1998, Stat. Med. 17:857,
method 3): with x successes of n, p̂ = x/n and z the normal quantile,

    centre = (p̂ + z²/(2n)) / (1 + z²/n)
    half   = z/(1 + z²/n) · sqrt(p̂(1 − p̂)/n + z²/(4n²))

The interval stays inside [0, 1] and keeps close to its nominal coverage for
small n and for shares near 0% or 100%, where p̂ ± z·SE does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from efficacy.analysis import _core
from efficacy.analysis._core import gettext_noop
from efficacy.analysis.results import MIN_N, TOO_FEW, AnalysisError, ConfidenceInterval, Result

METHOD = gettext_noop("share of students at or above a threshold, Wilson score interval")
NAN = math.nan

SMALL_N = gettext_noop(
    "Few students: the confidence interval is wide; read the share as a rough guide."
)


@dataclass(frozen=True, kw_only=True)
class Proportion(Result):
    """``successes`` of ``n``; ``proportion`` in [0, 1] and ``ci`` its Wilson interval."""

    successes: int = 0
    proportion: float = NAN
    ci: ConfidenceInterval = _core.NO_CI

    @property
    def percent(self) -> float:
        return 100 * self.proportion

    @property
    def percent_ci(self) -> ConfidenceInterval:
        return ConfidenceInterval(100 * self.ci.low, 100 * self.ci.high, self.ci.level)


def wilson_interval(successes: int, n: int, *, level: float = 0.95) -> ConfidenceInterval:
    """Wilson score interval of the proportion ``successes``/``n``.

    >>> ci = wilson_interval(5, 8)
    >>> round(ci.low, 4), round(ci.high, 4)
    (0.3057, 0.8632)
    """
    if n < 1:
        raise AnalysisError("A share needs at least one student.")
    if not 0 <= successes <= n:
        raise AnalysisError(f"{successes} successes out of {n} is not possible.")
    z = _core.z_for(level)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return ConfidenceInterval(max(0.0, centre - half), min(1.0, centre + half), level)


def proportion_estimate(
    successes: int, n: int, *, min_n: int = MIN_N, level: float = 0.95
) -> Proportion:
    """The share ``successes``/``n`` with its Wilson interval; suppressed below ``min_n``."""
    min_n = _core.check_min_n(min_n)
    if n < 1:
        raise AnalysisError("No student has a score here, so there is no share to show.")
    if n < min_n:
        return Proportion(
            method=METHOD,
            n=n,
            suppressed=True,
            reason=_core.suppression_reason(n, min_n),
            reason_code=TOO_FEW,
            min_n=min_n,
        )
    return Proportion(
        method=METHOD,
        n=n,
        caveats=(SMALL_N,) if n < 20 else (),
        successes=int(successes),
        proportion=successes / n,
        ci=wilson_interval(successes, n, level=level),
    )
