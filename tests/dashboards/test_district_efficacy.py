"""Collective efficacy by school on the district dashboard: the same whole-school figure as
the results pages (window_results), for many schools in a bounded number of queries."""

from __future__ import annotations

import pytest

from efficacy.voice.services.results import window_results
from efficacy.voice.services.school_indexes import school_indexes
from tests.voice import results_world as rw

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "groups",
    [
        [(None, 8)],  # everyone named no team: shown
        [(None, 3)],  # too few: suppressed
        [("english", 8), ("math", 7)],  # two teams large enough
        [("english", 9), ("math", 3)],  # a small team, hidden, and the rest to protect it
        [("english", 6), (None, 1)],  # one without a team
    ],
)
def test_each_schools_figure_is_the_results_pages_whole_school_figure(world, groups):
    teams = {"english": world.team_english, "math": world.team_math, None: None}
    answers = []
    for seed, (name, count) in enumerate(groups):
        answers += rw.answers_for(teams[name], count, 3.5 + seed / 2, seed=seed)
    window = rw.window(world.school_a, answers=answers)
    expected = window_results(window=window, details=False).whole.overall
    found = school_indexes([window])[window.pk]
    assert (found.index is None) == (expected.index is None)
    if expected.index is not None:
        assert found.index.mean == pytest.approx(expected.index.mean)
        assert found.index.ci.low == pytest.approx(expected.index.ci.low)
    else:
        assert found.reason == expected.reason


def test_many_schools_cost_the_queries_of_one(world, django_assert_max_num_queries):
    from efficacy.roster.models import School

    windows = [rw.window(world.school_a, answers=rw.answers_for(None, 6, 4.0, seed=0))]
    with django_assert_max_num_queries(2) as one:
        school_indexes(windows)
    for i in range(10):
        school = School.objects.create(district=world.district, name=f"S{i}")
        windows.append(rw.window(school, answers=rw.answers_for(None, 6, 4.0, seed=i)))
    with django_assert_max_num_queries(len(one.captured_queries)):
        figures = school_indexes(windows)
    assert all(f.index is not None for f in figures.values())


def test_a_cached_figure_follows_its_windows_answers(world):
    """The figures are cached under a key that holds the answers' number and ids: one
    answer more and the figure is computed again, the same as the results page's."""
    from efficacy.voice.models import SurveyResponse

    window = rw.window(world.school_a, answers=rw.answers_for(None, 6, 4.0, seed=0))
    first = school_indexes([window])[window.pk]
    assert school_indexes([window])[window.pk] == first
    SurveyResponse.objects.bulk_create(
        SurveyResponse(window=window, team=t, answers=a)
        for t, a in rw.answers_for(None, 4, 1.5, seed=9)
    )
    again = school_indexes([window])[window.pk]
    expected = window_results(window=window, details=False).whole.overall
    assert again.index.mean == pytest.approx(expected.index.mean)
    assert again.index.mean < first.index.mean


def test_a_windows_figure_is_the_same_computed_with_others_or_alone(world):
    from django.core.cache import cache

    from efficacy.roster.models import School

    windows = []
    for i, count in enumerate((6, 3, 9)):
        school = School.objects.create(district=world.district, name=f"S{i}")
        windows.append(rw.window(school, answers=rw.answers_for(None, count, 3 + i / 2, seed=i)))
    together = school_indexes(windows)
    cache.clear()
    alone = {w.pk: school_indexes([w])[w.pk] for w in reversed(windows)}
    assert alone == together
