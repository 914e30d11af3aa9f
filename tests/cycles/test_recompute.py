"""Recomputing impact for many cycles at once agrees with the per-cycle impact and is stored.

Cycles of the world (Grade 9 English team, school A, unless said otherwise):

- ``compare``: focus grade 09 applied, comparison all of grade 09 (overlapping:
  focus wins), an uncommon essay measure first, then the common rubric (the
  impact measure); a checkpoint; a student outside both groups with scores;
  one focus student without a final score;
- ``goal``: focus = the applied class, no comparison, a performance goal on its
  *second* measure, 10 weeks long;
- ``earlier``: focus = the applied class, comparison = the same course's students
  in an earlier term (a definition that reads the focus group's);
- ``small``: focus grade 11 (three students): suppressed with the reason stored;
- ``empty``: no measure; ``school_b``: a Southgate cycle with a measure, no scores;
- ``hillcrest``: a cycle of the other district.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import translation

from efficacy.cycles.impact.panel import cycle_impact, impact_measure
from efficacy.cycles.impact.recompute import (
    NO_COMPARISON,
    NO_FOCUS_SCORES,
    NO_MEASURE,
    cycles_in_scope,
    impact_recompute,
    impact_summary_frame,
)
from efficacy.cycles.impact.tasks import impact_recompute_task
from efficacy.cycles.models import ImpactSummary, Score
from efficacy.cycles.plan.services import (
    cycle_create,
    cycle_update,
    measure_create,
    occasion_create,
)
from efficacy.roster.models import AcademicSession, Enrollment, SchoolClass, Status, Student

pytestmark = pytest.mark.django_db


def _students(school, klass, *, grade, pathway, n, prefix, status=Status.ACTIVE):
    students = Student.objects.bulk_create(
        Student(
            school=school,
            given_name=f"{prefix}{i}",
            family_name="Test",
            identifier=f"{prefix}{i}",
            grade=grade,
            pathway=pathway,
            status=status,
        )
        for i in range(n)
    )
    Enrollment.objects.bulk_create(
        Enrollment(school_class=klass, school=school, role="student", student=s, status=status)
        for s in students
    )
    return students


def _score(measure, occasion, students, values):
    Score.objects.bulk_create(
        Score(measure=measure, occasion=occasion, student=s, value=float(v))
        for s, v in zip(students, values, strict=True)
    )


def _cycle(user, team, title, **fields):
    return cycle_create(user=user, team=team, title=title, **fields)


class Cycles:
    """The cycles of the module docstring, with scores drawn from a fixed seed."""

    def __init__(self, world):
        rng = np.random.default_rng(11)
        lead, team = world.lead_english, world.team_english
        a = world.school_a
        # The world's own grade 9 students stay in the groups, without scores.
        self.focus = _students(
            a, world.english_9_applied, grade="09", pathway="applied", n=14, prefix="F"
        )
        self.comparison = _students(
            a, world.english_9_academic, grade="09", pathway="academic", n=13, prefix="C"
        )
        self.grade_11 = _students(a, world.math_10, grade="11", pathway="applied", n=3, prefix="E")
        earlier = AcademicSession.objects.create(
            district=world.district,
            title="2023-2024",
            kind=AcademicSession.Kind.SCHOOL_YEAR,
            start_date=dt.date(2023, 9, 1),
            end_date=dt.date(2024, 6, 30),
            school_year=2024,
        )
        last_year = SchoolClass.objects.create(
            school=a, course=world.english_9_applied.course, title="English 9 Applied 2023"
        )
        last_year.terms.add(earlier)
        self.last_year = _students(
            a, last_year, grade="10", pathway="applied", n=12, prefix="L", status=Status.RETIRED
        )

        def pre_post(n, gain):
            pre = rng.integers(30, 70, n)
            return pre, np.clip(pre + rng.normal(gain, 6, n).round(), 0, 100)

        # compare: essay first (not common), then the common rubric: the rubric is the impact measure.
        self.compare = _cycle(
            lead,
            team,
            "Compare",
            focus={"grades": ["09"], "pathways": ["applied"]},
            comparison={"grades": ["09"]},
        )
        essay = measure_create(
            user=lead, cycle=self.compare, name="Essay", max_score=100, common=False
        )
        rubric = measure_create(user=lead, cycle=self.compare, name="Rubric", max_score=100)
        b, c, f = (
            occasion_create(user=lead, cycle=self.compare, name=n, kind=k)
            for n, k in (("B", "baseline"), ("C", "checkpoint"), ("F", "final"))
        )
        pre, post = pre_post(14, 8)
        _score(rubric, b, self.focus, pre)
        _score(rubric, f, self.focus[:-1], post[:-1])  # the last focus student left
        _score(rubric, c, self.focus, (pre + post) / 2)
        pre, post = pre_post(13, 3)
        _score(rubric, b, self.comparison, pre)
        _score(rubric, f, self.comparison, post)
        _score(essay, b, self.focus, rng.integers(0, 100, 14))
        _score(essay, f, self.focus, rng.integers(0, 100, 14))
        # Eli is in neither group (grade 10): his scores count nowhere.
        _score(rubric, b, [world.eli], [90])
        _score(rubric, f, [world.eli], [10])

        self.goal = _cycle(
            lead,
            team,
            "Goal",
            focus={"classes": [world.english_9_applied.pk]},
            start_date=dt.date(2024, 9, 1),
            end_date=dt.date(2024, 11, 10),
        )
        first = measure_create(user=lead, cycle=self.goal, name="First", max_score=100)
        second = measure_create(user=lead, cycle=self.goal, name="Second", max_score=100)
        cycle_update(
            user=lead,
            cycle=self.goal,
            performance_measure=second,
            performance_threshold=60,
            performance_target_percent=70,
        )
        b, f = (
            occasion_create(user=lead, cycle=self.goal, name=n, kind=k)
            for n, k in (("B", "baseline"), ("F", "final"))
        )
        for measure, gain in ((first, -5), (second, 12)):
            pre, post = pre_post(14, gain)
            _score(measure, b, self.focus, pre)
            _score(measure, f, self.focus, post)

        self.earlier = _cycle(
            lead,
            team,
            "Earlier",
            focus={"classes": [world.english_9_applied.pk]},
            comparison={"earlier_term": earlier.pk},
        )
        measure = measure_create(user=lead, cycle=self.earlier, name="M", max_score=100)
        b, f = (
            occasion_create(user=lead, cycle=self.earlier, name=n, kind=k)
            for n, k in (("B", "baseline"), ("F", "final"))
        )
        for students, gain in ((self.focus, 9), (self.last_year, 4)):
            pre, post = pre_post(len(students), gain)
            _score(measure, b, students, pre)
            _score(measure, f, students, post)

        self.small = _cycle(
            lead,
            team,
            "Small",
            focus={"grades": ["11"]},
            comparison={"grades": ["09"], "pathways": ["academic"]},
        )
        measure = measure_create(user=lead, cycle=self.small, name="M", max_score=100)
        b, f = (
            occasion_create(user=lead, cycle=self.small, name=n, kind=k)
            for n, k in (("B", "baseline"), ("F", "final"))
        )
        for students, gain in ((self.grade_11, 5), (self.comparison, 2)):
            pre, post = pre_post(len(students), gain)
            _score(measure, b, students, pre)
            _score(measure, f, students, post)

        self.empty = _cycle(lead, team, "Empty", focus={"grades": ["09"]})
        self.school_b = _cycle(world.teacher_b, world.team_b, "Southgate", focus={"grades": ["09"]})
        measure_create(user=world.teacher_b, cycle=self.school_b, name="M", max_score=4)
        self.hillcrest = _cycle(
            world.teacher_c, world.team_c, "Hillcrest", focus={"grades": ["09"]}
        )


@pytest.fixture
def cycles(world):
    return Cycles(world)


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("name", ["compare", "goal", "earlier"])
def test_the_recompute_gives_the_per_cycle_impact(cycles, name):
    cycle = getattr(cycles, name)
    row = impact_summary_frame([cycle]).iloc[0]
    one = cycle_impact(cycle)
    assert row["measure_name"] == one.measure == impact_measure(cycle).name
    assert row["measure_id"] == impact_measure(cycle).pk
    assert row["n"] == one.prepost.n
    assert _close(row["effect"], one.prepost.d_av)
    assert _close(row["ci_low"], one.prepost.ci.low)
    assert _close(row["ci_high"], one.prepost.ci.high)
    assert _close(row["expected_growth"], one.hinge)
    assert _close(row["expected_growth"], one.prepost.expected_growth)
    assert row["reason"] == {}
    if one.impact is None:
        assert math.isnan(row["ancova_g"])
        assert "impact" in one.notes  # the per-cycle path says why, in its own words
        assert row["comparison_reason"] == NO_COMPARISON
        return
    assert row["n_comparison"] == one.impact.n_comparison
    assert _close(row["ancova_g"], one.impact.ancova_g)
    assert _close(row["ancova_ci_low"], one.impact.ci.low)
    assert _close(row["ancova_ci_high"], one.impact.ci.high)
    assert _close(row["did_g"], one.impact.did_g)
    assert _close(row["did_ci_low"], one.impact.did_ci.low)
    assert _close(row["did_ci_high"], one.impact.did_ci.high)
    assert _close(row["baseline_g"], one.impact.baseline_g)
    assert row["baseline_equivalence"] == one.impact.baseline_equivalence
    assert row["comparison_reason"] == {}


def test_many_cycles_together_give_what_each_gives_alone(cycles):
    together = impact_summary_frame(cycles_in_scope()).set_index("cycle_id")
    for cycle in (cycles.compare, cycles.goal, cycles.earlier, cycles.small):
        alone = impact_summary_frame([cycle]).set_index("cycle_id")
        assert together.loc[[cycle.pk]].equals(alone)


def test_the_figures_match_their_definitions_by_hand(cycles):
    """Independent of both paths: d_av of the rubric's focus pairs, computed with numpy."""
    row = impact_summary_frame([cycles.compare]).iloc[0]
    scores = Score.objects.filter(measure__cycle=cycles.compare, measure__name="Rubric")
    focus_ids = {s.pk for s in cycles.focus}
    by_kind = {
        kind: {
            s.student_id: s.value
            for s in scores.filter(occasion__kind=kind, student_id__in=focus_ids)
        }
        for kind in ("baseline", "final")
    }
    both = sorted(set(by_kind["baseline"]) & set(by_kind["final"]))
    pre = np.array([by_kind["baseline"][i] for i in both])
    post = np.array([by_kind["final"][i] for i in both])
    assert row["n"] == len(both) == 13
    expected = (post - pre).mean() / ((pre.std(ddof=1) + post.std(ddof=1)) / 2)
    assert math.isclose(row["effect"], expected, rel_tol=1e-9)
    # The goal cycle is 10 weeks long: the growth expected over it is 0.40 × 10 / 40.
    goal = impact_summary_frame([cycles.goal]).iloc[0]
    assert math.isclose(goal["expected_growth"], 0.40 * 10 / 40, rel_tol=1e-12)


