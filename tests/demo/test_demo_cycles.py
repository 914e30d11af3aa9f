"""The demo school's year of inquiry cycles, one for each of Trillium Heights' teams."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from efficacy.analysis.verdict import COMPARISON_ADJUSTED, COMPARISON_EQUIVALENT, CONTRADICTED
from efficacy.cycles.evidence.export import evidence_export_csv
from efficacy.cycles.impact.panel import cycle_impact, cycle_verdict
from efficacy.cycles.models import (
    CycleStatus,
    CycleStrategy,
    InquiryCycle,
    LookFor,
    MasteryMoment,
    Measure,
    Milestone,
    Occasion,
    Reflection,
    Score,
    StatusChange,
    Strategy,
)
from efficacy.cycles.plan.selectors import purposeful_practice_problems, shared_work_status
from efficacy.cycles.plan.services import cycle_start
from efficacy.cycles.stories.services import cycle_close
from efficacy.cycles.stories.story import feed_moments
from efficacy.demo.services import demo_build, demo_delete
from efficacy.roster.models import (
    AcademicSession,
    Enrollment,
    Role,
    School,
    Status,
    Team,
    TeamMembership,
    User,
)
from tests.demo.conftest import BUILT_ON, last_years_cycles, this_year, this_years_cycles

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

MAIN_SCHOOL = "demo-th-school"
STATUSES = {
    "Grade 9 English": CycleStatus.CLOSED,
    "Grade 9 Mathematics": CycleStatus.CLOSED,
    "Science": CycleStatus.IMPLEMENTING,
    "Student success": CycleStatus.REVIEWING,
    "Literacy across the curriculum": CycleStatus.PLANNING,
}


# Last year's closed cycles, by team (efficacy.demo.last_year); the literacy team is new.
LAST_YEAR = {
    "Grade 9 English": "Summarising in grade 9 applied English",
    "Student success": "Attendance of grade 9 applied students",
    "Grade 9 Mathematics": "Integer operations in grade 9 applied mathematics",
    "Science": "Reading graphs in grade 9 science",
}
CYCLES = len(STATUSES) + len(LAST_YEAR)


def cycle_of(team_name: str) -> InquiryCycle:
    """The team's cycle of this school year."""
    return this_years_cycles().get(team__name=team_name)


def exported(cycle: InquiryCycle) -> pd.DataFrame:
    """The cycle's evidence as a person downloads it (the CSV export), read back."""
    _name, _type, content = evidence_export_csv(cycle.created_by, cycle)
    return pd.read_csv(io.BytesIO(content))


def mean_score(frame: pd.DataFrame, group: str, occasion_kind: str) -> float:
    rows = frame[(frame["group"] == group) & (frame["occasion_kind"] == occasion_kind)]
    assert len(rows) >= 10
    return float(np.mean(rows["score"].to_numpy()))


def score_dump() -> list[tuple]:
    """Every demo score by natural keys: cycle, measure, occasion, student, class, who, value."""
    return sorted(
        Score.objects.filter(measure__cycle__team__school__sourced_id=MAIN_SCHOOL).values_list(
            "measure__cycle__title",
            "measure__name",
            "occasion__name",
            "student__sourced_id",
            "school_class__sourced_id",
            "entered_by__sourced_id",
            "value",
        )
    )


def cycle_dump() -> list[tuple]:
    """The cycles' own fields, reflections and strategy decisions, without ids or timestamps."""
    rows = list(
        InquiryCycle.objects.filter(team__school__sourced_id=MAIN_SCHOOL).values_list(
            "team__name", "title", "status", "mastery_goal", "prediction", "start_date"
        )
    )
    rows += Reflection.objects.filter(cycle__team__school__sourced_id=MAIN_SCHOOL).values_list(
        "cycle__title", "strategy_impact", "understanding", "continue_change_stop", "years_growth"
    )
    rows += CycleStrategy.objects.filter(cycle__team__school__sourced_id=MAIN_SCHOOL).values_list(
        "cycle__title", "strategy__slug", "used_by_every_member", "decision"
    )
    return sorted(tuple(str(v) for v in row) for row in rows)


