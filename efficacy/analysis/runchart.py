"""Run charts for progress monitoring (improvement-science rules).

Definitions (``shared/STATISTICS.md``; Perla, Provost & Murray 2011; Anhøj & Olesen 2014):

- centre line = the median (of the whole series, of its first ``baseline_n`` points,
  or given);
- a point exactly on the median neither makes nor breaks a run and is not a
  *useful* observation; a *run* is a maximal sequence of useful points on one
  side; a *crossing* is a change of side between consecutive useful points, so
  runs = crossings + 1;
- **shift**: a run of 6 or more useful points;
- **trend**: 5 or more consecutive points all rising or all falling; a point
  equal to its predecessor is skipped (neither counts nor breaks the trend);
- **number of runs**: outside the 5% two-sided range of the exact
  Swed–Eisenhart (1943) distribution of the run count given n₁ useful points
  above and n₂ below (lower limit: the smallest r with P(R ≤ r) > 2.5%; upper:
  the largest r with P(R ≥ r) > 2.5%);
- **Anhøj**: the longest run > round(log₂ n + 3), or crossings < the 5% quantile
  of Binomial(n − 1, ½), with n the number of useful observations;
- **re-baselining**: after a shift, a new median is computed from the shift onward
  (:func:`rebaselined_run_charts`);
- **too few points**: a rule can signal only on enough points (a trend on 5; a
  shift on 6 useful points on one side; Anhøj's longest run when one side holds more
  than its limit; his crossings when the limit exceeds the fewest crossings that can
  occur). Around the median of its own points a series needs 10 before anything but
  a trend can signal. ``can_signal`` names the rules that could signal on the
  series' counts above and below its centre line, in some order: with none, the
  chart has too few points for a signal, which is not "no signal"
  (:func:`rules_that_can_signal`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats
from scipy.special import comb

from efficacy.analysis import _core
from efficacy.analysis._core import gettext_noop
from efficacy.analysis.results import MIN_N, AnalysisError, Result

SHIFT_LENGTH = 6
TREND_LENGTH = 5
#: The fewest points on which any rule can signal (a trend of 5).
MIN_POINTS_TO_SIGNAL = min(TREND_LENGTH, SHIFT_LENGTH)


@dataclass(frozen=True, kw_only=True)
class RunChartResult(Result):
    """Rules applied to one stretch of a series; point indices count from 0 in the
    whole series. ``signals`` lists ``{"rule", "indices"}`` for every signal;
    ``can_signal`` the rules that could have signalled with this many points (empty:
    too few points for a signal, whatever the values)."""

    median: float
    start: int
    n_useful: int
    runs: int
    crossings: int
    longest_run: int
    shift: bool
    trend: bool
    runs_low: int | None
    runs_high: int | None
    runs_signal: bool
    longest_run_limit: int
    crossings_limit: int
    anhoej_signal: bool
    signals: tuple[dict[str, Any], ...]
    can_signal: tuple[str, ...] = ()

    @property
    def too_few_points(self) -> bool:
        """No rule could signal on so few points: its silence is not "no signal"."""
        return not self.can_signal


@lru_cache(maxsize=4096)
def _runs_distribution(n1: int, n2: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact P(R = r) for the number of runs in a random arrangement of n1 + n2 points."""
    total = comb(n1 + n2, n1, exact=True)
    rs = np.arange(2, n1 + n2 + 1)
    probs = []
    for r in rs:
        k = r // 2
        if r % 2 == 0:
            ways = 2 * comb(n1 - 1, k - 1, exact=True) * comb(n2 - 1, k - 1, exact=True)
        else:
            ways = comb(n1 - 1, k, exact=True) * comb(n2 - 1, k - 1, exact=True) + comb(
                n1 - 1, k - 1, exact=True
            ) * comb(n2 - 1, k, exact=True)
        probs.append(ways / total)
    return rs, np.array(probs)


