"""Pooling closed cycles' stored effects (efficacy.cycles.impact.pooled) checked against metafor."""

from __future__ import annotations

import math

import numpy as np
import pytest
from django.utils import translation

from efficacy.cycles.impact.pooled import pooled_impact
from efficacy.cycles.models import ImpactSummary
from tests.analysis.test_meta import RAUDENBUSH_VI, RAUDENBUSH_YI

Z = 1.959963984540054


def summaries(yi, vi, expected=0.2):
    return [
        ImpactSummary(
            effect=y,
            ci_low=y - Z * math.sqrt(v),
            ci_high=y + Z * math.sqrt(v),
            expected_growth=expected,
        )
        for y, v in zip(yi, vi, strict=True)
    ]


def test_pooling_stored_intervals_gives_metafors_reml_estimate_on_raudenbush():
    # metafor rma(yi, vi, data=dat.raudenbush1985): estimate 0.0837, tau^2 = 0.0188.
    pooled = pooled_impact(summaries(RAUDENBUSH_YI, RAUDENBUSH_VI))
    assert pooled.k == 19
    assert pooled.left_out == 0
    assert pooled.estimate == pytest.approx(0.0837, abs=5e-5)
    assert pooled.tau2 == pytest.approx(0.0188, abs=5e-5)
    # Hartung–Knapp with max(1, q) is never narrower than the z interval sqrt(1/Σw*).
    w = 1 / (np.asarray(RAUDENBUSH_VI) + pooled.tau2)
    z_half = Z * math.sqrt(1 / w.sum())
    assert (pooled.ci[1] - pooled.ci[0]) / 2 >= z_half - 1e-9
    assert pooled.prediction[0] < pooled.ci[0] < pooled.ci[1] < pooled.prediction[1]


def test_effects_without_an_interval_are_left_out_and_counted():
    rows = [
        *summaries([0.3, 0.5, 0.1], [0.01, 0.02, 0.015]),
        ImpactSummary(effect=None),
        ImpactSummary(effect=0.4, ci_low=None, ci_high=None),
    ]
    pooled = pooled_impact(rows)
    assert (pooled.k, pooled.left_out) == (3, 2)


def test_two_effects_are_not_pooled_and_say_why():
    pooled = pooled_impact(summaries([0.3, 0.5], [0.01, 0.02]))
    assert not pooled.shown
    assert "three closed cycles" in pooled.note


def test_the_sentence_reads_the_figure_in_the_readers_language():
    rows = summaries([0.6, 0.7, 0.8, 0.65], [0.01, 0.02, 0.015, 0.01], expected=0.2)
    with translation.override("en"):
        sentence = pooled_impact(rows).sentence
    assert "Across 4 closed cycles" in sentence
    assert "more than the 0.20" in sentence
    assert "A new cycle here could expect" in sentence