# --- the year's story ------------------------------------------------------------


def test_every_team_of_the_school_has_one_cycle_in_its_stated_status(demo):
    teams = Team.objects.filter(school__sourced_id=MAIN_SCHOOL)
    assert sorted(teams.values_list("name", flat=True)) == sorted(STATUSES)
    for team in teams:
        cycles = list(this_years_cycles().filter(team=team))
        assert len(cycles) == 1, team.name
        assert cycles[0].status == STATUSES[team.name], team.name


def test_the_inference_cycle_narrows_the_applied_academic_gap_by_about_a_fifth(demo):
    cycle = cycle_of("Grade 9 English")
    frame = exported(cycle)
    frame = frame[frame["measure"] == "Inference task"]
    gap_baseline = mean_score(frame, "comparison", "baseline") - mean_score(
        frame, "focus", "baseline"
    )
    gap_final = mean_score(frame, "comparison", "final") - mean_score(frame, "focus", "final")
    reduction = 100 * (gap_baseline - gap_final) / gap_baseline
    assert gap_baseline > 0
    assert 15 <= reduction <= 25
    gap = cycle_impact(cycle).gap
    assert 15 <= gap.reduction_pct <= 25
    assert gap.reduction_pct == pytest.approx(reduction)


def test_the_inference_cycle_compares_grade_9_applied_with_academic_english_students(demo):
    cycle = cycle_of("Grade 9 English")
    frame = exported(cycle)
    assert set(frame["grade"].astype(str)) == {"9"}
    assert set(frame.loc[frame["group"] == "focus", "pathway"]) == {"applied"}
    assert set(frame.loc[frame["group"] == "comparison", "pathway"]) == {"academic"}
    assert all(code.startswith("ENG1") for code in frame["class"])
    assert sorted(cycle.occasions.values_list("kind", flat=True)) == [
        "baseline",
        "checkpoint",
        "checkpoint",
        "final",
    ]
    measure = cycle.performance_measure
    assert (measure.kind, measure.min_score, measure.max_score) == ("points", 0, 20)


def test_the_inference_cycle_meets_its_goal_and_its_mastery_moment_is_published(demo):
    cycle = cycle_of("Grade 9 English")
    frame = exported(cycle)
    final = frame[(frame["group"] == "focus") & (frame["occasion_kind"] == "final")]
    share = 100 * np.mean(final["score"].to_numpy() >= cycle.performance_threshold)
    assert (cycle.performance_threshold, cycle.performance_target_percent) == (12, 70)
    assert cycle.judged_goal() == (cycle.performance_measure_id, 12, 70)  # as frozen at start
    assert share >= 70
    moment = MasteryMoment.objects.get(cycle=cycle)
    assert moment.published
    assert moment.goal_met
    assert moment.rule == "performance_goal"
    assert moment.evidence_summary["n"] == len(final)
    assert set(moment.reflection) == {
        "strategy_impact",
        "understanding",
        "continue_change_stop",
        "years_growth",
    }


def test_the_inference_cycle_outgrows_its_comparison_group_once_baselines_are_adjusted(demo):
    cycle = cycle_of("Grade 9 English")
    impact = cycle_impact(cycle).impact
    assert impact.ancova_g > 0
    assert impact.ci.low > 0  # not merely positive: the interval clears 0
    assert impact.did_g > 0
    moment = MasteryMoment.objects.get(cycle=cycle)
    assert moment.evidence_grade in {COMPARISON_EQUIVALENT, COMPARISON_ADJUSTED}
    assert moment.evidence_grade == cycle_verdict(cycle).grade
    # Applied and academic students start far apart: the panel's Lord's-paradox warning
    # applies, and both estimates agree in sign, so the story is the same either way.
    assert impact.baseline_g < -0.25


