"""Check-ins: a leader's private notes of conversations, by person, with follow-ups
due, overdue and done; nobody else ever reads them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from efficacy.roster.models import Role, User
from efficacy.voice.models import CheckIn
from efficacy.voice.services.trust import check_in_record
from tests.voice.trust_fixtures import as_, leader_of_school_b

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _page(world):
    return reverse("voice:check_ins", args=[world.school_a.pk])


def _note(world, leader=None, **fields):
    values = {"staff": world.teacher_a, "held_on": TODAY(), "note": "Talked about grade 9.",
              "follow_up": "Find a co-teacher", "follow_up_due": TODAY()}  # fmt: skip
    values.update(fields)
    return check_in_record(user=leader or world.leader_a, school=world.school_a, **values)


@pytest.fixture
def second_leader(world):
    return User.objects.create(username="deputy_a", first_name="Dee", last_name="Puty",
                               role=Role.SCHOOL_LEADER, school=world.school_a,
                               district=world.district, sourced_id="u-deputy")  # fmt: skip


def test_a_leader_notes_a_check_in_and_finds_it_under_the_person(client, world):
    as_(client, world.leader_a)
    response = client.post(_page(world), {
        "staff": world.teacher_a.pk, "held_on": TODAY().isoformat(),
        "note": "Worried about the applied class.", "follow_up": "Send the reading list",
        "follow_up_due": (TODAY() + dt.timedelta(days=3)).isoformat()})  # fmt: skip
    assert response.status_code == 302
    page = client.get(_page(world)).content.decode()
    assert "Tom Nguyen" in page
    assert "Worried about the applied class." in page
    assert "1 follow-up to do" in page
    assert "Private: only you read these notes." in page


def test_an_overdue_follow_up_is_marked_and_its_person_comes_first(client, world):
    _note(world, staff=world.teacher_a2, follow_up_due=TODAY() + dt.timedelta(days=5))
    _note(world, staff=world.teacher_a, held_on=TODAY() - dt.timedelta(days=9),
          follow_up_due=TODAY() - dt.timedelta(days=2))  # fmt: skip
    page = as_(client, world.leader_a).get(_page(world)).content.decode()
    assert "1 overdue" in page
    assert page.index("Tom Nguyen") < page.index("Theo Martin")


def test_the_leader_marks_a_follow_up_done_and_can_reopen_it(client, world):
    check_in = _note(world)
    as_(client, world.leader_a)
    client.post(reverse("voice:check_in_done", args=[check_in.pk]), {"done": "1"})
    check_in.refresh_from_db()
    assert check_in.follow_up_done_on == TODAY()
    assert not check_in.has_open_follow_up
    client.post(reverse("voice:check_in_done", args=[check_in.pk]), {"done": "0"})
    check_in.refresh_from_db()
    assert check_in.follow_up_done_on is None


def test_the_staff_member_never_sees_a_check_in_about_them(client, world):
    check_in = _note(world)
    as_(client, world.teacher_a)
    assert client.get(_page(world)).status_code == 403
    assert client.post(reverse("voice:check_in_done", args=[check_in.pk])).status_code == 404
    assert "Talked about grade 9." not in client.get(reverse("home")).content.decode()


def test_another_leader_of_the_same_school_never_sees_it(client, world, second_leader):
    check_in = _note(world)
    as_(client, second_leader)
    page = client.get(_page(world)).content.decode()
    assert "Talked about grade 9." not in page
    assert "No check-ins noted yet." in page
    assert client.post(reverse("voice:check_in_done", args=[check_in.pk])).status_code == 404


def test_another_schools_leader_gets_nothing(client, world):
    check_in = _note(world)
    as_(client, leader_of_school_b(world))
    assert client.get(_page(world)).status_code == 404
    assert client.post(reverse("voice:check_in_done", args=[check_in.pk])).status_code == 404


def test_a_check_in_is_only_with_the_schools_staff(client, world):
    as_(client, world.leader_a)
    response = client.post(_page(world), {"staff": world.teacher_b.pk,
                                          "held_on": TODAY().isoformat()})  # fmt: skip
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_a_check_in_in_the_future_or_a_follow_up_before_it_is_refused_keeping_the_note(
    client, world
):
    as_(client, world.leader_a)
    response = client.post(_page(world), {
        "staff": world.teacher_a.pk, "held_on": (TODAY() + dt.timedelta(days=1)).isoformat(),
        "note": "Kept note", "follow_up": "x",
        "follow_up_due": (TODAY() - dt.timedelta(days=1)).isoformat()})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400
    assert "after the conversation, not before" in page
    assert "The follow-up comes after the conversation." in page
    assert "Kept note" in page
    assert not CheckIn.objects.exists()


def test_a_follow_up_date_needs_a_follow_up(client, world):
    as_(client, world.leader_a)
    response = client.post(_page(world), {"staff": world.teacher_a.pk,
                                          "held_on": TODAY().isoformat(),
                                          "follow_up_due": TODAY().isoformat()})  # fmt: skip
    assert response.status_code == 400
    assert "Say what the follow-up is" in response.content.decode()


def test_a_scripted_note_is_refused(client, world):
    as_(client, world.leader_a)
    response = client.post(_page(world), {"staff": world.teacher_a.pk,
                                          "held_on": TODAY().isoformat(),
                                          "note": "<img src=x onerror=alert(1)>"})  # fmt: skip
    assert response.status_code == 400
    assert not CheckIn.objects.exists()
