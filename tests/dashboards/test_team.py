"""The team dashboard: who opens it, what it shows, its downloads and its cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from efficacy.cycles.models import CycleStatus, InquiryCycle
from efficacy.practice.models import Action, Meeting
from efficacy.voice.models.trust import Win


def _url(world):
    return reverse("dashboards:team", args=[world.team_english.pk])


@pytest.mark.parametrize("who", ["lead_english", "teacher_a", "coach_a", "leader_a", "analyst"])
def test_the_teams_readers_open_it(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(_url(world)).status_code == 200


@pytest.mark.parametrize("who", ["teacher_a2", "teacher_b", "admin_a", "teacher_c"])
def test_anyone_else_gets_a_404(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(_url(world)).status_code == 404


def test_it_shows_the_cycles_meetings_open_actions_and_wins(client, world, ready_cycle):
    meeting = Meeting.objects.create(cycle=ready_cycle, date=dt.date(2024, 10, 2))
    Action.objects.create(meeting=meeting, text="Bring exit tickets", owner=world.teacher_a)
    Action.objects.create(meeting=meeting, text="Already done", done=True)
    Win.objects.create(
        school=world.school_a,
        author=world.teacher_a,
        team=world.team_english,
        week=dt.date(2024, 10, 7),
        text="Ben justified an inference",
    )
    client.force_login(world.lead_english)
    page = client.get(_url(world)).content.decode()
    assert "Inference in grade 9 applied English" in page
    assert "Bring exit tickets" in page
    assert "Already done" not in page
    assert "Ben justified an inference" in page
    assert "How to read this" in page


def test_an_analyst_reads_the_board_without_names(client, world, ready_cycle):
    meeting = Meeting.objects.create(cycle=ready_cycle, date=dt.date(2024, 10, 2))
    Action.objects.create(meeting=meeting, text="Bring exit tickets", owner=world.teacher_a)
    client.force_login(world.analyst)
    page = client.get(_url(world)).content.decode()
    assert "Inference in grade 9 applied English" in page
    assert "Bring exit tickets" not in page
    assert "Nguyen" not in page


def test_the_board_downloads(client, world, ready_cycle):
    client.force_login(world.lead_english)
    url = reverse("dashboards:team_export", args=[world.team_english.pk, "board"])
    response = client.get(url + "?format=csv")
    assert response.status_code == 200
    assert "Inference in grade 9 applied English" in response.content.decode()


def test_the_page_reads_a_bounded_number_of_queries(
    client, world, ready_cycle, django_assert_max_num_queries
):
    client.force_login(world.lead_english)
    client.get(_url(world))
    with django_assert_max_num_queries(60) as few:
        client.get(_url(world))
    for i in range(5):
        InquiryCycle.objects.create(
            team=world.team_english, title=f"Open {i}", status=CycleStatus.IMPLEMENTING
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url(world)).status_code == 200