def test_the_inference_cycle_chose_library_strategies_and_decided_on_each(demo):
    cycle = cycle_of("Grade 9 English")
    uses = list(cycle.cycle_strategies.select_related("strategy"))
    assert {u.strategy.slug for u in uses} >= {
        "learning-intentions-success-criteria",
        "what-makes-you-think-that",
        "chunking-high-interest-text",
    }
    assert all(u.strategy.school_id is None for u in uses)
    assert all(u.decision in {"adopt", "adapt", "abandon"} for u in uses)
    assert any(u.used_by_every_member for u in uses)
    assert cycle.prediction
    assert cycle.milestones.count() >= 3


def test_the_mathematics_cycle_misses_its_goal_and_says_so(demo):
    cycle = cycle_of("Grade 9 Mathematics")
    frame = exported(cycle)
    final = frame[(frame["group"] == "focus") & (frame["occasion_kind"] == "final")]
    share = 100 * np.mean(final["score"].to_numpy() >= cycle.performance_threshold)
    assert share < cycle.performance_target_percent
    verdict = cycle_verdict(cycle)
    assert not verdict.met
    # It misses on its goal: the academic classes grew about as much, which the
    # comparison neither credits to the strategies nor contradicts.
    assert verdict.grade != CONTRADICTED
    impact = cycle_impact(cycle).impact
    assert impact.ci.low < 0 < impact.ci.high
    assert cycle.status == CycleStatus.CLOSED
    assert "did not meet our goal" in cycle.reflection.understanding
    decisions = set(cycle.cycle_strategies.values_list("decision", flat=True))
    assert decisions & {"abandon", "adapt"}


def test_the_mathematics_cycle_shares_a_published_learning_story_with_the_school(demo):
    cycle = cycle_of("Grade 9 Mathematics")
    story = MasteryMoment.objects.get(cycle=cycle)
    assert not story.goal_met
    assert story.published
    assert story.evidence_summary["reason"] == cycle_verdict(cycle).reason
    # Anyone on the school's staff reads it in the feed, beside the showcase's moment.
    school = School.objects.get(sourced_id=MAIN_SCHOOL)
    principal = User.objects.get(school=school, role=Role.SCHOOL_LEADER, username="principal")
    assert not principal.team_memberships.filter(team=cycle.team).exists()
    feed = {m.cycle.team.name: m.goal_met for m in feed_moments(principal, school)}
    assert feed == {"Grade 9 English": True, "Grade 9 Mathematics": False}


def test_the_reflections_quote_the_numbers_of_their_own_evidence(demo):
    cycle = cycle_of("Grade 9 Mathematics")
    frame = exported(cycle)
    final = frame[(frame["group"] == "focus") & (frame["occasion_kind"] == "final")]
    share = 100 * np.mean(final["score"].to_numpy() >= 12)
    assert f"{share:.0f}% of our applied students scored 12" in cycle.reflection.understanding


def test_the_implementing_cycle_has_a_baseline_and_one_checkpoint_entered(demo):
    cycle = cycle_of("Science")
    scored = set(
        Occasion.objects.filter(cycle=cycle, scores__isnull=False)
        .distinct()
        .values_list("kind", flat=True)
    )
    assert sorted(scored) == ["baseline", "checkpoint"]
    assert cycle.occasions.filter(kind="final").exists()


def test_the_reviewing_cycle_has_its_final_evidence_and_a_reflection_under_way(demo):
    cycle = cycle_of("Student success")
    assert Score.objects.filter(occasion__cycle=cycle, occasion__kind="final").count() >= 10
    reflection = cycle.reflection
    assert reflection.strategy_impact
    assert not reflection.years_growth  # the team has not finished reflecting
    with pytest.raises(ValidationError):  # so it cannot close yet
        cycle_close(user=cycle.team.memberships.get(role="lead").user, cycle=cycle)


def test_the_planning_cycle_shows_the_checklist_and_the_shared_work_nudge(demo):
    cycle = cycle_of("Literacy across the curriculum")
    problems = purposeful_practice_problems(cycle)
    assert "monitoring" in problems
    assert "mastery_goal" not in problems
    assert not shared_work_status(cycle).is_shared
    lead = cycle.team.memberships.get(role=TeamMembership.TeamRole.LEAD).user
    with pytest.raises(ValidationError) as error:
        cycle_start(user=lead, cycle=cycle)
    assert "monitoring" in error.value.message_dict


