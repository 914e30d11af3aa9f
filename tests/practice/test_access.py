"""Rounds are walled off from evaluation: who sees a round, its notes, and who writes."""

from __future__ import annotations

import pytest
from django.http import Http404

from efficacy.access.practice import (
    access_round,
    can_edit_observation,
    can_plan_round,
    can_read_notes,
    can_share,
    rounds_for,
)
from efficacy.practice.services import observation_share

pytestmark = pytest.mark.django_db


def test_the_team_and_the_school_leader_see_the_round_and_nobody_else(world, observation):
    seeing = {"teacher_a", "lead_english", "coach_a", "leader_a"}
    for name in ["teacher_a", "lead_english", "coach_a", "leader_a", "teacher_a2", "lead_math",
                 "teacher_b", "analyst", "admin_a", "district_admin", "retired_user"]:  # fmt: skip
        person = getattr(world, name)
        assert rounds_for(person).filter(pk=observation.pk).exists() is (name in seeing), name


def test_another_team_gets_a_404_as_for_a_missing_round(world, observation):
    with pytest.raises(Http404):
        access_round(world.teacher_a2, observation.pk)
    with pytest.raises(Http404):
        access_round(world.teacher_a2, observation.pk + 1000)


def test_the_school_leader_reads_no_notes_until_the_host_shares(world, observation):
    assert not can_read_notes(world.leader_a, observation)
    observation_share(user=world.teacher_a, observation=observation, shared=True)
    assert can_read_notes(world.leader_a, observation)


def test_the_host_observers_and_team_read_the_notes(world, observation):
    for person in (world.teacher_a, world.lead_english, world.coach_a):
        assert can_read_notes(person, observation)
    assert not can_read_notes(world.teacher_a2, observation)


def test_only_the_host_and_observers_edit_and_only_the_host_shares(world, observation):
    assert can_edit_observation(world.teacher_a, observation)
    assert can_edit_observation(world.lead_english, observation)
    assert not can_edit_observation(world.coach_a, observation)
    assert not can_edit_observation(world.leader_a, observation)
    assert can_share(world.teacher_a, observation)
    assert not can_share(world.lead_english, observation)
    assert not can_share(world.leader_a, observation)


def test_editors_of_the_team_plan_rounds(world, observation):
    cycle = observation.cycle
    assert can_plan_round(world.lead_english, cycle)
    assert can_plan_round(world.coach_a, cycle)
    assert can_plan_round(world.leader_a, cycle)
    assert not can_plan_round(world.teacher_a, cycle)
    assert not can_plan_round(world.analyst, cycle)
