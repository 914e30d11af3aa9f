from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from efficacy.cycles.models import CycleStatus, StatusChange, Strategy
from efficacy.cycles.plan.services import (
    cycle_advance,
    cycle_create,
    cycle_start,
    cycle_step_back,
    cycle_strategies_set,
    cycle_strategy_decide,
    cycle_update,
    measure_create,
    milestone_create,
    milestone_set_done,
    occasion_create,
    strategy_create,
)
from efficacy.cycles.stories.services import cycle_close

pytestmark = pytest.mark.django_db


def test_a_team_member_who_is_not_lead_or_coach_cannot_create_a_cycle(world):
    with pytest.raises(PermissionDenied):
        cycle_create(user=world.teacher_a, team=world.team_english, title="Mine")


def test_a_lead_of_another_team_cannot_change_this_teams_cycle(world, cycle):
    with pytest.raises(PermissionDenied):
        cycle_update(user=world.lead_math, cycle=cycle, title="Hijacked")


def test_it_refuses_a_focus_class_from_another_school(world):
    with pytest.raises(ValidationError) as error:
        cycle_create(
            user=world.lead_english,
            team=world.team_english,
            title="T",
            focus={"classes": [world.class_b.pk]},
        )
    assert "focus" in error.value.message_dict
    assert "Northview Secondary" in error.value.message_dict["focus"][0]


def test_a_cycle_will_not_start_without_the_four_elements_and_says_why_each_matters(world, cycle):
    cycle.mastery_goal = ""
    cycle.save()
    with pytest.raises(ValidationError) as error:
        cycle_start(user=world.lead_english, cycle=cycle)
    problems = error.value.message_dict
    assert set(problems) == {"mastery_goal", "specific_focus", "plan", "monitoring", "prediction"}
    assert "narrow goal" in problems["mastery_goal"][0].lower()
    assert "monitoring progress" in problems["monitoring"][0]
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.PLANNING


def test_a_plan_without_any_strategy_is_not_a_clear_plan(world, ready_cycle):
    cycle_strategies_set(user=world.lead_english, cycle=ready_cycle, strategy_ids=[])
    with pytest.raises(ValidationError) as error:
        cycle_start(user=world.lead_english, cycle=ready_cycle)
    assert set(error.value.message_dict) == {"plan"}


def test_a_ready_cycle_starts_and_records_the_change(world, ready_cycle):
    cycle_start(user=world.lead_english, cycle=ready_cycle)
    ready_cycle.refresh_from_db()
    assert ready_cycle.status == CycleStatus.IMPLEMENTING
    assert StatusChange.objects.filter(cycle=ready_cycle, to_status="implementing").exists()


def test_status_cannot_skip_a_step_forward(world, ready_cycle):
    with pytest.raises(ValidationError):
        cycle_advance(user=world.lead_english, cycle=ready_cycle)  # still planning
    cycle_start(user=world.lead_english, cycle=ready_cycle)
    with pytest.raises(ValidationError):
        cycle_close(user=world.lead_english, cycle=ready_cycle)  # not reviewing yet


def test_going_back_a_step_needs_a_reason_which_is_recorded(world, ready_cycle):
    cycle_start(user=world.lead_english, cycle=ready_cycle)
    with pytest.raises(ValidationError) as error:
        cycle_step_back(user=world.lead_english, cycle=ready_cycle, reason="  ")
    assert "reason" in error.value.message_dict
    cycle_step_back(user=world.lead_english, cycle=ready_cycle, reason="Baseline was wrong")
    ready_cycle.refresh_from_db()
    assert ready_cycle.status == CycleStatus.PLANNING
    assert StatusChange.objects.filter(cycle=ready_cycle, reason="Baseline was wrong").exists()


def test_a_closed_cycle_cannot_be_edited_until_reopened(world, ready_cycle):
    ready_cycle.status = CycleStatus.CLOSED
    ready_cycle.save()
    with pytest.raises(ValidationError):
        cycle_update(user=world.lead_english, cycle=ready_cycle, title="New title")


