"""A planned round changes or is cancelled before it happens, by whoever may plan it;
what an observer wrote is never lost."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from efficacy.practice.models import Observation
from efficacy.practice.selectors import rounds_to_attend
from efficacy.practice.services import (
    note_add,
    observation_cancel,
    observation_plan,
    observation_replan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def upcoming(world, observation):
    """A round next week, planned by the lead: teacher_a hosts, lead_english observes."""
    return observation_plan(
        user=world.lead_english, cycle=observation.cycle, host=world.teacher_a,
        observers=[world.lead_english], date=timezone.localdate() + dt.timedelta(days=7),
        period="2", strategies=list(observation.strategies.all()),
    )  # fmt: skip


def test_a_planner_changes_the_date_observers_and_pre_brief_of_an_upcoming_round(
    client, world, upcoming
):
    client.force_login(world.coach_a)
    later = timezone.localdate() + dt.timedelta(days=9)
    response = client.post(reverse("practice:plan_change", args=[upcoming.pk]), {
        "date": later.isoformat(), "period": "4", "observers": [world.lead_english.pk, world.coach_a.pk],
        "strategies": [s.pk for s in upcoming.strategies.all()], "pre_brief": "Watch the pairs.",
    })  # fmt: skip
    assert response.status_code == 302
    upcoming.refresh_from_db()
    assert (upcoming.date, upcoming.period, upcoming.pre_brief) == (later, "4", "Watch the pairs.")
    assert set(upcoming.observers.all()) == {world.lead_english, world.coach_a}


def test_a_change_to_a_past_date_or_with_the_host_observing_is_shown_again(client, world, upcoming):
    client.force_login(world.lead_english)
    response = client.post(reverse("practice:plan_change", args=[upcoming.pk]), {
        "date": "2020-01-01", "observers": [world.teacher_a.pk], "period": "typed",
        "strategies": [s.pk for s in upcoming.strategies.all()],
    })  # fmt: skip
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"date", "observers"}
    assert b"typed" in response.content


def test_a_member_who_may_not_plan_can_neither_change_nor_cancel(world, upcoming):
    with pytest.raises(PermissionDenied):
        observation_cancel(user=world.teacher_a, observation=upcoming)
    with pytest.raises(PermissionDenied):
        observation_replan(user=world.teacher_a, observation=upcoming, date=upcoming.date,
                           observers=[world.coach_a], strategies=upcoming.strategies.all())  # fmt: skip


def test_a_cancelled_round_leaves_the_rounds_and_rounds_to_attend(client, world, upcoming):
    today = timezone.localdate()
    assert upcoming in rounds_to_attend(world.teacher_a, today=today)
    client.force_login(world.lead_english)
    response = client.post(reverse("practice:plan_cancel", args=[upcoming.pk]))
    assert response.status_code == 302
    assert not Observation.objects.filter(pk=upcoming.pk).exists()
    assert rounds_to_attend(world.teacher_a, today=today) == []
    assert rounds_to_attend(world.lead_english, today=today) == []


def test_a_round_with_notes_is_not_cancelled_and_the_planner_is_told_why(client, world, upcoming):
    note_add(user=world.lead_english, observation=upcoming, uuid=uuid.uuid4(), text="Ava reads.")
    client.force_login(world.lead_english)
    response = client.post(reverse("practice:plan_cancel", args=[upcoming.pk]), follow=True)
    assert Observation.objects.filter(pk=upcoming.pk).exists()
    assert upcoming.notes.count() == 1
    assert "cannot be cancelled" in response.content.decode()


def test_a_round_that_took_place_keeps_its_plan(world, observation):
    # The fixture's round was on 8 October 2024.
    with pytest.raises(ValidationError):
        observation_cancel(user=world.lead_english, observation=observation)
    with pytest.raises(ValidationError):
        observation_replan(user=world.lead_english, observation=observation,
                           date=timezone.localdate(), observers=[world.coach_a],
                           strategies=observation.strategies.all())  # fmt: skip


def test_the_observation_page_offers_the_change_to_planners_only(client, world, upcoming):
    url = reverse("practice:observation", args=[upcoming.pk])
    change = reverse("practice:plan_change", args=[upcoming.pk])
    client.force_login(world.coach_a)
    assert change in client.get(url).content.decode()
    client.force_login(world.teacher_a)
    assert change not in client.get(url).content.decode()
