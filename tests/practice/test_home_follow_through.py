"""The home page: a teacher's own open actions, scores to enter and rounds to attend."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from efficacy.cycles.evidence.selectors import scores_to_enter
from efficacy.cycles.evidence.services import score_set
from efficacy.cycles.models import CycleStatus
from efficacy.practice.selectors import open_actions, rounds_to_attend
from efficacy.practice.services import ActionDraft, action_set_done, meeting_record
from tests.practice.fixtures import english_round

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 10, 20)


@pytest.fixture
def actions(world, cycle):
    today = timezone.localdate()
    meeting = meeting_record(
        user=world.lead_english,
        cycle=cycle,
        date=dt.date(2024, 10, 1),
        attendees=[world.teacher_a, world.lead_english],
        actions=[
            ActionDraft("No date yet", owner=world.teacher_a),
            ActionDraft("Due soon", owner=world.teacher_a, due_date=today + dt.timedelta(days=5)),
            ActionDraft("Overdue", owner=world.teacher_a, due_date=today - dt.timedelta(days=3)),
            ActionDraft("Someone else's", owner=world.lead_english),
        ],
    )
    return {a.text: a for a in meeting.actions.select_related("meeting__cycle")}


def test_my_open_actions_come_due_first_and_undated_last(world, actions):
    assert [a.text for a in open_actions(world.teacher_a)] == ["Overdue", "Due soon", "No date yet"]


def test_a_done_action_or_one_of_a_closed_cycle_leaves_the_list(world, cycle, actions):
    action_set_done(user=world.teacher_a, action=actions["Overdue"], done=True)
    assert [a.text for a in open_actions(world.teacher_a)] == ["Due soon", "No date yet"]
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    assert open_actions(world.teacher_a) == []


def test_the_home_page_lists_my_actions_and_marks_the_overdue(client, world, actions):
    client.force_login(world.teacher_a)
    page = client.get(reverse("home")).content.decode()
    section = page.split('id="what-next"')[1].split("</section>")[0]
    assert "Overdue" in section
    assert "Due soon" in section
    assert "Someone else" not in section
    assert section.count('class="overdue"') == 1


def test_rounds_to_attend_are_upcoming_ones_i_host_or_observe(world):
    observation = english_round(world)  # 8 October 2024: teacher_a hosts, lead_english observes
    before = observation.date - dt.timedelta(days=1)
    assert rounds_to_attend(world.teacher_a, today=before) == [observation]
    assert rounds_to_attend(world.lead_english, today=before) == [observation]
    assert rounds_to_attend(world.coach_a, today=before) == []
    assert rounds_to_attend(world.teacher_a, today=observation.date + dt.timedelta(days=1)) == []


def test_scores_to_enter_name_the_class_measure_and_occasion_with_missing_scores(
    world, cycle, rubric, baseline, final
):
    baseline.date, final.date = dt.date(2024, 9, 20), dt.date(2024, 12, 10)
    baseline.save()
    final.save()
    due = scores_to_enter(world.teacher_a, today=TODAY)
    # teacher_a teaches English 9 Applied: Ava and Ben are in the focus group; the final
    # is not due yet.
    assert [(d.occasion, d.measure, d.class_title, d.missing) for d in due] == [
        (baseline, rubric, world.english_9_applied.title, 2)
    ]
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=2)
    assert [d.missing for d in scores_to_enter(world.teacher_a, today=TODAY)] == [1]
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ben, value=3)
    assert scores_to_enter(world.teacher_a, today=TODAY) == []


def test_no_scores_are_due_for_an_undated_occasion_a_closed_cycle_or_another_team(
    world, cycle, rubric, baseline
):
    assert scores_to_enter(world.teacher_a, today=TODAY) == []  # the baseline has no date
    baseline.date = dt.date(2024, 9, 20)
    baseline.save()
    assert scores_to_enter(world.teacher_a2, today=TODAY) == []
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    assert scores_to_enter(world.teacher_a, today=TODAY) == []


def test_the_home_page_links_scores_to_enter_to_the_grid(client, world, cycle, rubric, baseline):
    baseline.date = dt.date(2024, 9, 20)
    baseline.save()
    client.force_login(world.teacher_a)
    page = client.get(reverse("home")).content.decode()
    grid = reverse("cycles:grid", args=[cycle.pk])
    assert f"{grid}?class={world.english_9_applied.pk}&amp;measure={rubric.pk}" in page
    assert "2 students have none yet" in page


def test_a_teacher_with_nothing_waiting_is_told_so(client, world):
    client.force_login(world.teacher_a2)
    page = client.get(reverse("home")).content.decode()
    assert "Nothing is waiting for you: no scores to enter, rounds, actions" in page


def test_a_school_leader_finds_their_own_open_actions_on_their_school_dashboard(
    client, world, cycle
):
    """Leaders land on their school's dashboard, not the home page: an action a meeting
    gave them heads it (the same to-do as a teacher's home), and the dashboard has no
    to-do when they have none."""
    school_page = reverse("dashboards:school", args=[world.school_a.pk])
    client.force_login(world.leader_a)
    assert 'id="what-next"' not in client.get(school_page).content.decode()
    world.team_english.memberships.create(user=world.leader_a, role="member")
    meeting_record(
        user=world.lead_english,
        cycle=cycle,
        date=dt.date(2024, 10, 1),
        attendees=[world.lead_english, world.leader_a],
        actions=[ActionDraft("Cover period 3 on Friday", owner=world.leader_a)],
    )
    page = client.get(school_page).content.decode()
    section = page.split('id="what-next"')[1].split("</section>")[0]
    assert "Cover period 3 on Friday" in section
    client.force_login(world.analyst)  # another reader of the school: not theirs
    assert 'id="what-next"' not in client.get(school_page).content.decode()