def test_the_stored_expected_growth_follows_the_weeks_per_year_setting(cycles, settings):
    forty = impact_summary_frame([cycles.goal]).iloc[0]
    settings.EFFICACY_WEEKS_PER_YEAR = 36
    goal = impact_summary_frame([cycles.goal]).iloc[0]
    # 10 weeks of a 36-week year: 0.40 × 10 / 36; the effect itself does not change.
    assert math.isclose(goal["expected_growth"], 0.40 * 10 / 36, rel_tol=1e-12)
    assert goal["effect"] == forty["effect"]
    assert math.isclose(goal["expected_growth"], cycle_impact(cycles.goal).hinge, rel_tol=1e-12)
    assert "years_growth" not in goal


def test_a_cycle_with_too_few_students_is_suppressed_with_its_reason(cycles):
    row = impact_summary_frame([cycles.small]).iloc[0]
    one = cycle_impact(cycles.small)
    assert one.prepost.suppressed
    assert math.isnan(row["effect"])
    assert math.isnan(row["ci_low"])
    assert one.prepost.n == 3
    assert row["n"] is pd.NA  # a small group's size is not stored
    assert row["reason"] == {"code": "small_group", "threshold": 10, "group": "focus_paired"}
    assert one.impact.suppressed
    assert math.isnan(row["ancova_g"])
    assert row["comparison_reason"] == row["reason"]


