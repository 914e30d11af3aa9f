"""Run-chart rules checked by hand-derived series, enumeration and Anhøj's published limits."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from efficacy.analysis.results import AnalysisError
from efficacy.analysis.runchart import (
    MIN_POINTS_TO_SIGNAL,
    anhoej_limits,
    rebaselined_run_charts,
    run_chart,
    runs_limits,
)


def signals_of(chart, rule):
    return [s["indices"] for s in chart.signals if s["rule"] == rule]


def test_points_on_the_median_neither_make_nor_break_a_run():
    """y = 3 5 2 5 1 4 8 9 7 6 5: sorted, the 6th of 11 values is 5, so the median is 5.
    Sides: − 0 − 0 − − + + + + 0. Useful points: 0 2 4 5 (below) and 6 7 8 9 (above):
    8 useful, 2 runs of 4, 1 crossing; no run reaches 6, so no shift."""
    chart = run_chart([3, 5, 2, 5, 1, 4, 8, 9, 7, 6, 5])
    assert chart.median == 5
    assert chart.n == 11
    assert chart.n_useful == 8
    assert chart.runs == 2
    assert chart.crossings == 1
    assert chart.longest_run == 4
    assert not chart.shift


def test_six_useful_points_on_one_side_make_a_shift_even_across_a_point_on_the_median():
    """y = 1 2 5 3 4 2 1 8 9 7 6 8 9 5 against a given median of 5:
    sides − − 0 − − − − + + + + + + 0. Runs: indices 0 1 3 4 5 6 (6 points: a shift) and
    7..12 (6 points: a shift); 2 runs, 1 crossing."""
    y = [1, 2, 5, 3, 4, 2, 1, 8, 9, 7, 6, 8, 9, 5]
    chart = run_chart(y, median=5)
    assert chart.shift
    assert signals_of(chart, "shift") == [[0, 1, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]
    assert chart.longest_run == 6
    assert chart.runs == 2


def test_five_points_are_not_a_shift():
    """Median given as 5: sides − − − − − + − + − + ...: the longest run is 5 < 6."""
    chart = run_chart([1, 2, 3, 4, 1, 9, 1, 9, 1, 9], median=5)
    assert chart.longest_run == 5
    assert not chart.shift
    assert signals_of(chart, "shift") == []


def test_a_trend_skips_equal_neighbours():
    """y = 1 2 2 3 4 5 3: the second 2 equals its predecessor and is skipped; the counted
    points 1 2 3 4 5 (indices 0 1 3 4 5) rise five times in a row: a trend. Had the tie
    broken the trend, the longest rise would be 2 3 4 5 (4 points) and no trend."""
    chart = run_chart([1, 2, 2, 3, 4, 5, 3])
    assert chart.trend
    assert signals_of(chart, "trend") == [[0, 1, 3, 4, 5]]


def test_four_rising_points_are_not_a_trend_but_five_falling_points_are():
    assert not run_chart([1, 2, 3, 4, 3, 2, 3]).trend
    falling = run_chart([9, 7, 5, 3, 1, 2])
    assert falling.trend
    assert signals_of(falling, "trend") == [[0, 1, 2, 3, 4]]


def brute_force_runs_distribution(n1: int, n2: int) -> dict[int, float]:
    """Second implementation: every arrangement of n1 'above' and n2 'below' points."""
    counts: dict[int, int] = {}
    total = 0
    for above in itertools.combinations(range(n1 + n2), n1):
        sides = np.zeros(n1 + n2, dtype=int)
        sides[list(above)] = 1
        r = 1 + int(np.sum(np.diff(sides) != 0))
        counts[r] = counts.get(r, 0) + 1
        total += 1
    return {r: c / total for r, c in counts.items()}


@pytest.mark.parametrize(("n1", "n2"), [(3, 4), (5, 5), (6, 8), (7, 7), (4, 9)])
def test_runs_limits_agree_with_a_brute_force_enumeration(n1, n2):
    dist = brute_force_runs_distribution(n1, n2)
    rs = sorted(dist)
    below = {r: sum(dist[s] for s in rs if s <= r) for r in rs}
    above = {r: sum(dist[s] for s in rs if s >= r) for r in rs}
    expected_low = min(r for r in rs if below[r] > 0.025)
    expected_high = max(r for r in rs if above[r] > 0.025)
    assert runs_limits(n1, n2) == (expected_low, expected_high)


def test_runs_limits_for_ten_above_and_ten_below_match_the_textbook_critical_values():
    # Swed & Eisenhart: with n1 = n2 = 10, R <= 6 or R >= 16 is significant at 5%.
    assert runs_limits(10, 10) == (7, 15)


@pytest.mark.parametrize(
    ("n", "longest", "crossings"),
    # Anhøj & Olesen (2014), table of limits: signal if longest run > L or crossings < C.
    [(10, 6, 2), (20, 7, 6), (30, 8, 10), (100, 10, 41)],
)
def test_anhoej_limits_match_the_published_table(n, longest, crossings):
    assert anhoej_limits(n) == (longest, crossings)


def test_anhoej_crossings_limit_is_the_binomial_five_percent_quantile_for_n_10_to_100():
    for n in range(10, 101):
        cdf = 0.0
        for c in range(n):
            cdf += math.comb(n - 1, c) / 2 ** (n - 1)
            if cdf >= 0.05:
                break
        assert anhoej_limits(n)[1] == c
        assert anhoej_limits(n)[0] == round(math.log2(n) + 3)


def test_a_long_run_triggers_anhoej_and_names_its_points():
    """20 points, median given as 5: eight below (0..7) then alternating above/below.
    The longest run is 8 > round(log2(20) + 3) = 7, so Anhøj signals on points 0..7."""
    y = [1] * 8 + [9, 1] * 6
    chart = run_chart(y, median=5)
    assert chart.n_useful == 20
    assert chart.longest_run == 8
    assert chart.anhoej_signal
    assert signals_of(chart, "anhoej_longest_run") == [list(range(8))]


def test_too_many_runs_are_a_classic_signal_but_not_an_anhoej_one():
    """Alternating 20 points: 20 runs, above the Swed–Eisenhart upper limit for 10/10."""
    chart = run_chart([1, 9] * 10)
    assert chart.runs == 20
    assert chart.runs_signal
    assert not chart.anhoej_signal


def test_a_stable_random_series_usually_gives_no_signal():
    rng = np.random.default_rng(0)
    false_alarms = sum(run_chart(rng.normal(size=24)).anhoej_signal for _ in range(400))
    # Anhøj's rules keep false alarms near 5-10% for n around 24
    assert false_alarms / 400 < 0.15


def test_after_a_sustained_shift_a_new_baseline_starts_at_the_shift():
    y = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 20, 21, 19, 22, 20, 18, 21, 20, 19, 22]
    charts = rebaselined_run_charts(y)
    assert [c.start for c in charts] == [0, 10]
    assert charts[0].median == pytest.approx(np.median(y[:10]))
    assert charts[1].median == pytest.approx(np.median(y[10:]))
    assert charts[1].n == 10


def test_a_series_without_a_shift_keeps_one_baseline():
    charts = rebaselined_run_charts([1, 3, 2, 4, 1, 3, 2, 4, 1, 3])
    assert len(charts) == 1
    assert charts[0].median == 2.5


def test_a_frozen_baseline_median_comes_from_the_first_points():
    """The median of 1 2 3 is 2; every later point (3 and up) is above it: a shift of 7."""
    chart = run_chart([1, 2, 3, 10, 11, 12, 13, 14, 15], baseline_n=3)
    assert chart.median == 2
    assert signals_of(chart, "shift") == [[2, 3, 4, 5, 6, 7, 8]]


def test_a_short_series_carries_a_caveat():
    chart = run_chart([1, 2, 3, 4])
    assert any("Fewer than 10" in c for c in chart.caveats)


@pytest.mark.parametrize(
    ("values", "fragment"), [([1.0], "at least 2"), ([1.0, float("nan"), 2.0], "finite")]
)
def test_it_refuses_a_series_it_cannot_chart(values, fragment):
    with pytest.raises(AnalysisError, match=fragment):
        run_chart(values)


@pytest.mark.parametrize(
    ("n", "below"),
    [(2, None), (3, None), (4, None), (5, None), (6, None), (7, None),
     (6, 0), (6, 1), (7, 0), (7, 2)],
)  # fmt: skip
def test_the_rules_that_can_signal_are_those_that_do_for_some_order_of_the_points(n, below):
    """Every order of n distinct values, around their own median (``below`` None) or a
    given one with ``below`` points under it: a rule signals in some order exactly when
    ``can_signal`` names it, and below 5 points none ever does."""
    median = None if below is None else below - 0.5
    fired: set[str] = set()
    named = set()
    for order in itertools.permutations(range(n)):
        chart = run_chart(order, median=median)
        fired |= {s["rule"] for s in chart.signals}
        named |= set(chart.can_signal)
    assert fired == named
    assert (not named) == (n < MIN_POINTS_TO_SIGNAL)


def test_too_few_points_for_a_signal_is_not_no_signal():
    """Four rising points: no rule could signal, and the chart says so; five can."""
    four = run_chart([1, 2, 3, 4])
    assert four.signals == ()
    assert four.too_few_points
    five = run_chart([1, 2, 3, 4, 5])
    assert not five.too_few_points
    assert five.trend
    flat_five = run_chart([1, 3, 2, 3, 2])
    assert flat_five.signals == ()
    assert flat_five.can_signal == ("trend",)