def runs_limits(n1: int, n2: int, *, alpha: float = 0.05) -> tuple[int, int] | None:
    """Swed–Eisenhart (lower, upper) limits for the run count; None if a side is empty."""
    if n1 < 1 or n2 < 1:
        return None
    rs, p = _runs_distribution(n1, n2)
    below = np.cumsum(p)  # P(R ≤ r)
    above = np.cumsum(p[::-1])[::-1]  # P(R ≥ r)
    eps = 1e-12
    low = int(rs[np.argmax(below > alpha / 2 + eps)])
    high = int(rs[::-1][np.argmax(above[::-1] > alpha / 2 + eps)])
    return low, high


def anhoej_limits(n_useful: int) -> tuple[int, int]:
    """(longest-run limit, crossings limit): signal if longest > the first or crossings
    < the second (Anhøj & Olesen 2014)."""
    longest = round(math.log2(n_useful) + 3)
    crossings = int(stats.binom.ppf(0.05, n_useful - 1, 0.5))
    return longest, crossings


def rules_that_can_signal(
    n: int, n_above: int, n_below: int, *, limits: tuple[int, int] | None = None
) -> tuple[str, ...]:
    """The rules that could signal on ``n`` points, ``n_above`` and ``n_below`` of them
    off the centre line (whatever their order): a rule that cannot signal on so few
    points says nothing by its silence.

    A trend needs :data:`TREND_LENGTH` points; a shift :data:`SHIFT_LENGTH` useful
    points on one side; the number of runs can signal when its 5% range (``limits``,
    Swed–Eisenhart) excludes a count that can occur (2 up to 2·min(n₁, n₂), plus 1 when
    n₁ ≠ n₂); Anhøj's longest run when one side holds more points than its limit, and
    its crossings when their limit exceeds the fewest that can occur (1 with points on
    both sides, else 0).

    >>> rules_that_can_signal(4, 2, 2), rules_that_can_signal(5, 2, 2)
    ((), ('trend',))
    >>> rules_that_can_signal(7, 7, 0)
    ('trend', 'shift', 'anhoej_longest_run', 'anhoej_crossings')
    >>> rules_that_can_signal(7, 3, 3)  # the median of 7 points leaves 3 on each side
    ('trend',)
    """
    useful = n_above + n_below
    rules = []
    if n >= TREND_LENGTH:
        rules.append("trend")
    if max(n_above, n_below) >= SHIFT_LENGTH:
        rules.append("shift")
    if limits is None and n_above and n_below:
        limits = runs_limits(n_above, n_below)
    if limits is not None:
        most = 2 * min(n_above, n_below) + (n_above != n_below)
        if limits[0] > 2 or limits[1] < most:
            rules.append("runs")
    if useful >= 2:
        longest, crossings = anhoej_limits(useful)
        if max(n_above, n_below) > longest:
            rules.append("anhoej_longest_run")
        if crossings > (1 if n_above and n_below else 0):
            rules.append("anhoej_crossings")
    return tuple(rules)


def _runs(side: np.ndarray, useful_idx: np.ndarray) -> list[np.ndarray]:
    """Indices of the useful points of each run, in order."""
    s = side[useful_idx]
    breaks = np.flatnonzero(np.diff(s) != 0) + 1
    return np.split(useful_idx, breaks)


def _trends(values: np.ndarray, length: int) -> list[np.ndarray]:
    """Indices of the counted points of each trend of at least ``length`` points."""
    # A point equal to its predecessor is skipped: keep the first of each tie.
    keep = np.concatenate([[True], np.diff(values) != 0])
    idx = np.flatnonzero(keep)
    if idx.size < length:
        return []
    direction = np.sign(np.diff(values[idx]))
    out: list[np.ndarray] = []
    start = 0
    for i in range(1, direction.size + 1):
        if i == direction.size or direction[i] != direction[start]:
            points = idx[start : i + 1]  # i - start steps join i - start + 1 points
            if points.size >= length:
                out.append(points)
            start = i
    return out