def test_a_performance_goal_needs_all_three_parts_and_a_threshold_in_range(
    world, cycle, rubric, rubric_goal
):
    with pytest.raises(ValidationError):
        cycle_update(user=world.lead_english, cycle=cycle, performance_measure=rubric)
    with pytest.raises(ValidationError) as error:
        rubric_goal(cycle, threshold=5, target=70)
    assert "performance_threshold" in error.value.message_dict
    cycle.refresh_from_db()
    rubric_goal(cycle, threshold=3, target=70)
    assert cycle.has_performance_goal


def test_strategies_come_from_the_library_or_the_teams_own_school(world, cycle):
    own = strategy_create(
        user=world.coach_a,
        school=world.school_a,
        name="Reading buddies",
        description="Older students read with younger ones.",
        look_fors=["Pairs read aloud to each other"],
    )
    other = strategy_create(
        user=_southgate_lead(world),
        school=world.school_b,
        name="Southgate routine",
        description="Their own.",
        look_fors=["Something visible"],
    )
    library = Strategy.objects.get(slug="effective-feedback", school=None)
    cycle_strategies_set(
        user=world.lead_english, cycle=cycle, strategy_ids=[library.pk, own.pk], shared_ids=[own.pk]
    )
    assert set(cycle.cycle_strategies.values_list("strategy_id", "used_by_every_member")) == {
        (library.pk, False),
        (own.pk, True),
    }
    with pytest.raises(ValidationError):
        cycle_strategies_set(user=world.lead_english, cycle=cycle, strategy_ids=[other.pk])


def _southgate_lead(world):
    world.teacher_b.role = "team_lead"
    world.teacher_b.save()
    return world.teacher_b


def test_a_teacher_cannot_add_to_the_schools_strategy_library(world):
    with pytest.raises(PermissionDenied):
        strategy_create(
            user=world.teacher_a, school=world.school_a, name="X", description="Y", look_fors=["Z"]
        )


def test_a_strategy_needs_a_look_for(world):
    with pytest.raises(ValidationError) as error:
        strategy_create(
            user=world.coach_a, school=world.school_a, name="X", description="Y", look_fors=[" "]
        )
    assert "look_fors" in error.value.message_dict


def test_a_milestone_owner_must_be_on_the_team_and_any_member_can_tick_it_off(world, cycle):
    with pytest.raises(ValidationError):
        milestone_create(
            user=world.lead_english, cycle=cycle, title="Observe", owner=world.lead_math
        )
    milestone = milestone_create(
        user=world.lead_english, cycle=cycle, title="Observe", owner=world.teacher_a
    )
    milestone_set_done(user=world.teacher_a, milestone=milestone, done=True)
    milestone.refresh_from_db()
    assert milestone.done
    with pytest.raises(PermissionDenied):
        milestone_set_done(user=world.teacher_a2, milestone=milestone, done=False)


def test_an_adopt_adapt_abandon_decision_is_made_while_reviewing(world, ready_cycle):
    cycle_strategy = ready_cycle.cycle_strategies.get()
    with pytest.raises(ValidationError):
        cycle_strategy_decide(
            user=world.lead_english, cycle_strategy=cycle_strategy, decision="adopt"
        )
    ready_cycle.status = CycleStatus.REVIEWING
    ready_cycle.save()
    with pytest.raises(ValidationError):
        cycle_strategy_decide(
            user=world.lead_english, cycle_strategy=cycle_strategy, decision="keep"
        )
    cycle_strategy_decide(
        user=world.lead_english,
        cycle_strategy=cycle_strategy,
        decision="adapt",
        note="Shorter texts",
    )
    cycle_strategy.refresh_from_db()
    assert (cycle_strategy.decision, cycle_strategy.decision_note) == ("adapt", "Shorter texts")


def test_a_closed_cycle_takes_no_new_measure_or_occasion(world, cycle):
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    with pytest.raises(ValidationError, match="closed"):
        measure_create(user=world.lead_english, cycle=cycle, name="Late", max_score=4)
    with pytest.raises(ValidationError, match="closed"):
        occasion_create(user=world.lead_english, cycle=cycle, name="Late", kind="checkpoint")
    assert not cycle.measures.exists()
    assert not cycle.occasions.exists()
