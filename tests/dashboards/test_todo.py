"""What is due for a person (efficacy.dashboards.todo): the list the home page and the
weekly digest share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from efficacy.cycles.models import CycleStatus
from efficacy.cycles.plan.services import milestone_create
from efficacy.dashboards import todo as todo_module
from efficacy.dashboards.todo import todo_for
from efficacy.practice.services import ActionDraft, meeting_record
from efficacy.voice.services.surveys import survey_answer
from tests.practice.fixtures import english_round
from tests.voice.survey_fixtures import ALL_FOURS, window_of
from tests.voice.tickets_fixtures import open_ticket

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def kinds(user, **kwargs) -> list[str]:
    return [item.kind for item in todo_for(user, today=today(), **kwargs).items]


def implementing(cycle):
    cycle.status = CycleStatus.IMPLEMENTING
    cycle.save()
    return cycle


def test_a_teacher_with_nothing_waiting_has_an_empty_list(world):
    todo = todo_for(world.teacher_a2, today=today())
    assert todo.items == []
    assert not todo
    assert [c.title for c in todo.classes] == ["Math 10"]


def test_an_inactive_account_has_nothing_to_do(world, cycle):
    assert todo_for(world.retired_user, today=today()).items == []


def test_scores_to_enter_name_the_class_occasion_and_measure_and_link_to_the_grid(
    world, cycle, rubric, baseline
):
    baseline.date = today() - dt.timedelta(days=3)
    baseline.save()
    [item] = todo_for(world.teacher_a, today=today()).items
    assert item.kind == todo_module.SCORES
    assert item.due == baseline.date
    assert item.is_overdue(today())
    grid = reverse("cycles:grid", args=[cycle.pk])
    assert item.url == f"{grid}?class={world.english_9_applied.pk}&measure={rubric.pk}"
    assert item.words == (
        "Enter the Baseline scores on Inference rubric for English 9 Applied: "
        "2 students have none yet"
    )
    assert item.context == cycle.title


def test_rounds_say_whether_i_host_or_observe(world):
    observation = english_round(world)
    before = observation.date - dt.timedelta(days=1)
    [hosting] = todo_for(world.teacher_a, today=before).items
    [observing] = todo_for(world.lead_english, today=before).items
    assert hosting.words == "Host a round in your class English 9 Applied"
    assert observing.words == "Observe Tom Nguyen's class English 9 Applied"
    assert hosting.url == reverse("practice:observation", args=[observation.pk])
    assert hosting.when.startswith("on ")


def test_milestones_i_own_are_listed_when_overdue_or_due_soon(world, cycle):
    def milestone(title: str, days: int | None, owner=None):
        due = None if days is None else today() + dt.timedelta(days=days)
        return milestone_create(user=world.lead_english, cycle=cycle, title=title,
                                owner=owner or world.teacher_a, due_date=due)  # fmt: skip

    milestone("Overdue", -2)
    milestone("Next week", 7)
    milestone("In two months", 60)
    milestone("Undated", None)
    milestone("Someone else's", 1, owner=world.lead_english)
    done = milestone("Done already", 1)
    done.done = True
    done.save()
    items = todo_for(world.teacher_a, today=today()).items
    assert [(i.kind, i.data["title"]) for i in items] == [
        ("milestone", "Overdue"),
        ("milestone", "Next week"),
    ]
    assert items[0].url == reverse("cycles:detail", args=[cycle.pk]) + "#plan"
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    assert kinds(world.teacher_a) == []


def test_an_exit_ticket_is_suggested_for_a_focus_class_until_one_is_opened_this_week(world, cycle):
    assert kinds(world.teacher_a) == []  # the cycle is still being planned
    implementing(cycle)
    [item] = todo_for(world.teacher_a, today=today()).items
    assert item.kind == todo_module.TICKET
    assert item.due is None
    assert item.words == "Open an exit ticket for English 9 Applied this week"
    assert item.url == (
        reverse("voice:ticket_new") + f"?class={world.english_9_applied.pk}&cycle={cycle.pk}"
    )
    # lead_english teaches the comparison class: no focus student there, nothing to suggest.
    assert kinds(world.lead_english) == []
    open_ticket(world, cycle=cycle)
    assert kinds(world.teacher_a) == []


def test_a_ticket_opened_last_week_does_not_count_for_this_one(world, cycle):
    implementing(cycle)
    ticket = open_ticket(world, cycle=cycle)
    ticket.opened_on = today() - dt.timedelta(days=7)
    ticket.save()
    assert kinds(world.teacher_a) == [todo_module.TICKET]


def test_an_open_survey_i_have_not_answered_is_listed_until_i_answer(world, survey):
    [item] = todo_for(world.teacher_a, today=today()).items
    assert item.kind == todo_module.SURVEY
    assert item.due == survey.last_day
    assert not item.is_overdue(today())
    assert item.url == reverse("voice:survey_answer", args=[survey.pk])
    assert item.words == "Answer the staff survey “Autumn survey” (anonymous)"
    assert kinds(world.leader_a) == []  # not invited
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    assert kinds(world.teacher_a) == []
    assert kinds(world.teacher_a2) == [todo_module.SURVEY]


def test_a_survey_not_open_yet_or_closed_is_not_listed(world, instrument):
    window_of(world, instrument, days_ago=-3)  # opens in three days
    assert kinds(world.teacher_a) == []
    window_of(world, instrument, title="Last spring", days_ago=30)  # closed 16 days ago
    assert kinds(world.teacher_a) == []


def test_overdue_things_come_first_then_by_due_date_then_the_undated(world, cycle, survey):
    implementing(cycle)
    meeting_record(
        user=world.lead_english, cycle=cycle, date=today() - dt.timedelta(days=10),
        attendees=[world.teacher_a],
        actions=[
            ActionDraft("No date", owner=world.teacher_a),
            ActionDraft("Late", owner=world.teacher_a, due_date=today() - dt.timedelta(days=1)),
            ActionDraft("Soon", owner=world.teacher_a, due_date=today() + dt.timedelta(days=2)),
        ],
    )  # fmt: skip
    milestone_create(user=world.lead_english, cycle=cycle, title="Very late",
                     owner=world.teacher_a, due_date=today() - dt.timedelta(days=5))  # fmt: skip
    todo = todo_for(world.teacher_a, today=today())
    described = [(i.kind, i.data.get("text") or i.data.get("title") or "") for i in todo.items]
    assert described == [
        ("milestone", "Very late"),
        ("action", "Late"),
        ("action", "Soon"),
        ("survey", "Autumn survey"),
        ("action", "No date"),
        ("ticket", ""),
    ]
    assert [i.data.get("text") or i.data["title"] for i in todo.overdue] == ["Very late", "Late"]


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        todo_for(user, today=today())
    return len(queries)


def test_the_list_costs_the_same_queries_for_one_thing_of_a_kind_and_for_many(world, cycle, survey):
    implementing(cycle)

    def more(n: int) -> None:
        meeting_record(
            user=world.lead_english, cycle=cycle, date=today(), attendees=[world.teacher_a],
            actions=[ActionDraft(f"Action {i}", owner=world.teacher_a) for i in range(n)],
        )  # fmt: skip
        for i in range(n):
            milestone_create(user=world.lead_english, cycle=cycle, title=f"M {n}-{i}",
                             owner=world.teacher_a, due_date=today())  # fmt: skip

    more(1)
    one = _queries(world.teacher_a)
    more(10)
    assert _queries(world.teacher_a) == one