def test_a_final_not_yet_entered_is_a_missing_occasion_not_a_privacy_suppression(cycles):
    """Baseline and checkpoint in, no final: nobody has both scores, which is no small
    group (there are 14 focus students): the reason says the final is missing."""
    Score.objects.filter(measure__cycle=cycles.compare, occasion__kind="final").delete()
    row = impact_summary_frame([cycles.compare]).iloc[0]
    assert row["reason"] == NO_FOCUS_SCORES
    assert row["comparison_reason"] == NO_FOCUS_SCORES
    assert (row["n"], row["n_comparison"]) == (0, 0)
    impact_recompute(cycles=cycles_in_scope().filter(pk=cycles.compare.pk))
    stored = ImpactSummary.objects.get(cycle=cycles.compare)
    assert stored.reason_text == (
        "No focus-group student has both a baseline and a final score on this measure yet."
    )
    assert "Suppressed" not in stored.reason_text + stored.comparison_reason_text


def test_a_comparison_without_final_scores_says_so_rather_than_suppressed(cycles):
    comparison = [s.pk for s in cycles.comparison]
    Score.objects.filter(
        measure__cycle=cycles.compare, occasion__kind="final", student_id__in=comparison
    ).delete()
    row = impact_summary_frame([cycles.compare]).iloc[0]
    assert row["reason"] == {}
    assert row["comparison_reason"] == {"code": ImpactSummary.NO_COMPARISON_PAIRS}
    assert ImpactSummary.reason_message(row["comparison_reason"]) == (
        "No comparison-group student has both a baseline and a final score on this measure yet."
    )


