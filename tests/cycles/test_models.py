from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from efficacy.cycles.models import LookFor, Measure, Occasion, Score, Strategy

pytestmark = pytest.mark.django_db


def test_the_library_ships_the_seven_named_strategies_with_look_fors():
    slugs = set(Strategy.objects.filter(school=None).values_list("slug", flat=True))
    assert {
        "learning-intentions-success-criteria",
        "effective-feedback",
        "cross-curricular-literacy",
        "responsive-differentiated-support",
        "chunking-high-interest-text",
        "know-wonder-chart",
        "what-makes-you-think-that",
    } <= slugs
    for strategy in Strategy.objects.filter(school=None):
        assert 3 <= LookFor.objects.filter(strategy=strategy).count() <= 5, strategy.slug


def test_a_measure_needs_a_highest_score_above_its_lowest(cycle):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(cycle=cycle, name="Broken", min_score=4, max_score=4)


def test_a_cycle_has_only_one_baseline_but_many_checkpoints(cycle, baseline):
    Occasion.objects.create(cycle=cycle, name="Check 1", kind="checkpoint")
    Occasion.objects.create(cycle=cycle, name="Check 2", kind="checkpoint")
    with pytest.raises(IntegrityError), transaction.atomic():
        Occasion.objects.create(cycle=cycle, name="Second baseline", kind="baseline")


def test_a_student_has_one_score_per_measure_and_occasion(world, rubric, baseline):
    Score.objects.create(measure=rubric, occasion=baseline, student=world.ava, value=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(measure=rubric, occasion=baseline, student=world.ava, value=3)


def test_a_library_slug_is_unique_but_a_school_may_reuse_it(world):
    Strategy.objects.create(
        school=world.school_a, slug="effective-feedback", name="Our feedback", description="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Strategy.objects.create(
            school=None, slug="effective-feedback", name="Copy", description="x"
        )