def test_cycles_with_evidence_have_shared_work(demo):
    for name in ("Grade 9 English", "Grade 9 Mathematics", "Science"):
        status = shared_work_status(cycle_of(name))
        assert status.is_shared, (name, status.missing)


def test_every_score_is_entered_by_a_teacher_of_its_class_on_the_team_or_by_the_lead(demo):
    scores = Score.objects.filter(measure__cycle__team__school__sourced_id=MAIN_SCHOOL)
    teachers = set(
        Enrollment.objects.filter(
            role=Enrollment.EnrollmentRole.TEACHER, status=Status.ACTIVE
        ).values_list("school_class_id", "staff_id")
    )
    enrolled = set(
        Enrollment.objects.filter(
            role=Enrollment.EnrollmentRole.STUDENT, status=Status.ACTIVE
        ).values_list("school_class_id", "student_id")
    )
    roles = {
        (m.team_id, m.user_id): m.role
        for m in TeamMembership.objects.filter(team__school__sourced_id=MAIN_SCHOOL)
    }
    rows = scores.values_list(
        "school_class_id", "student_id", "entered_by_id", "measure__cycle__team_id"
    )
    assert rows
    by_class_teacher = 0
    for class_id, student_id, entered_by, team_id in rows:
        assert (class_id, student_id) in enrolled
        role = roles.get((team_id, entered_by))
        if (class_id, entered_by) in teachers and role is not None:
            by_class_teacher += 1
        else:
            assert role == TeamMembership.TeamRole.LEAD
    assert by_class_teacher > 0
    english = scores.filter(measure__cycle__team__name="Grade 9 English")
    assert english.values("entered_by").distinct().count() >= 2


def test_scores_are_within_their_measures_ranges(demo):
    for measure in Measure.objects.filter(cycle__team__school__sourced_id=MAIN_SCHOOL):
        values = np.array(measure.scores.values_list("value", flat=True))
        if measure.kind == Measure.Kind.RUBRIC:
            assert np.all(values == np.round(values))
        assert np.all((values >= measure.min_score) & (values <= measure.max_score))


def cycle_dates(cycles) -> list[dt.date]:
    dates = list(cycles.values_list("start_date", flat=True))
    dates += cycles.values_list("end_date", flat=True)
    dates += Occasion.objects.filter(cycle__in=cycles).values_list("date", flat=True)
    dates += Milestone.objects.filter(cycle__in=cycles).values_list("due_date", flat=True)
    dates += [
        c.date()
        for c in StatusChange.objects.filter(cycle__in=cycles).values_list("changed_at", flat=True)
    ]
    return dates


def test_every_date_lies_in_the_demo_school_year(demo):
    year = school_year()
    assert all(year.start_date <= d <= year.end_date for d in cycle_dates(this_years_cycles()))
    last = AcademicSession.objects.get(
        sourced_id__startswith="demo-",
        kind=AcademicSession.Kind.SCHOOL_YEAR,
        end_date__lt=year.start_date,
    )
    dates = cycle_dates(last_years_cycles())
    assert dates
    assert all(last.start_date <= d <= last.end_date for d in dates)


# --- dates relative to the day the demo is built ------------------------------------


def school_year() -> AcademicSession:
    return this_year()