def test_a_cycle_whose_scores_overflow_is_stored_as_not_finite_and_the_others_computed(cycles):
    # Scores ×1e160 square to infinity: d_av used to be stored as 0, "no growth".
    Score.objects.filter(measure__cycle=cycles.earlier).update(value=F("value") * 1e160)
    frame = impact_summary_frame(cycles_in_scope()).set_index("cycle_id")
    row = frame.loc[cycles.earlier.pk]
    assert row["reason"] == row["comparison_reason"] == {"code": "not_finite"}
    assert math.isnan(row["effect"])
    assert math.isnan(row["baseline_g"])
    assert ImpactSummary.reason_message(row["reason"]).startswith(
        "Not computed: the scores are too large or too small"
    )
    assert frame.loc[cycles.compare.pk, "reason"] == {}
    assert _close(frame.loc[cycles.compare.pk, "effect"], cycle_impact(cycles.compare).prepost.d_av)


def test_cycles_without_a_measure_or_scores_say_why(cycles):
    frame = impact_summary_frame([cycles.empty, cycles.school_b]).set_index("cycle_id")
    assert frame.at[cycles.empty.pk, "reason"] == NO_MEASURE
    assert frame.at[cycles.empty.pk, "measure_name"] == ""
    assert frame.at[cycles.school_b.pk, "reason"] == NO_FOCUS_SCORES
    assert frame.at[cycles.school_b.pk, "measure_name"] == "M"
    assert frame["n"].tolist() == [0, 0]
    # A batch of measureless cycles alone reads no scores and still says why.
    alone = impact_summary_frame([cycles.empty]).iloc[0]
    assert alone["reason"] == NO_MEASURE
    assert alone["comparison_reason"] == {}


