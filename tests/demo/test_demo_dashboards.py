"""The demo's school dashboard has something to show: last year's and this year's closed
cycles pooled, and the gap and collective efficacy over more than one term."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from efficacy.cycles.impact.pooled import MIN_CYCLES
from efficacy.cycles.models import CycleStatus, ImpactSummary, MasteryMoment
from efficacy.dashboards.school import school_dashboard
from efficacy.roster.models import AcademicSession, School, User
from tests.demo.conftest import BUILT_ON, MAIN_SCHOOL_ID, last_years_cycles, this_year

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


def dashboard():
    school = School.objects.get(sourced_id=MAIN_SCHOOL_ID)
    return school_dashboard(User.objects.get(username="principal"), school, today=BUILT_ON)


def test_last_years_cycles_closed_in_last_years_semesters_with_their_impact(demo):
    cycles = list(last_years_cycles().select_related("team"))
    assert len(cycles) == 4
    year = this_year()
    semesters = AcademicSession.objects.filter(
        sourced_id__startswith="demo-", kind="semester", end_date__lt=year.start_date
    )
    assert semesters.count() == 2
    effects = {}
    for cycle in cycles:
        assert cycle.status == CycleStatus.CLOSED
        assert cycle.team.created_at.date() < cycle.start_date < cycle.end_date < year.start_date
        summary = ImpactSummary.objects.get(cycle=cycle)
        assert summary.ci_low < summary.effect < summary.ci_high
        effects[cycle.title] = (summary.effect, summary.expected_growth)
    # Plausible effects: some above the growth a cycle of its length usually brings, one
    # near it, one below.
    above = [t for t, (d, e) in effects.items() if d > e + 0.15]
    near = [t for t, (d, e) in effects.items() if abs(d - e) <= 0.15]
    below = [t for t, (d, e) in effects.items() if d < e - 0.15]
    assert (len(above), len(near), len(below)) == (2, 1, 1), effects
    # The goal met last year is a mastery moment; the missed ones are not.
    moments = MasteryMoment.objects.filter(cycle__in=cycles)
    assert [(m.cycle.title, m.goal_met, m.published) for m in moments] == [
        ("Summarising in grade 9 applied English", True, True)
    ]


def test_the_school_dashboard_pools_the_closed_cycles_with_a_prediction_interval(demo):
    d = dashboard()
    assert d.pooled.shown
    assert d.pooled.k >= MIN_CYCLES
    assert d.pooled.k == 6  # four last year, two this year
    assert d.pooled.prediction is not None
    assert d.forest is not None


def test_the_gap_and_collective_efficacy_have_more_than_one_point(demo):
    d = dashboard()
    shown = [t for t in d.gap.terms if t.shown]
    assert len(shown) >= 2, d.gap.terms
    assert d.collective is not None
    school_series = d.collective.table.rows
    assert len({row[1] for row in school_series if row[2] is not None}) >= 2


def test_the_principal_lands_on_a_dashboard_with_a_pooled_estimate(demo, client, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: BUILT_ON)
    school = School.objects.get(sourced_id=MAIN_SCHOOL_ID)
    client.force_login(User.objects.get(username="principal"))
    page = client.get(reverse("dashboards:school", args=[school.pk])).content.decode()
    assert 'class="pooled-sentence"' in page
    assert "Across 6 closed cycles" in page