def assert_nothing_happened_on_or_after(today: dt.date) -> None:
    """Every record of something done is dated before ``today``, and the cycles under way
    run in the school year and the term ``today`` is in."""
    cycles = InquiryCycle.objects.filter(team__school__sourced_id=MAIN_SCHOOL)
    scores = Score.objects.filter(occasion__cycle__in=cycles)
    moments = MasteryMoment.objects.filter(cycle__in=cycles)
    done: list[tuple[str, dt.date]] = []
    done += [("occasion", d) for d in scores.values_list("occasion__date", flat=True).distinct()]
    stamps = {
        "score": scores.values_list("entered_at", flat=True).distinct(),
        "status change": StatusChange.objects.filter(cycle__in=cycles).values_list(
            "changed_at", flat=True
        ),
        "moment": moments.values_list("created_at", flat=True),
        "cycle": [*cycles.values_list("created_at", "updated_at")],
        "measure": Measure.objects.filter(cycle__in=cycles).values_list("created_at", flat=True),
        "reflection": Reflection.objects.filter(cycle__in=cycles).values_list(
            "updated_at", flat=True
        ),
        "team": Team.objects.filter(school__sourced_id__startswith="demo-").values_list(
            "created_at", flat=True
        ),
        "account": User.objects.filter(sourced_id__startswith="demo-").values_list(
            "date_joined", flat=True
        ),
    }
    for what, values in stamps.items():
        for value in values:
            for stamp in value if isinstance(value, tuple) else (value,):
                done.append((what, timezone.localdate(stamp)))
    done += [
        ("figures", dt.datetime.fromisoformat(m.evidence_summary["computed_at"]).date())
        for m in moments
    ]
    assert len(done) > 100
    assert [(what, day) for what, day in done if day >= today] == []

    year = school_year()
    assert year.start_date <= today <= year.end_date
    under_way = cycles.exclude(status__in=[CycleStatus.CLOSED, CycleStatus.PLANNING])
    terms = AcademicSession.objects.filter(
        classes__scores__occasion__cycle__in=under_way
    ).distinct()
    assert [(t.start_date <= today <= t.end_date) for t in terms] == [True]  # the current term
    assert terms[0].parent == year


def test_nothing_in_the_demo_happened_after_the_day_it_was_built(demo):
    assert_nothing_happened_on_or_after(BUILT_ON)
    english = cycle_of("Grade 9 English")
    assert english.start_date.month == 9  # a semester-long cycle, built in March
    assert english.end_date.month == 1


def test_built_in_december_the_whole_story_happened_by_then(demo):
    today = dt.date(2026, 12, 2)
    demo_build(seed=2026, reset=True, today=today)
    assert_nothing_happened_on_or_after(today)
    for team, status in STATUSES.items():
        assert cycle_of(team).status == status, team
    english = cycle_of("Grade 9 English")
    impact = cycle_impact(english)
    assert impact.impact.ci.low > 0
    assert 15 <= impact.gap.reduction_pct <= 25
    moment = MasteryMoment.objects.get(cycle=english)
    assert moment.published
    assert moment.evidence_grade in {COMPARISON_EQUIVALENT, COMPARISON_ADJUSTED}
    story = MasteryMoment.objects.get(cycle=cycle_of("Grade 9 Mathematics"))
    assert story.published
    assert not story.goal_met
    # Science, under way, has entered only what happened before the build.
    science = cycle_of("Science")
    scored = science.occasions.filter(scores__isnull=False).distinct()
    assert sorted(scored.values_list("kind", flat=True)) == ["baseline", "checkpoint"]
    assert science.occasions.filter(date__gt=today).exists()


# --- building and deleting ----------------------------------------------------------


def test_deleting_the_demo_leaves_no_cycle_rows(demo):
    demo_delete()
    for model in (
        InquiryCycle,
        Measure,
        Occasion,
        Score,
        CycleStrategy,
        Milestone,
        Reflection,
        MasteryMoment,
        StatusChange,
    ):
        assert not model.objects.exists(), model.__name__
    # The strategy library is the product's, not the demo's.
    assert Strategy.objects.filter(school=None).exists()
    assert LookFor.objects.exists()


def test_building_over_an_existing_demo_adds_no_cycles(demo):
    before = score_dump()
    summary = demo_build(seed=2026, today=BUILT_ON)
    assert not summary.built
    assert InquiryCycle.objects.count() == CYCLES
    assert score_dump() == before


def test_delete_then_build_twice_gives_the_same_cycles_and_scores_each_time(demo):
    scores, cycles = score_dump(), cycle_dump()
    assert len(scores) > 1000
    for _ in range(2):
        demo_delete()
        assert demo_build(seed=2026, today=BUILT_ON).built
        assert InquiryCycle.objects.count() == CYCLES
        assert score_dump() == scores
        assert cycle_dump() == cycles