def test_the_recompute_stores_one_summary_per_cycle(cycles):
    summary = impact_recompute(cycles=cycles_in_scope(), chunk_size=3)
    assert summary.cycles == 7
    assert summary.with_effect == 3
    assert summary.with_comparison == 2
    stored = ImpactSummary.objects.get(cycle=cycles.compare)
    one = cycle_impact(cycles.compare)
    assert stored.measure.name == "Rubric"
    assert stored.n == one.prepost.n
    assert _close(stored.effect, one.prepost.d_av)
    assert _close(stored.ancova_g, one.impact.ancova_g)
    small = ImpactSummary.objects.get(cycle=cycles.small)
    assert small.effect is None
    assert small.n is None
    assert small.reason == {"code": "small_group", "threshold": 10, "group": "focus_paired"}
    assert small.reason_text.startswith("Suppressed: fewer than 10 focus students with both")
    assert "3" not in small.reason_text
    with translation.override("fr"):
        assert "moins de 10" in small.reason_text
    empty = ImpactSummary.objects.get(cycle=cycles.empty)
    assert empty.reason == NO_MEASURE
    assert empty.reason_text == "The cycle has no measure yet."


def test_re_running_updates_the_summaries_instead_of_adding_rows(cycles):
    impact_recompute()
    first = ImpactSummary.objects.get(cycle=cycles.goal)
    # A focus student's final score on the goal measure changes.
    score = Score.objects.get(
        measure=cycles.goal.performance_measure,
        occasion__kind="final",
        student=cycles.focus[0],
    )
    score.value += 30
    score.save()
    impact_recompute()
    assert ImpactSummary.objects.count() == 7
    again = ImpactSummary.objects.get(cycle=cycles.goal)
    assert again.pk == first.pk
    assert again.computed_at > first.computed_at
    assert again.effect != first.effect
    assert _close(again.effect, cycle_impact(cycles.goal).prepost.d_av)


def test_the_command_recomputes_one_school(cycles, world):
    out = io.StringIO()
    call_command("recompute_impact", school=world.school_a.pk, no_progress=True, stdout=out)
    assert set(ImpactSummary.objects.values_list("cycle_id", flat=True)) == {
        c.pk for c in (cycles.compare, cycles.goal, cycles.earlier, cycles.small, cycles.empty)
    }
    assert "5 cycle(s) of Northview Secondary" in out.getvalue()
    assert "3 with a pre/post effect, 2 with a comparison-group estimate" in out.getvalue()


def test_the_command_recomputes_one_district(cycles, world):
    out = io.StringIO()
    call_command("recompute_impact", district=world.district.pk, stdout=out)
    cycle_ids = set(ImpactSummary.objects.values_list("cycle_id", flat=True))
    assert cycles.school_b.pk in cycle_ids
    assert cycles.compare.pk in cycle_ids
    assert cycles.hillcrest.pk not in cycle_ids
    assert "6 cycle(s) of Lakeshore District" in out.getvalue()


def test_the_command_without_a_scope_recomputes_every_cycle(cycles):
    call_command("recompute_impact", no_progress=True, stdout=io.StringIO())
    assert ImpactSummary.objects.count() == 7


def test_the_command_names_an_unknown_school_or_district(world):
    with pytest.raises(CommandError, match="no school with id 999999"):
        call_command("recompute_impact", school=999999)
    with pytest.raises(CommandError, match="no district with id 999999"):
        call_command("recompute_impact", district=999999)
    assert not ImpactSummary.objects.exists()


def test_the_background_task_recomputes_a_school(cycles, world):
    result = impact_recompute_task.call(school_id=world.school_b.pk)
    assert result == {"cycles": 1, "with_effect": 0, "with_comparison": 0}
    assert list(ImpactSummary.objects.values_list("cycle_id", flat=True)) == [cycles.school_b.pk]
