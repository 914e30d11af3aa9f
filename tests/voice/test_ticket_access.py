"""Who opens, sees and closes exit tickets, and who reads a cycle's student voice."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from efficacy.access.tickets import (
    can_read_all_answers,
    can_see_cycle_voice,
    ticket_classes_for,
    ticket_cycles_for,
    tickets_for,
)
from efficacy.cycles.models import CycleStatus
from efficacy.voice.models import ExitTicket
from efficacy.voice.services.tickets import ticket_close, ticket_open
from tests.voice.tickets_fixtures import open_ticket

pytestmark = pytest.mark.django_db


def test_a_teacher_opens_tickets_only_for_the_active_classes_they_teach(world):
    assert set(ticket_classes_for(world.teacher_a)) == {world.english_9_applied}
    assert set(ticket_classes_for(world.teacher_a2)) == {world.math_10}
    for person in (world.leader_a, world.coach_a, world.analyst, world.admin_a, world.retired_user):
        assert not ticket_classes_for(person).exists()


def test_opening_a_ticket_for_a_class_one_does_not_teach_is_refused(world):
    with pytest.raises(PermissionDenied):
        open_ticket(world, user=world.teacher_a, school_class=world.math_10)
    with pytest.raises(PermissionDenied):
        open_ticket(world, user=world.leader_a)
    assert not ExitTicket.objects.exists()


def test_the_new_ticket_page_is_refused_to_someone_who_teaches_no_class(client, world):
    client.force_login(world.coach_a)
    response = client.get(reverse("voice:ticket_new"))
    assert response.status_code == 403
    assert "you teach no class" in response.content.decode()


def test_a_ticket_links_only_to_an_open_cycle_of_the_teachers_own_team(world, cycle):
    assert list(ticket_cycles_for(world.teacher_a, world.english_9_applied)) == [cycle]
    assert not ticket_cycles_for(world.teacher_a2, world.math_10).exists()
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    assert not ticket_cycles_for(world.teacher_a, world.english_9_applied).exists()


def test_an_unlinked_ticket_is_seen_by_the_class_teachers_only(world):
    ticket = open_ticket(world)
    assert list(tickets_for(world.teacher_a)) == [ticket]
    for person in (world.leader_a, world.lead_english, world.coach_a, world.analyst,
                   world.admin_a, world.teacher_b, world.teacher_a2):  # fmt: skip
        assert not tickets_for(person).exists(), person


def test_co_teachers_of_a_class_see_each_others_tickets(world):
    ticket = open_ticket(world, user=world.lead_math, school_class=world.math_10)
    assert list(tickets_for(world.teacher_a2)) == [ticket]
    assert can_read_all_answers(world.teacher_a2, ticket)


def test_a_linked_ticket_is_seen_by_the_team_and_the_school_leader_never_an_analyst(world, cycle):
    ticket = open_ticket(world, cycle=cycle)
    for person in (world.teacher_a, world.lead_english, world.coach_a, world.leader_a):
        assert list(tickets_for(person)) == [ticket], person
    for person in (world.analyst, world.admin_a, world.lead_math, world.teacher_b, world.teacher_c):
        assert not tickets_for(person).exists(), person
    assert can_read_all_answers(world.teacher_a, ticket)
    assert not can_read_all_answers(world.lead_english, ticket)
    assert not can_read_all_answers(world.leader_a, ticket)


def test_another_schools_teacher_gets_a_404_for_a_ticket(client, world, cycle):
    ticket = open_ticket(world, cycle=cycle)
    client.force_login(world.teacher_b)
    for name in ("voice:ticket", "voice:ticket_qr", "voice:ticket_export"):
        assert client.get(reverse(name, args=[ticket.pk])).status_code == 404
    assert client.post(reverse("voice:ticket_close", args=[ticket.pk])).status_code == 404


def test_a_team_member_sees_the_cycles_tickets_page_and_an_analyst_does_not(client, world, cycle):
    open_ticket(world, cycle=cycle)
    url = reverse("voice:ticket_cycle", args=[cycle.pk])
    for person, status in ((world.lead_english, 200), (world.coach_a, 200), (world.teacher_a, 200),
                           (world.leader_a, 200), (world.analyst, 404), (world.lead_math, 404),
                           (world.teacher_b, 404)):  # fmt: skip
        client.force_login(person)
        assert client.get(url).status_code == status, person
    assert can_see_cycle_voice(world.coach_a, cycle)
    assert not can_see_cycle_voice(world.analyst, cycle)


def test_only_a_teacher_of_the_class_closes_its_ticket(world, cycle):
    ticket = open_ticket(world, cycle=cycle)
    with pytest.raises(PermissionDenied):
        ticket_close(user=world.lead_english, ticket=ticket)
    ticket_close(user=world.teacher_a, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.closed_at is not None


def test_a_class_page_of_tickets_is_for_its_teachers(client, world):
    url = reverse("voice:ticket_class", args=[world.english_9_applied.pk])
    for person, status in ((world.teacher_a, 200), (world.leader_a, 404), (world.admin_a, 404),
                           (world.teacher_a2, 404), (world.analyst, 404)):  # fmt: skip
        client.force_login(person)
        assert client.get(url).status_code == status, person


def test_a_ticket_of_another_teams_cycle_is_refused(world, cycle):
    from efficacy.cycles.plan.services import cycle_create

    math_cycle = cycle_create(user=world.lead_math, team=world.team_math, title="Ratios")
    with pytest.raises(ValidationError) as refused:
        ticket_open(user=world.teacher_a, school_class=world.english_9_applied,
                    lesson="Fractions", cycle=math_cycle)  # fmt: skip
    assert "Choose an open cycle of one of your teams" in str(refused.value)
