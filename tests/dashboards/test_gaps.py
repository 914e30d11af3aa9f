"""The gap between two groups of students per term, against a hand computation."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from efficacy.cycles.impact.gaps import StudentGroup, gap_by_term, student_groups
from efficacy.roster.models import AcademicSession
from tests.cycles.fixtures import COMP_POST, FOCUS_POST

APPLIED = StudentGroup("pathway:applied", "applied", {"pathways": ["applied"]})
ACADEMIC = StudentGroup("pathway:academic", "academic", {"pathways": ["academic"]})


def _hedges_g(a, b):
    """Hedges' g with its 95% interval, written out from the textbook formulas."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    n1, n2 = len(a), len(b)
    sp = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    g = (a.mean() - b.mean()) / sp * (1 - 3 / (4 * (n1 + n2) - 9))
    se = math.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2)))
    return g, g - 1.959964 * se, g + 1.959964 * se


def test_the_gap_is_hedges_g_of_the_standardised_final_scores(world, settings, scored):
    settings.EFFICACY_MIN_STUDENT_N = 5
    trend = gap_by_term(world.school_a, APPLIED, ACADEMIC)
    assert [t.term for t in trend.terms] == ["2024-2025"]
    everyone = np.array(FOCUS_POST + COMP_POST, float)
    z = (everyone - everyone.mean()) / everyone.std(ddof=1)
    g, low, high = _hedges_g(z[: len(FOCUS_POST)], z[len(FOCUS_POST) :])
    gap = trend.terms[0]
    assert gap.estimate == pytest.approx(g, abs=1e-9)
    assert (gap.ci_low, gap.ci_high) == (
        pytest.approx(low, abs=1e-4),
        pytest.approx(high, abs=1e-4),
    )
    assert gap.estimate < 0  # the applied students scored lower


def test_a_term_with_a_small_group_is_suppressed_without_its_size(world, scored):
    # Six academic students, eight applied: both below the default threshold of 10.
    gap = gap_by_term(world.school_a, APPLIED, ACADEMIC).terms[0]
    assert not gap.shown
    assert "fewer than 10" in str(gap.reason)
    assert "6" not in str(gap.reason)
    assert "8" not in str(gap.reason)


def test_each_term_is_read_from_the_final_occasions_date(world, settings, scored, final):
    settings.EFFICACY_MIN_STUDENT_N = 5
    for title, start, end in (
        ("Fall", (2024, 9, 1), (2025, 1, 31)),
        ("Winter", (2025, 2, 1), (2025, 6, 30)),
    ):
        AcademicSession.objects.create(
            district=world.district,
            title=title,
            kind=AcademicSession.Kind.TERM,
            start_date=dt.date(*start),
            end_date=dt.date(*end),
            school_year=2025,
        )
    final.date = dt.date(2025, 3, 1)
    final.save()
    terms = gap_by_term(world.school_a, APPLIED, ACADEMIC).terms
    assert [t.term for t in terms] == ["Winter"]
    assert terms[0].shown


def test_the_groups_offered_are_the_schools_pathways_and_flags(world, scored):
    keys = [g.key for g in student_groups(world.school_a)]
    assert "pathway:applied" in keys
    assert "pathway:academic" in keys
    assert "attribute:ell:yes" in keys
    assert "attribute:ell:no" in keys
