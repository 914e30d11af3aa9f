"""The generated district of the dashboards' benchmark (bench/district_world.py), built
small: its shape (stages, scores, summaries, moments, surveys, who signs in as whom) and
that the same seed and day build the same district."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bench.district_world import SCORED_OCCASIONS, WINDOWS, district_build, stage_of

TODAY = dt.date(2026, 12, 2)
SCHOOLS, STUDENTS = 2, 160  # 20 students in each grade and pathway


def build(tag: str, seed: int = 3):
    return district_build(
        schools=SCHOOLS, students_per_school=STUDENTS, seed=seed, today=TODAY, tag=tag
    )


def fingerprint(district_id: int) -> dict:
    """Everything the district is made of, without database ids."""
    from django.db.models import Sum

    from efficacy.cycles.models import InquiryCycle, MasteryMoment, Score
    from efficacy.voice.models import SurveyResponse

    cycles = InquiryCycle.objects.filter(team__school__district=district_id).order_by("pk")
    rows = []
    for cycle in cycles.select_related("team__school", "impact_summary"):
        summary = cycle.impact_summary
        total = Score.objects.filter(measure__cycle=cycle).aggregate(t=Sum("value"))["t"]
        rows.append(
            (cycle.team.school.name, cycle.team.name, cycle.title, cycle.status,
             cycle.start_date, cycle.end_date, summary.n,
             None if summary.effect is None else round(summary.effect, 9), total)
        )  # fmt: skip
    moments = sorted(
        (m.cycle.title, m.cycle.team.school.name, m.goal_met, m.evidence_grade, m.published)
        for m in MasteryMoment.objects.filter(cycle__in=cycles).select_related(
            "cycle__team__school"
        )
    )
    answers = sorted(
        (r.window.school.name, r.window.title, r.team.name if r.team else "",
         json.dumps(r.answers, sort_keys=True))
        for r in SurveyResponse.objects.filter(window__school__district=district_id).select_related(
            "window__school", "team")
    )  # fmt: skip
    return {"cycles": rows, "moments": moments, "answers": answers}


@pytest.mark.django_db
def test_the_generated_district_has_the_shape_the_dashboards_need(settings):
    from django.db.models import Count

    from efficacy.cycles.models import ImpactSummary, InquiryCycle, MasteryMoment, Score
    from efficacy.roster.models import Enrollment, Role, Student, TeamMembership, User
    from efficacy.voice.models import SurveyInvitation, SurveyResponse, SurveyWindow

    world = build("shape")
    cycles = InquiryCycle.objects.filter(team__school__district=world.district_id)
    stages = dict(cycles.values_list("status").annotate(n=Count("id")))
    assert stages == {"closed": 28, "reviewing": 4, "implementing": 6, "planning": 2}
    assert [stage_of(c, 20) for c in (0, 13, 14, 15, 16, 18, 19)] == [
        "closed", "closed", "reviewing", "reviewing", "implementing", "implementing", "planning",
    ]  # fmt: skip
    assert Student.objects.filter(school_id__in=world.school_ids).count() == SCHOOLS * STUDENTS

    # Every cycle scores a grade's students (on two measures when it has no comparison
    # group, whose academic students are left out) at each occasion its stage has.
    per_cycle = STUDENTS // 4
    expected = SCHOOLS * sum(SCORED_OCCASIONS[stage_of(c, 20)] * per_cycle for c in range(20))
    assert Score.objects.filter(measure__cycle__in=cycles).count() == expected
    assert world.counts["scores"] == expected
    assert not Score.objects.filter(measure__cycle__in=cycles.filter(status="planning")).exists()
    started = cycles.exclude(status="planning")
    assert all(c.goal_at_start and c.has_performance_goal for c in started)
    assert not cycles.filter(status="implementing", end_date__lt=TODAY).exists()
    assert not cycles.filter(status="closed", end_date__gte=TODAY).exists()

    # The real recompute stored every cycle's summary; finished cycles have an effect near
    # the one drawn (about 0.3 on average).
    summaries = ImpactSummary.objects.filter(cycle__in=cycles)
    assert summaries.count() == cycles.count()
    finished = summaries.filter(cycle__status__in=["closed", "reviewing"])
    effects = [s.effect for s in finished]
    assert None not in effects
    assert all(s.ci_low < s.effect < s.ci_high for s in finished)
    assert -0.5 < sum(effects) / len(effects) < 1.0
    weeks = settings.EFFICACY_WEEKS_PER_YEAR
    assert {round(s.expected_growth, 6) for s in finished} == {round(0.40 * 12 / weeks, 6)}
    moments = MasteryMoment.objects.filter(cycle__in=cycles)
    assert moments.exists()
    assert set(moments.values_list("cycle__status", flat=True)) == {"closed"}

    # People: who the bench signs in as.
    leader = User.objects.get(pk=world.leader_id)
    assert leader.role == Role.SCHOOL_LEADER
    assert leader.school_id == world.school_ids[0]
    assert TeamMembership.objects.filter(team=world.team_id, user=world.member_id).exists()
    assert TeamMembership.objects.filter(team=world.team_id, user=world.teacher_id).exists()
    assert Enrollment.objects.filter(staff=world.teacher_id, role="teacher").exists()
    analyst = User.objects.get(pk=world.analyst_id)
    assert analyst.role == Role.DISTRICT_ANALYST
    assert analyst.school_id is None
    assert analyst.district_id == world.district_id

    # Three closed survey windows a school, with answers by team.
    windows = SurveyWindow.objects.filter(school_id__in=world.school_ids)
    assert windows.count() == SCHOOLS * len(WINDOWS)
    assert all(w.is_closed(TODAY) for w in windows)
    responses = SurveyResponse.objects.filter(window__in=windows)
    answered = SurveyInvitation.objects.filter(window__in=windows, answered=True).count()
    assert responses.count() == answered == world.counts["survey responses"] > 0
    assert responses.exclude(team=None).exists()
    assert set(world.seconds) >= {"roster", "cycles", "scores", "impact recompute", "surveys"}


@pytest.mark.django_db
def test_the_same_seed_and_day_build_the_same_district():
    first, again = build("first"), build("again")
    assert first.counts == again.counts
    assert fingerprint(first.district_id) == fingerprint(again.district_id)
    other = build("other", seed=4)
    assert fingerprint(other.district_id)["cycles"] != fingerprint(first.district_id)["cycles"]
