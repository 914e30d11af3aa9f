"""A cycle of the world's Grade 9 English team, ready for evidence.

Focus: grade 09 applied students (ava, ben); comparison: grade 09 academic
(chloe, dev). teacher_a teaches the applied class, lead_english the academic one.
``scored`` replaces them by eight focus and six comparison students with rubric
scores (:data:`FOCUS_PRE` ... :data:`COMP_POST`).
"""

from __future__ import annotations

import datetime as dt

import pytest

from efficacy.cycles.evidence.services import score_set
from efficacy.cycles.models import Strategy
from efficacy.cycles.plan.services import (
    cycle_create,
    cycle_strategies_set,
    cycle_update,
    measure_create,
    occasion_create,
)
from efficacy.roster.models import Student


@pytest.fixture
def cycle(world):
    lead = world.lead_english
    cycle = cycle_create(
        user=lead,
        team=world.team_english,
        title="Inference in grade 9 applied English",
        problem_of_practice="Applied students struggle to infer from texts.",
        focus={"grades": ["09"], "pathways": ["applied"]},
        comparison={"grades": ["09"], "pathways": ["academic"]},
        mastery_goal="Students infer from texts and justify it with evidence.",
        start_date=dt.date(2024, 9, 15),
        end_date=dt.date(2024, 12, 15),
    )
    return cycle


@pytest.fixture
def rubric(world, cycle):
    return measure_create(
        user=world.lead_english,
        cycle=cycle,
        name="Inference rubric",
        kind="rubric",
        min_score=1,
        max_score=4,
    )


@pytest.fixture
def baseline(world, cycle):
    return occasion_create(user=world.lead_english, cycle=cycle, name="Baseline", kind="baseline")


@pytest.fixture
def final(world, cycle):
    return occasion_create(user=world.lead_english, cycle=cycle, name="Final", kind="final")


@pytest.fixture
def rubric_goal(world, rubric):
    """Sets a cycle's performance goal: ``target`` % of students at ``threshold`` or above."""

    def set_goal(cycle, *, threshold: float, target: int):
        return cycle_update(
            user=world.lead_english,
            cycle=cycle,
            performance_measure=rubric,
            performance_threshold=threshold,
            performance_target_percent=target,
        )

    return set_goal


@pytest.fixture
def enter_rubric_scores(world, rubric, baseline, final):
    """Enters rubric scores as the lead: ``{student: (baseline score, final score)}``."""

    def enter(values) -> None:
        for student, (before, after) in values.items():
            for occasion, value in ((baseline, before), (final, after)):
                score_set(
                    user=world.lead_english,
                    measure=rubric,
                    occasion=occasion,
                    student=student,
                    value=value,
                )

    return enter


@pytest.fixture
def ready_cycle(world, cycle, rubric, baseline, final):
    """A cycle with all four elements of purposeful practice and a prediction."""
    cycle_update(
        user=world.lead_english,
        cycle=cycle,
        specific_focus="Justifying an inference with a quotation.",
        plan="Weekly chunked texts; peer observation in October.",
        monitoring="Inference rubric at baseline and final.",
        prediction="More students reach level 3 because they practise justifying.",
    )
    feedback = Strategy.objects.get(slug="what-makes-you-think-that", school=None)
    cycle_strategies_set(
        user=world.lead_english, cycle=cycle, strategy_ids=[feedback.pk], shared_ids=[feedback.pk]
    )
    return cycle


# Focus (applied) and comparison (academic) scores at baseline and final.
FOCUS_PRE = [1, 2, 2, 1, 2, 3, 1, 2]
FOCUS_POST = [3, 3, 2, 2, 3, 4, 2, 3]
COMP_PRE = [3, 3, 2, 4, 3, 3]
COMP_POST = [3, 4, 3, 4, 3, 4]


def _students(world, klass, pathway, n, prefix):
    out = []
    for i in range(n):
        s = world.enrolled_student(
            klass,
            given_name=f"{prefix}{i}",
            family_name="Test",
            identifier=f"{prefix}{i}",
            grade="09",
            pathway=pathway,
            attributes={"ell": i % 2 == 0},
        )
        out.append(s)
    return out


@pytest.fixture
def scored(world, ready_cycle, enter_rubric_scores):
    # Replace the world's two applied and two academic students by larger groups.
    Student.objects.filter(
        pk__in=[world.ava.pk, world.ben.pk, world.chloe.pk, world.dev.pk]
    ).update(grade="08")
    focus = _students(world, world.english_9_applied, "applied", len(FOCUS_PRE), "F")
    comparison = _students(world, world.english_9_academic, "academic", len(COMP_PRE), "C")
    for students, pre, post in ((focus, FOCUS_PRE, FOCUS_POST), (comparison, COMP_PRE, COMP_POST)):
        enter_rubric_scores(dict(zip(students, zip(pre, post, strict=True), strict=True)))
    return ready_cycle