def run_chart(
    values: ArrayLike,
    *,
    median: float | None = None,
    baseline_n: int | None = None,
    start: int = 0,
) -> RunChartResult:
    """Apply the classic and Anhøj rules to a series in time order.

    The centre line is ``median`` if given, else the median of the first
    ``baseline_n`` points (a frozen baseline), else of all points. ``start``
    offsets the reported indices (used when charting a later stretch).
    """
    y = np.asarray(values, dtype=float).ravel()
    if y.size < 2:
        raise AnalysisError(f"A run chart needs at least 2 points; got {y.size}.")
    if not np.all(np.isfinite(y)):
        raise AnalysisError("A value is missing or not a finite number: remove or fix that row.")
    if median is None:
        if baseline_n is not None and not 1 <= baseline_n <= y.size:
            raise AnalysisError(
                f"The baseline must be between 1 and {y.size} points; got {baseline_n}."
            )
        median = float(np.median(y[:baseline_n] if baseline_n else y))

    side = np.sign(y - median).astype(int)
    useful_idx = np.flatnonzero(side != 0)
    n_useful = int(useful_idx.size)
    runs = _runs(side, useful_idx) if n_useful else []
    n_runs = len(runs)
    crossings = max(n_runs - 1, 0)
    longest = max((r.size for r in runs), default=0)
    shifts = [r for r in runs if r.size >= SHIFT_LENGTH]
    trends = _trends(y, TREND_LENGTH)

    n_above = int(np.sum(side > 0))
    limits = runs_limits(n_above, n_useful - n_above)
    runs_signal = limits is not None and not (limits[0] <= n_runs <= limits[1])
    if n_useful >= 2:
        longest_limit, crossings_limit = anhoej_limits(n_useful)
    else:
        longest_limit, crossings_limit = n_useful, 0
    long_runs = [r for r in runs if r.size > longest_limit]
    few_crossings = n_useful >= 2 and crossings < crossings_limit

    def signal(rule: str, indices: np.ndarray) -> dict[str, Any]:
        return {"rule": rule, "indices": [int(i) + start for i in indices]}

    signals = [signal("shift", r) for r in shifts] + [signal("trend", t) for t in trends]
    if runs_signal:
        signals.append(signal("runs", useful_idx))
    signals += [signal("anhoej_longest_run", r) for r in long_runs]
    if few_crossings:
        signals.append(signal("anhoej_crossings", useful_idx))

    caveats: list[str] = []
    if n_useful < 10:
        caveats.append(
            gettext_noop(
                "Fewer than 10 points are off the median: the rules rarely signal "
                "with so few, so the absence of a signal means little."
            )
        )
    if limits is None:
        caveats.append(gettext_noop("Every useful point is on one side of the centre line."))
    return RunChartResult(
        method=gettext_noop("Run chart: median centre line, classic and Anhøj rules"),
        n=int(y.size),
        caveats=tuple(caveats),
        median=median,
        start=start,
        n_useful=n_useful,
        runs=n_runs,
        crossings=crossings,
        longest_run=longest,
        shift=bool(shifts),
        trend=bool(trends),
        runs_low=limits[0] if limits else None,
        runs_high=limits[1] if limits else None,
        runs_signal=runs_signal,
        longest_run_limit=longest_limit,
        crossings_limit=crossings_limit,
        anhoej_signal=bool(long_runs) or few_crossings,
        signals=tuple(signals),
        can_signal=rules_that_can_signal(int(y.size), n_above, n_useful - n_above, limits=limits),
    )


def rebaselined_run_charts(values: ArrayLike) -> list[RunChartResult]:
    """Split a series at each sustained shift and chart each stretch on its own median.

    The first stretch is charted on its own median; if it shows a shift that
    starts after its first point, a new stretch (with a new median) begins at
    the shift, and so on. Each result's ``start`` is where its stretch begins.
    """
    y = np.asarray(values, dtype=float).ravel()
    charts: list[RunChartResult] = []
    start = 0
    while True:
        chart = run_chart(y[start:], start=start)
        shift_starts = [s["indices"][0] for s in chart.signals if s["rule"] == "shift"]
        later = [s for s in shift_starts if s > start]
        # A stretch shorter than a shift cannot establish a baseline of its own.
        if not later or y.size - later[0] < SHIFT_LENGTH or later[0] - start < 2:
            charts.append(chart)
            return charts
        cut = later[0]
        charts.append(run_chart(y[start:cut], start=start))
        start = cut


