"""The cycle pages through HTTP: create, edit, plan, move and close a cycle.

The world (tests/world.py): lead_english leads team_english (teacher_a is a
member, coach_a its coach); the ``cycle`` fixture's focus is grade 09 applied
(ava, ben), its comparison grade 09 academic (chloe, dev).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from efficacy.cycles.evidence.services import score_set
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
    StatusChange,
    Strategy,
)
from efficacy.cycles.plan.selectors import purposeful_practice_problems
from efficacy.cycles.plan.services import (
    cycle_advance,
    cycle_create,
    cycle_start,
    cycle_strategies_set,
    cycle_update,
    measure_create,
    milestone_create,
)
from efficacy.cycles.stories.services import reflection_save

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"cycles:{name}", args=args)


def body(response) -> str:
    return response.content.decode()


def cycle_form_data(**overrides) -> dict:
    data = {
        "title": "Justifying inferences",
        "problem_of_practice": "Applied students rarely back an inference with evidence.",
        "mastery_goal": "Students infer and justify with a quotation.",
        "focus_grades": ["09"],
        "focus_pathways": ["applied"],
        "comparison_grades": ["09"],
        "comparison_pathways": ["academic"],
        "specific_focus": "Choosing the quotation.",
        "plan": "Two lessons a week.",
        "monitoring": "Rubric at baseline and final.",
        "prediction": "Half reach level 3.",
        "start_date": "2024-09-10",
        "end_date": "2024-12-20",
    }
    data.update(overrides)
    return data


# --- creating and editing ------------------------------------------------------


def test_a_lead_creates_a_cycle_with_the_form(client, world):
    client.force_login(world.lead_english)
    response = client.post(url("new", world.team_english.pk), cycle_form_data())
    cycle = InquiryCycle.objects.get(title="Justifying inferences")
    assert response.status_code == 302
    assert response["Location"] == url("detail", cycle.pk)
    assert cycle.team == world.team_english
    assert cycle.focus == {"grades": ["09"], "pathways": ["applied"]}
    assert cycle.comparison == {"grades": ["09"], "pathways": ["academic"]}
    assert cycle.start_date == dt.date(2024, 9, 10)
    assert cycle.status == CycleStatus.PLANNING
    assert StatusChange.objects.filter(cycle=cycle, to_status="planning").count() == 1


def test_the_form_offers_the_schools_own_grades_pathways_classes_and_terms(client, world):
    client.force_login(world.lead_english)
    page = body(client.get(url("new", world.team_english.pk)))
    assert 'name="focus_grades" value="09"' in page
    assert 'name="focus_pathways" value="applied"' in page
    assert f'value="{world.english_9_applied.pk}">English 9 Applied' in page
    assert "2024-2025" in page
    assert "B English" not in page  # school B's class
    assert "Create the cycle" in page


def test_a_focus_group_by_class_and_attribute_is_stored_as_a_definition(client, world):
    world.ava.attributes = {"ell": True}
    world.ava.save()
    client.force_login(world.lead_english)
    data = cycle_form_data(
        focus_grades=[],
        focus_pathways=[],
        focus_classes=[str(world.english_9_applied.pk)],
        focus_attributes=["ell=true"],
        comparison_grades=[],
        comparison_pathways=[],
        comparison_earlier_term=str(world.year.pk),
        focus_chosen_for_low_scores="on",
    )
    client.post(url("new", world.team_english.pk), data)
    cycle = InquiryCycle.objects.get(title="Justifying inferences")
    assert cycle.focus == {"attributes": {"ell": True}, "classes": [world.english_9_applied.pk]}
    assert cycle.comparison == {"earlier_term": world.year.pk}
    assert cycle.focus_chosen_for_low_scores is True


def test_a_missing_title_is_explained_and_everything_typed_is_kept(client, world):
    client.force_login(world.lead_english)
    response = client.post(url("new", world.team_english.pk), cycle_form_data(title=""))
    page = body(response)
    assert response.status_code == 200
    assert not InquiryCycle.objects.exists()
    assert "Give the cycle a title." in page
    assert "Applied students rarely back an inference with evidence." in page
    assert 'value="2024-12-20"' in page
    assert 'name="focus_pathways" value="applied" id="id_focus_pathways_1" checked' in page


def test_an_end_before_the_start_is_shown_next_to_the_end_date(client, world):
    client.force_login(world.lead_english)
    data = cycle_form_data(start_date="2024-12-20", end_date="2024-09-10")
    page = body(client.post(url("new", world.team_english.pk), data))
    assert not InquiryCycle.objects.exists()
    assert 'id="id_end_date_errors"><li>The end date is before the start date.' in page
    assert "Choosing the quotation." in page


def test_a_date_that_is_not_a_date_keeps_what_was_typed(client, world):
    client.force_login(world.lead_english)
    page = body(client.post(url("new", world.team_english.pk), cycle_form_data(end_date="soon")))
    assert not InquiryCycle.objects.exists()
    assert 'id="id_end_date_errors"' in page
    assert 'value="soon"' in page


def test_an_earlier_term_without_the_focus_courses_is_explained_in_the_comparison_fieldset(
    client, world
):
    client.force_login(world.lead_english)
    data = cycle_form_data(
        comparison_grades=[], comparison_pathways=[], comparison_earlier_term=str(world.year.pk)
    )
    page = body(client.post(url("new", world.team_english.pk), data))
    assert not InquiryCycle.objects.exists()
    comparison = page.split('id="comparison-group"')[1].split("</fieldset>")[0]
    assert "choose the focus group&#x27;s classes or course first" in comparison


def test_two_values_of_one_attribute_are_refused(client, world):
    world.ava.attributes = {"ell": True}
    world.ava.save()
    world.ben.attributes = {"ell": False}
    world.ben.save()
    client.force_login(world.lead_english)
    data = cycle_form_data(focus_attributes=["ell=true", "ell=false"])
    page = body(client.post(url("new", world.team_english.pk), data))
    assert not InquiryCycle.objects.exists()
    assert "Choose one value per attribute" in page


def test_a_class_of_another_school_cannot_be_slipped_into_the_focus_group(client, world):
    client.force_login(world.lead_english)
    data = cycle_form_data(focus_classes=[str(world.class_b.pk)])
    page = body(client.post(url("new", world.team_english.pk), data))
    assert not InquiryCycle.objects.exists()
    assert 'id="id_focus_classes_errors"' in page


def test_the_lead_edits_the_cycle_and_sets_a_performance_goal(client, world, cycle, rubric):
    client.force_login(world.lead_english)
    page = body(client.get(url("edit", cycle.pk)))
    assert 'value="Inference in grade 9 applied English"' in page
    data = cycle_form_data(
        title="Inference, revised",
        performance_measure=str(rubric.pk),
        performance_threshold="3",
        performance_target_percent="70",
    )
    response = client.post(url("edit", cycle.pk), data)
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.title == "Inference, revised"
    assert cycle.performance_measure == rubric
    assert cycle.performance_threshold == 3
    assert cycle.performance_target_percent == 70
    detail = body(client.get(url("detail", cycle.pk)))
    assert "70% of focus students at 3 or above on Inference rubric" in detail


def test_a_threshold_outside_the_measures_range_is_refused_and_typed_values_stay(
    client, world, cycle, rubric
):
    client.force_login(world.lead_english)
    data = cycle_form_data(
        title="Should not be saved",
        performance_measure=str(rubric.pk),
        performance_threshold="9",
        performance_target_percent="70",
    )
    page = body(client.post(url("edit", cycle.pk), data))
    cycle.refresh_from_db()
    assert cycle.title == "Inference in grade 9 applied English"
    assert cycle.performance_measure is None
    assert "within Inference rubric" in page
    assert 'value="Should not be saved"' in page
    assert 'value="9"' in page


def test_half_a_performance_goal_asks_for_all_three_parts(client, world, cycle, rubric):
    client.force_login(world.lead_english)
    data = cycle_form_data(performance_measure=str(rubric.pk))
    page = body(client.post(url("edit", cycle.pk), data))
    assert 'id="id_performance_measure_errors"' in page
    assert "needs a measure, a threshold and a target share" in page


def test_the_new_cycle_form_has_no_performance_goal_yet(client, world):
    client.force_login(world.lead_english)
    page = body(client.get(url("new", world.team_english.pk)))
    assert "performance_measure" not in page


# --- permissions ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["edit", "strategies"])
def test_a_teacher_member_cannot_open_the_edit_pages(client, world, cycle, name):
    client.force_login(world.teacher_a)
    assert client.get(url(name, cycle.pk)).status_code == 403
    assert client.post(url(name, cycle.pk), cycle_form_data()).status_code == 403


def test_a_teacher_member_cannot_create_a_cycle(client, world):
    client.force_login(world.teacher_a)
    assert client.get(url("new", world.team_english.pk)).status_code == 403
    assert client.post(url("new", world.team_english.pk), cycle_form_data()).status_code == 403
    assert not InquiryCycle.objects.exists()


def test_a_teacher_member_reads_the_cycle_without_edit_controls(client, world, cycle):
    client.force_login(world.teacher_a)
    page = body(client.get(url("detail", cycle.pk)))
    assert cycle.title in page
    assert url("edit", cycle.pk) not in page
    assert "Start the cycle" not in page
    assert "Add the milestone" not in page


@pytest.mark.parametrize("action", ["start", "advance", "close", "back"])
def test_a_teacher_member_cannot_move_the_cycle(client, world, ready_cycle, action):
    client.force_login(world.teacher_a)
    response = client.post(url("status", ready_cycle.pk), {"action": action, "reason": "x"})
    assert response.status_code == 403
    ready_cycle.refresh_from_db()
    assert ready_cycle.status == CycleStatus.PLANNING


@pytest.mark.parametrize("name", ["detail", "edit", "strategies", "reflection"])
def test_another_schools_lead_gets_not_found(client, world, cycle, name):
    client.force_login(world.teacher_b)  # lead of team_b in school B
    assert client.get(url(name, cycle.pk)).status_code == 404


def test_another_schools_lead_cannot_create_a_cycle_for_this_team(client, world):
    client.force_login(world.teacher_b)
    assert client.get(url("new", world.team_english.pk)).status_code == 404


def test_an_analyst_reads_the_cycle_page_without_any_student_or_member_name(
    client, world, ready_cycle, rubric, baseline
):
    # The academic class has evidence, the applied class (teacher_a's) none yet.
    score_set(
        user=world.lead_english, measure=rubric, occasion=baseline, student=world.chloe, value=2
    )
    client.force_login(world.analyst)
    response = client.get(url("detail", ready_cycle.pk))
    page = body(response)
    assert response.status_code == 200
    assert ready_cycle.title in page
    for student in (world.ava, world.ben, world.chloe, world.dev):
        assert student.given_name not in page
        assert student.family_name not in page
    assert "Tom Nguyen" not in page
    assert "Some members&#x27; classes have no common-measure scores yet (1 of the team)." in page
    assert url("edit", ready_cycle.pk) not in page


def test_the_lead_sees_which_members_have_no_common_evidence_yet(
    client, world, ready_cycle, rubric, baseline
):
    score_set(
        user=world.lead_english, measure=rubric, occasion=baseline, student=world.chloe, value=2
    )
    client.force_login(world.lead_english)
    page = body(client.get(url("detail", ready_cycle.pk)))
    assert "No common-measure scores yet from the classes of: Tom Nguyen." in page


def test_an_analyst_cannot_write_a_reflection(client, world, ready_cycle):
    cycle_start(user=world.lead_english, cycle=ready_cycle)
    client.force_login(world.analyst)
    assert client.get(url("reflection", ready_cycle.pk)).status_code == 200
    response = client.post(url("reflection", ready_cycle.pk), {"strategy_impact": "x"})
    assert response.status_code == 403
    assert not Reflection.objects.exists()


# --- the cycle page ---------------------------------------------------------------


def test_the_cycle_page_shows_groups_status_and_the_impact_panel_slot(client, world, cycle):
    client.force_login(world.lead_english)
    page = body(client.get(url("detail", cycle.pk)))
    assert "grade 09; applied" in page
    assert "grade 09; academic" in page
    assert "fewer than 10 students now" in page
    assert 'aria-current="step"' in page
    impact = page.split('<section id="impact"')[1].split("</section>")[0]
    assert f'hx-get="{url("impact_panel", cycle.pk)}"' in impact
    assert 'hx-trigger="load, evidence-changed from:body"' in impact
    assert f'<a href="{url("impact_panel", cycle.pk)}">' in impact
    assert 'id="evidence-heading"' in page  # the evidence section is included


def test_the_checklist_explains_each_missing_element(client, world, cycle):
    client.force_login(world.lead_english)
    page = body(client.get(url("detail", cycle.pk)))
    ready = page.split('id="ready"')[1].split("</section>")[0]
    assert "A narrow goal</strong>: ready" in ready
    for key in ("specific_focus", "plan", "monitoring", "prediction"):
        assert f'id="ready-{key}"' in ready
    assert ready.count("</strong>: missing") == 4
    assert "define at least one measure" in ready


def test_start_is_refused_with_each_missing_element_then_accepted(client, world, cycle):
    client.force_login(world.lead_english)
    response = client.post(url("status", cycle.pk), {"action": "start"})
    page = body(response)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.PLANNING
    problems = purposeful_practice_problems(cycle)
    assert set(problems) == {"specific_focus", "plan", "monitoring", "prediction"}
    for why in problems.values():
        assert f'<p class="errorlist">{why}</p>'.replace("'", "&#x27;") in page
    assert "The cycle cannot start yet" in page

    cycle_update(
        user=world.lead_english,
        cycle=cycle,
        specific_focus="Quotations.",
        plan="Weekly texts.",
        monitoring="Rubric.",
        prediction="Level 3 for most.",
    )
    measure_create(user=world.lead_english, cycle=cycle, name="Rubric", max_score=4)
    strategy = Strategy.objects.filter(school=None).first()
    cycle_strategies_set(user=world.lead_english, cycle=cycle, strategy_ids=[strategy.pk])
    response = client.post(url("status", cycle.pk), {"action": "start"})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.IMPLEMENTING


def test_going_back_needs_a_reason_which_the_history_shows(client, world, ready_cycle):
    cycle_start(user=world.lead_english, cycle=ready_cycle)
    client.force_login(world.lead_english)
    page = body(client.post(url("status", ready_cycle.pk), {"action": "back", "reason": " "}))
    ready_cycle.refresh_from_db()
    assert ready_cycle.status == CycleStatus.IMPLEMENTING
    assert 'id="id_reason_errors"><li>Say why the cycle goes back a step' in page

    client.post(url("status", ready_cycle.pk), {"action": "back", "reason": "Baseline was late"})
    ready_cycle.refresh_from_db()
    assert ready_cycle.status == CycleStatus.PLANNING
    history = body(client.get(url("detail", ready_cycle.pk))).split('id="history-heading"')[1]
    assert "Implementing → Planning" in history
    assert "Baseline was late" in history


def test_move_to_reviewing(client, world, ready_cycle):
    cycle_start(user=world.lead_english, cycle=ready_cycle)
    client.force_login(world.lead_english)
    page = body(client.get(url("detail", ready_cycle.pk)))
    assert "Move to reviewing" in page
    client.post(url("status", ready_cycle.pk), {"action": "advance"})
    ready_cycle.refresh_from_db()
    assert ready_cycle.status == CycleStatus.REVIEWING


def test_a_step_the_cycle_is_not_ready_for_is_explained(client, world, ready_cycle):
    client.force_login(world.lead_english)
    response = client.post(url("status", ready_cycle.pk), {"action": "advance"}, follow=True)
    assert "The cycle is Planning; this step needs it to be Implementing." in body(response)


# --- strategies -------------------------------------------------------------------


def test_the_strategy_picker_saves_choices_and_shared_flags(client, world, cycle):
    first, second = Strategy.objects.filter(school=None).order_by("name")[:2]
    client.force_login(world.lead_english)
    page = body(client.get(url("strategies", cycle.pk)))
    assert first.description[:40] in page
    assert first.look_fors.first().text in page
    assert "Save strategies" in page
    response = client.post(
        url("strategies", cycle.pk),
        {"strategies": [first.pk, second.pk], "shared": [second.pk]},
    )
    assert response.status_code == 302
    flags = dict(
        CycleStrategy.objects.filter(cycle=cycle).values_list("strategy_id", "used_by_every_member")
    )
    assert flags == {first.pk: False, second.pk: True}
    detail = body(client.get(url("detail", cycle.pk)))
    assert "Every member uses it" in detail


def test_a_shared_strategy_that_is_not_chosen_is_refused_and_ticks_are_kept(client, world, cycle):
    first, second = Strategy.objects.filter(school=None).order_by("name")[:2]
    client.force_login(world.lead_english)
    page = body(
        client.post(url("strategies", cycle.pk), {"strategies": [first.pk], "shared": [second.pk]})
    )
    assert not CycleStrategy.objects.exists()
    assert "must also be one of the cycle&#x27;s strategies" in page
    assert f'value="{first.pk}" id="choose-{first.pk}" checked' in page
    assert f'value="{second.pk}" id="shared-{second.pk}" checked' in page


def test_the_schools_library_is_open_to_its_staff_only(client, world):
    client.force_login(world.teacher_a)
    page = body(client.get(url("strategy_library", world.school_a.pk)))
    assert "Effective feedback" in page
    assert url("strategy_new", world.school_a.pk) not in page
    client.force_login(world.teacher_b)
    assert client.get(url("strategy_library", world.school_a.pk)).status_code == 404


def test_a_teacher_cannot_add_a_school_strategy(client, world):
    client.force_login(world.teacher_a)
    assert client.get(url("strategy_new", world.school_a.pk)).status_code == 403
    response = client.post(url("strategy_new", world.school_a.pk), {"name": "Mine"})
    assert response.status_code == 403


def test_a_lead_adds_a_school_strategy_with_look_fors_one_per_line(client, world):
    client.force_login(world.lead_english)
    response = client.post(
        url("strategy_new", world.school_a.pk),
        {
            "name": "Quotation sandwich",
            "description": "Introduce, quote, explain.",
            "look_fors": "Students introduce the quote\n\n  Students explain it  \n",
            "references": "Graff & Birkenstein (2006). They Say / I Say.",
        },
    )
    strategy = Strategy.objects.get(school=world.school_a, name="Quotation sandwich")
    assert response.status_code == 302
    assert list(LookFor.objects.filter(strategy=strategy).values_list("text", flat=True)) == [
        "Students introduce the quote",
        "Students explain it",
    ]
    assert strategy.references == ["Graff & Birkenstein (2006). They Say / I Say."]
    picker = body(client.get(url("strategy_library", world.school_a.pk)))
    assert "Quotation sandwich" in picker


def test_a_strategy_without_look_fors_is_refused_and_the_description_kept(client, world):
    client.force_login(world.lead_english)
    page = body(
        client.post(
            url("strategy_new", world.school_a.pk),
            {"name": "Quotation sandwich", "description": "Introduce, quote, explain."},
        )
    )
    assert not Strategy.objects.filter(school=world.school_a).exists()
    assert 'id="id_look_fors_errors"><li>Add at least one look-for' in page
    assert "Introduce, quote, explain." in page


# --- milestones, measures, occasions --------------------------------------------------


def test_the_lead_plans_milestones_and_a_member_ticks_one_off(client, world, cycle):
    client.force_login(world.lead_english)
    client.post(
        url("milestones", cycle.pk),
        {"title": "Observe a lesson", "owner": world.teacher_a.pk, "due_date": "2024-10-15"},
    )
    milestone = Milestone.objects.get(cycle=cycle)
    assert milestone.owner == world.teacher_a
    assert milestone.due_date == dt.date(2024, 10, 15)

    client.force_login(world.teacher_a)
    page = body(client.get(url("detail", cycle.pk)))
    assert "Observe a lesson" in page
    assert 'datetime="2024-10-15"' in page
    client.post(url("milestone", cycle.pk, milestone.pk), {"action": "done", "done": ["0", "1"]})
    milestone.refresh_from_db()
    assert milestone.done is True
    response = client.post(
        url("milestone", cycle.pk, milestone.pk),
        {"action": "done", "done": "0"},
        headers={"HX-Request": "true"},
    )
    milestone.refresh_from_db()
    assert milestone.done is False
    assert body(response).startswith('<form method="post"')  # the partial, not the whole page


def test_a_member_cannot_edit_or_delete_a_milestone(client, world, cycle):
    milestone = milestone_create(user=world.lead_english, cycle=cycle, title="Plan")
    client.force_login(world.teacher_a)
    target = url("milestone", cycle.pk, milestone.pk)
    assert client.get(target).status_code == 403
    assert client.post(target, {"action": "delete"}).status_code == 403
    assert client.post(target, {"action": "save", "title": "Mine"}).status_code == 403
    assert client.post(url("milestones", cycle.pk), {"title": "Mine"}).status_code == 403
    assert list(Milestone.objects.values_list("title", flat=True)) == ["Plan"]


def test_the_lead_edits_and_deletes_a_milestone(client, world, cycle):
    milestone = milestone_create(user=world.lead_english, cycle=cycle, title="Plan")
    client.force_login(world.lead_english)
    target = url("milestone", cycle.pk, milestone.pk)
    assert 'value="Plan"' in body(client.get(target))
    page = body(client.post(target, {"action": "save", "title": " ", "due_date": "2024-11-01"}))
    assert "Say what the milestone is." in page
    assert 'value="2024-11-01"' in page
    client.post(target, {"action": "save", "title": "Plan the unit", "due_date": "2024-11-01"})
    milestone.refresh_from_db()
    assert milestone.title == "Plan the unit"
    client.post(target, {"action": "delete"})
    assert not Milestone.objects.exists()


def test_a_milestone_of_another_cycle_is_not_found(client, world, cycle):
    other = cycle_create(user=world.lead_english, team=world.team_english, title="Other")
    milestone = milestone_create(user=world.lead_english, cycle=other, title="Theirs")
    client.force_login(world.lead_english)
    assert client.get(url("milestone", cycle.pk, milestone.pk)).status_code == 404


def test_a_milestone_without_a_title_keeps_the_typed_date(client, world, cycle):
    client.force_login(world.lead_english)
    page = body(client.post(url("milestones", cycle.pk), {"title": "", "due_date": "2024-10-01"}))
    assert not Milestone.objects.exists()
    assert "Say what the milestone is." in page
    assert 'value="2024-10-01"' in page


def test_the_lead_defines_measures_and_occasions(client, world, cycle):
    client.force_login(world.lead_english)
    client.post(
        url("measures", cycle.pk),
        {"name": "Reading quiz", "kind": "points", "min_score": "0", "max_score": "20"},
    )
    client.post(url("occasions", cycle.pk), {"name": "September", "kind": "baseline"})
    measure = Measure.objects.get(cycle=cycle)
    assert (measure.name, measure.min_score, measure.max_score, measure.common) == (
        "Reading quiz",
        0,
        20,
        False,  # an unticked checkbox
    )
    assert Occasion.objects.get(cycle=cycle).kind == "baseline"
    page = body(client.get(url("detail", cycle.pk)))
    assert "Reading quiz" in page
    assert "September" in page


def test_a_measure_whose_highest_score_is_not_above_the_lowest_keeps_what_was_typed(
    client, world, cycle
):
    client.force_login(world.lead_english)
    data = {"name": "Reading quiz", "kind": "points", "min_score": "5", "max_score": "5"}
    page = body(client.post(url("measures", cycle.pk), data))
    assert not Measure.objects.exists()
    assert "The highest score must be above the lowest." in page
    assert 'value="Reading quiz"' in page


def test_a_second_baseline_is_refused(client, world, cycle, baseline):
    client.force_login(world.lead_english)
    page = body(client.post(url("occasions", cycle.pk), {"name": "Again", "kind": "baseline"}))
    assert Occasion.objects.filter(cycle=cycle).count() == 1
    assert "already has a baseline occasion" in page
    assert 'value="Again"' in page


# --- reflection and closing ---------------------------------------------------------

ANSWERS = {
    "strategy_impact": "Asking for reasons made students look back at the text.",
    "understanding": "Most quote; few explain the quote.",
    "continue_change_stop": "Continue asking; change the exit ticket.",
    "years_growth": "Yes for the focus group.",
}


def reviewing(world, cycle):
    cycle_start(user=world.lead_english, cycle=cycle)
    cycle_advance(user=world.lead_english, cycle=cycle)


def test_the_reflection_page_waits_until_the_cycle_is_under_way(client, world, cycle):
    client.force_login(world.lead_english)
    page = body(client.get(url("reflection", cycle.pk)))
    assert "Reflect once the cycle is under way" in page
    assert "Save the reflection" not in page


def test_a_member_saves_the_reflection_next_to_the_impact_panel(client, world, ready_cycle):
    reviewing(world, ready_cycle)
    strategy_id = ready_cycle.cycle_strategies.get().strategy_id
    client.force_login(world.teacher_a)
    page = body(client.get(url("reflection", ready_cycle.pk)))
    assert "What was the impact of each strategy?" in page
    assert 'id="impact"' in page
    assert "decision_" not in page  # deciding is for the lead and the coach
    response = client.post(
        url("reflection", ready_cycle.pk), {**ANSWERS, f"note_{strategy_id}": "It worked."}
    )
    assert response.status_code == 302
    reflection = Reflection.objects.get(cycle=ready_cycle)
    assert reflection.understanding == ANSWERS["understanding"]
    assert reflection.strategy_notes == {str(strategy_id): "It worked."}
    assert reflection.updated_by == world.teacher_a


def test_the_lead_decides_adopt_adapt_or_abandon_while_reviewing(client, world, ready_cycle):
    reviewing(world, ready_cycle)
    cs = ready_cycle.cycle_strategies.get()
    client.force_login(world.lead_english)
    client.post(
        url("reflection", ready_cycle.pk),
        {**ANSWERS, f"decision_{cs.pk}": "adapt", f"decision_note_{cs.pk}": "Shorter texts."},
    )
    cs.refresh_from_db()
    assert (cs.decision, cs.decision_note) == ("adapt", "Shorter texts.")


def test_no_decision_while_implementing(client, world, ready_cycle):
    cycle_start(user=world.lead_english, cycle=ready_cycle)
    cs = ready_cycle.cycle_strategies.get()
    client.force_login(world.lead_english)
    page = body(client.get(url("reflection", ready_cycle.pk)))
    assert f"decision_{cs.pk}" not in page
    client.post(url("reflection", ready_cycle.pk), {**ANSWERS, f"decision_{cs.pk}": "adopt"})
    cs.refresh_from_db()
    assert cs.decision == ""


def test_closing_with_unanswered_prompts_sends_the_lead_to_the_reflection(
    client, world, ready_cycle
):
    reviewing(world, ready_cycle)
    reflection_save(user=world.lead_english, cycle=ready_cycle, strategy_impact="Some impact.")
    client.force_login(world.lead_english)
    response = client.post(url("status", ready_cycle.pk), {"action": "close"}, follow=True)
    page = body(response)
    ready_cycle.refresh_from_db()
    assert ready_cycle.status == CycleStatus.REVIEWING
    assert response.redirect_chain[-1][0] == url("reflection", ready_cycle.pk)
    assert page.count("Answer this prompt before closing") == 3
    assert 'id="id_strategy_impact_errors"' not in page
    assert "Some impact." in page


def test_closing_a_cycle_that_met_its_goal_records_a_mastery_moment(
    client, world, ready_cycle, rubric_goal, enter_rubric_scores, settings
):
    settings.EFFICACY_MIN_STUDENT_N = 2  # the world's two focus students make a group
    rubric_goal(ready_cycle, threshold=3, target=50)
    enter_rubric_scores({world.ava: (1, 3), world.ben: (2, 4)})
    reviewing(world, ready_cycle)
    reflection_save(user=world.lead_english, cycle=ready_cycle, **ANSWERS)
    client.force_login(world.lead_english)
    page = body(client.post(url("status", ready_cycle.pk), {"action": "close"}, follow=True))
    moment = MasteryMoment.objects.get(cycle=ready_cycle)
    assert "a mastery moment was recorded" in page
    # 2 of the 2 focus students reached level 3 or above.
    assert "100% of 2 focus students reached 3 or above on Inference rubric (target 50%)." in page
    assert url("story", moment.pk) in page
    assert f'action="{url("publish", moment.pk)}"' in page
    assert ANSWERS["understanding"] in page


def test_a_closed_cycle_without_a_moment_shows_the_honest_verdict(
    client, world, ready_cycle, rubric_goal, enter_rubric_scores, settings
):
    settings.EFFICACY_MIN_STUDENT_N = 2
    rubric_goal(ready_cycle, threshold=3, target=75)
    enter_rubric_scores({world.ava: (1, 2), world.ben: (1, 3)})
    reviewing(world, ready_cycle)
    reflection_save(user=world.lead_english, cycle=ready_cycle, **ANSWERS)
    client.force_login(world.lead_english)
    page = body(client.post(url("status", ready_cycle.pk), {"action": "close"}, follow=True))
    ready_cycle.refresh_from_db()
    assert ready_cycle.status == CycleStatus.CLOSED
    assert not MasteryMoment.objects.exists()
    # One of two focus students (ben) reached 3: 50%, below the 75% target.
    assert "The cycle is closed. The goal was not met: 50% of 2 focus students" in page
    outcome = page.split('id="outcome-heading"')[1].split("</section>")[0]
    assert "The goal was not met" in outcome
    assert "50% of 2 focus students reached 3 or above (target 75%)." in outcome


def test_closing_with_a_focus_group_below_the_threshold_gives_no_verdict_and_no_size(
    client, world, ready_cycle, rubric_goal, enter_rubric_scores
):
    rubric_goal(ready_cycle, threshold=3, target=50)
    enter_rubric_scores({world.ava: (1, 3), world.ben: (2, 4)})  # both reach the goal
    reviewing(world, ready_cycle)
    reflection_save(user=world.lead_english, cycle=ready_cycle, **ANSWERS)
    client.force_login(world.lead_english)
    page = body(client.post(url("status", ready_cycle.pk), {"action": "close"}, follow=True))
    assert not MasteryMoment.objects.exists()
    assert "closed with no verdict" in page
    outcome = page.split('id="outcome-heading"')[1].split("</section>")[0]
    assert "No verdict" in outcome
    assert "fewer than 10 focus students with a final score" in outcome
    assert "of 2 focus students" not in page
    assert "100%" not in outcome


# --- the team page ------------------------------------------------------------------


def test_the_team_page_lists_cycles_and_counts_those_lacking_shared_work(
    client, world, ready_cycle
):
    cycle_create(user=world.lead_english, team=world.team_english, title="Solo work")
    client.force_login(world.lead_english)
    page = body(client.get(reverse("front:team", args=[world.team_english.pk])))
    cycles = page.split('id="cycles-heading"')[1]
    assert f'href="{url("detail", ready_cycle.pk)}">{ready_cycle.title}' in cycles
    assert "Solo work" in cycles
    assert 'data-lacking-shared-work="1"' in cycles
    assert "1 open cycle lacks shared work" in cycles
    assert url("new", world.team_english.pk) in cycles


def test_the_team_page_offers_a_new_cycle_only_to_editors(client, world, cycle):
    client.force_login(world.teacher_a)
    page = body(client.get(reverse("front:team", args=[world.team_english.pk])))
    assert cycle.title in page
    assert url("new", world.team_english.pk) not in page


def test_the_team_page_marks_a_cycle_with_a_mastery_moment(client, world, cycle):
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    MasteryMoment.objects.create(
        cycle=cycle, reflection={"strategy_impact": "r"}, rule="performance_goal"
    )
    client.force_login(world.lead_english)
    page = body(client.get(reverse("front:team", args=[world.team_english.pk])))
    row = page.split(f'href="{url("detail", cycle.pk)}"')[1].split("</tr>")[0]
    assert "★ Mastery moment" in row


def test_the_lead_publishes_the_story_from_the_cycle_page(client, world, cycle):
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    moment = MasteryMoment.objects.create(
        cycle=cycle, reflection={"strategy_impact": "r"}, rule="prepost_gain"
    )
    client.force_login(world.lead_english)
    page = body(client.get(url("detail", cycle.pk)))
    outcome = page.split('id="outcome-heading"')[1].split("</section>")[0]
    assert 'name="action" value="publish"' in outcome
    response = client.post(url("publish", moment.pk), {"action": "publish", "next": "cycle"})
    assert response["Location"] == url("detail", cycle.pk)
    moment.refresh_from_db()
    assert moment.published is True
    outcome = body(client.get(url("detail", cycle.pk))).split('id="outcome-heading"')[1]
    assert 'name="action" value="withdraw"' in outcome
    assert "Shared with the school as a cycle story." in outcome


def test_a_member_sees_the_moment_but_no_publish_button(client, world, cycle):
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    moment = MasteryMoment.objects.create(
        cycle=cycle, reflection={"strategy_impact": "r"}, rule="prepost_gain"
    )
    client.force_login(world.teacher_a)
    page = body(client.get(url("detail", cycle.pk)))
    assert url("story", moment.pk) in page
    assert url("publish", moment.pk) not in page


def test_a_closed_cycle_cannot_be_edited_and_the_page_says_how_to_reopen_it(client, world, cycle):
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    client.force_login(world.lead_english)
    assert "Reopen it from the cycle page" in body(client.get(url("edit", cycle.pk)))
    page = body(client.post(url("edit", cycle.pk), cycle_form_data(title="Changed")))
    cycle.refresh_from_db()
    assert cycle.title == "Inference in grade 9 applied English"
    assert "This cycle is closed. Reopen it (with a reason) to change it." in page
    assert 'value="Changed"' in page
