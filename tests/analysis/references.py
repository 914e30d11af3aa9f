"""Published data and independent computations the analysis tests compare our figures with."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

# Lakens (2013), "Calculating and reporting effect sizes to facilitate cumulative science",
# Front. Psychol. 4:863, Table 1: ten ratings of each of two movies, which the paper reads
# both as two independent groups and as the same ten people rating both.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


def assert_gap_ci_agrees_with_scipy(ours, cells, *, n_resamples: int = 6000) -> None:
    """``ours`` (a gap_change result) has the percentile CI of the gap reduction that
    ``scipy.stats.bootstrap`` gives for ``cells`` (a0, b0, a1, b1), within 8% of its width.
    scipy resamples each sample independently, as gap_change does."""

    def reduction(a0, b0, a1, b1, axis=-1):
        g0 = a0.mean(axis=axis) - b0.mean(axis=axis)
        g1 = a1.mean(axis=axis) - b1.mean(axis=axis)
        return 100 * (g0 - g1) / g0

    ref = stats.bootstrap(
        cells,
        reduction,
        n_resamples=n_resamples,
        method="percentile",
        random_state=1,
        vectorized=True,
    ).confidence_interval
    width = ref.high - ref.low
    assert ours.ci.low == pytest.approx(ref.low, abs=0.08 * width)
    assert ours.ci.high == pytest.approx(ref.high, abs=0.08 * width)


def assert_student_gap_ci_agrees_with_scipy(ours, a, b, *, n_resamples: int = 6000) -> None:
    """``ours`` (a gap_change result with ``same_students=True``) has the percentile CI
    that ``scipy.stats.bootstrap`` gives when it resamples the columns (students) of
    ``a`` and ``b``, arrays of shape (2, n) holding each student's first and later score
    (NaN where missing), within 8% of its width. Groups are resampled independently."""

    def reduction(a, b, axis=-1):
        g0 = np.nanmean(a[0], axis=axis) - np.nanmean(b[0], axis=axis)
        g1 = np.nanmean(a[1], axis=axis) - np.nanmean(b[1], axis=axis)
        return 100 * (g0 - g1) / g0

    ref = stats.bootstrap(
        (a, b),
        reduction,
        axis=-1,
        n_resamples=n_resamples,
        method="percentile",
        random_state=1,
        vectorized=True,
    ).confidence_interval
    width = ref.high - ref.low
    assert ours.ci.low == pytest.approx(ref.low, abs=0.08 * width)
    assert ours.ci.high == pytest.approx(ref.high, abs=0.08 * width)
