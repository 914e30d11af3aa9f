"""Many cycles' impact at once: the random-effects pooled pre/post effect of closed cycles.

The dashboards' forest plots read each cycle's stored headline (:class:`ImpactSummary`:
d_av with its 95% interval, baseline to final, on the focus group) and pool them with
:func:`efficacy.analysis.random_effects` (REML τ², Hartung–Knapp interval with
max(1, q), so that a handful of cycles never gets a falsely narrow interval; prediction
interval μ ± t_{k−2}·sqrt(τ² + SE²); ``shared/STATISTICS.md``). Each cycle's standard
error is its interval's half-width over z_.975: the stored interval is d_av ± z·SE
(:func:`efficacy.analysis.prepost`). A cycle whose effect is not shown (suppressed, no
final yet) has no interval and is left out, and counted in ``left_out``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from efficacy.analysis import AnalysisError, random_effects, se_from_interval
from efficacy.cycles.models import ImpactSummary

#: Fewest effects pooled. With two, the Hartung–Knapp interval uses t with 1 degree of
#: freedom (12.7 × SE): honest, but too wide to read, and τ² cannot be told from 0.
MIN_CYCLES = 3


@dataclass(frozen=True)
class PooledImpact:
    k: int = 0
    left_out: int = 0
    estimate: float | None = None
    ci: tuple[float, float] | None = None
    prediction: tuple[float, float] | None = None
    i2: float | None = None
    tau2: float | None = None
    expected_growth: float | None = None
    method: str = ""
    sentence: str = ""
    note: str = ""
    caveats: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        return self.estimate is not None


def _effect_and_se(summary: ImpactSummary) -> tuple[float, float] | None:
    if summary.effect is None or summary.ci_low is None or summary.ci_high is None:
        return None
    se = float(se_from_interval(summary.ci_low, summary.ci_high))
    if not (math.isfinite(summary.effect) and math.isfinite(se) and se > 0):
        return None
    return summary.effect, se


def pooled_impact(summaries: Iterable[ImpactSummary]) -> PooledImpact:
    """Pool the cycles' pre/post effects; below three effects, say why nothing is pooled."""
    rows = list(summaries)
    pairs = [p for p in map(_effect_and_se, rows) if p is not None]
    left_out = len(rows) - len(pairs)
    growth = sorted(s.expected_growth for s in rows if s.expected_growth is not None)
    expected = growth[len(growth) // 2] if growth else None
    if len(pairs) < MIN_CYCLES:
        return PooledImpact(
            k=len(pairs),
            left_out=left_out,
            expected_growth=expected,
            note=_(
                "At least three closed cycles with an effect and its interval are needed to "
                "pool them."
            ),
        )
    effects, ses = zip(*pairs, strict=True)
    try:
        result = random_effects(effects, ses, method="reml", hartung_knapp_floor=True)
    except AnalysisError as error:
        return PooledImpact(
            k=len(pairs), left_out=left_out, expected_growth=expected, note=str(error)
        )
    prediction = None
    if math.isfinite(result.prediction_interval.low):
        prediction = (result.prediction_interval.low, result.prediction_interval.high)
    return PooledImpact(
        k=result.k,
        left_out=left_out,
        estimate=result.estimate,
        ci=(result.ci.low, result.ci.high),
        prediction=prediction,
        i2=result.i2,
        tau2=result.tau2,
        expected_growth=expected,
        method=_(result.method),
        sentence=_sentence(
            result.k, result.estimate, (result.ci.low, result.ci.high), prediction, expected
        ),
        caveats=tuple(_(c) for c in result.caveats),
    )


def _n(value: float) -> str:
    """A figure with two decimals in the reader's language (0,42 in French)."""
    return number_format(value, 2)


def _sentence(
    k: int,
    estimate: float,
    ci: tuple[float, float],
    prediction: tuple[float, float] | None,
    expected: float | None,
) -> str:
    """What the pooled figure means, in plain words."""
    words = _(
        "Across %(k)d closed cycles, students grew by %(estimate)s standard deviations on "
        "average (likely between %(low)s and %(high)s)."
    ) % {"k": k, "estimate": _n(estimate), "low": _n(ci[0]), "high": _n(ci[1])}
    if expected is not None:
        if ci[0] > expected:
            words += " " + _(
                "That is more than the %(expected)s a cycle of this length usually brings."
            ) % {"expected": _n(expected)}
        elif ci[1] < expected:
            words += " " + _(
                "That is less than the %(expected)s a cycle of this length usually brings."
            ) % {"expected": _n(expected)}
        else:
            words += " " + _(
                "That cannot be told apart from the %(expected)s a cycle of this length "
                "usually brings."
            ) % {"expected": _n(expected)}
    if prediction is not None:
        words += " " + _(
            "A new cycle here could expect an effect between %(low)s and %(high)s: cycles "
            "differ, so this range is wider than the average's."
        ) % {"low": _n(prediction[0]), "high": _n(prediction[1])}
    return words