MEANS_METHOD = gettext_noop("mean score at each occasion, run-chart rules over the shown means")


@dataclass(frozen=True)
class OccasionMean:
    """One occasion of :func:`occasion_means_chart`: its ``n``, its mean (NaN when it has
    no score or is suppressed) and the rules that signal at it."""

    position: int
    n: int
    mean: float
    suppressed: bool = False
    signals: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class OccasionMeansChart(Result):
    """The mean at every occasion in order (``points``) and the run-chart rules over the
    occasions that can be shown (``chart``; None when fewer than two can). ``n`` counts
    every score; ``shown`` the occasions with at least ``min_n`` scores."""

    points: tuple[OccasionMean, ...] = ()
    chart: RunChartResult | None = None
    shown: int = 0


def occasion_means_chart(
    occasion: ArrayLike, score: ArrayLike, *, occasions: int, min_n: int = MIN_N
) -> OccasionMeansChart:
    """The arithmetic mean score at each occasion, and a run chart of those means.

    ``occasion[i]`` is score i's occasion as a position 0 … ``occasions`` − 1 in the
    cycle's order. Per occasion: n and the mean Σx/n; an occasion with fewer than
    ``min_n`` scores is suppressed (STATISTICS.md, "Small groups"); a mean whose sum
    overflows is refused (:class:`AnalysisError`, code ``not_finite``). The run-chart
    rules (:func:`run_chart`: centre line = the median of the points) apply to the
    means of the occasions shown, in order, and each signal is reported at the
    occasions it covers (Perla, Provost & Murray 2011, "The run chart", BMJ Qual
    Saf 20:46, who chart any summary per period, means included).

    >>> c = occasion_means_chart([0, 0, 1, 1, 2], [1, 3, 4, 6, 9], occasions=3, min_n=2)
    >>> [(p.n, p.mean, p.suppressed) for p in c.points]
    [(2, 2.0, False), (2, 5.0, False), (1, nan, True)]
    """
    min_n = _core.check_min_n(min_n)
    where = np.asarray(occasion, dtype=np.int64).ravel()
    values = _core.as_scores(score, what="score")
    if where.shape != values.shape:
        raise AnalysisError(f"There are {len(where)} occasions but {len(values)} scores.")
    if where.size and (where.min() < 0 or where.max() >= occasions):
        raise AnalysisError(f"An occasion position is outside 0 to {occasions - 1}.")
    keep = ~np.isnan(values)
    where, values = where[keep], values[keep]
    n = np.bincount(where, minlength=occasions)
    with np.errstate(all="ignore"):
        means = np.bincount(where, weights=values, minlength=occasions) / n
    shown = np.flatnonzero(n >= min_n)
    _core.finite(means[shown], "mean score at an occasion")
    chart = None
    signals: dict[int, list[str]] = {}
    if shown.size >= 2:
        chart = run_chart(means[shown])
        for signal in chart.signals:
            for i in signal["indices"]:
                signals.setdefault(int(shown[i]), []).append(signal["rule"])
    points = tuple(
        OccasionMean(
            position=i,
            n=int(n[i]),
            mean=float(means[i]) if n[i] >= min_n else math.nan,
            suppressed=bool(0 < n[i] < min_n),
            signals=tuple(dict.fromkeys(signals.get(i, []))),
        )
        for i in range(occasions)
    )
    return OccasionMeansChart(
        method=MEANS_METHOD,
        n=int(n.sum()),
        caveats=chart.caveats if chart is not None else (),
        points=points,
        chart=chart,
        shown=int(shown.size),
    )
