"""Team meetings: a short record, the people who see it, and follow-through on actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from efficacy.access.practice import (
    access_meeting,
    actions_for,
    can_record_meeting,
    can_tick_action,
    meetings_for,
)
from efficacy.cycles.models import CycleStatus
from efficacy.practice.models import Action, Meeting
from efficacy.practice.services import ActionDraft, action_set_done, meeting_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world, cycle, rubric, baseline):
    return meeting_record(
        user=world.teacher_a,
        cycle=cycle,
        date=dt.date(2024, 10, 9),
        attendees=[world.teacher_a, world.lead_english, world.coach_a],
        evidence="Baseline rubric scores of both classes.",
        measures=[rubric],
        occasions=[baseline],
        decisions="Model a justified inference every lesson.",
        actions=[
            ActionDraft(
                "Bring three samples of student work",
                owner=world.teacher_a,
                due_date=dt.date(2024, 10, 16),
            ),
            ActionDraft("Book the library", owner=world.coach_a),
        ],
    )


def _action(meeting, owner):
    return meeting.actions.get(owner=owner)


# --- recording ----------------------------------------------------------------


def test_a_meeting_needs_only_its_date_and_who_came(world, cycle):
    recorded = meeting_record(
        user=world.teacher_a, cycle=cycle, date=dt.date(2024, 10, 1), attendees=[world.teacher_a]
    )
    assert recorded.created_by == world.teacher_a
    assert list(recorded.attendees.all()) == [world.teacher_a]
    assert recorded.actions.count() == 0


def test_a_meeting_without_attendees_is_refused_with_a_message(world, cycle):
    with pytest.raises(ValidationError) as refused:
        meeting_record(user=world.teacher_a, cycle=cycle, date=dt.date(2024, 10, 1), attendees=[])
    assert "attendees" in refused.value.message_dict


def test_attendees_and_owners_must_be_members_of_the_team(world, cycle):
    with pytest.raises(ValidationError) as refused:
        meeting_record(
            user=world.teacher_a,
            cycle=cycle,
            date=dt.date(2024, 10, 1),
            attendees=[world.teacher_a, world.teacher_a2],
            actions=[ActionDraft("Share the rubric", owner=world.lead_math), ActionDraft("  ")],
        )
    errors = refused.value.message_dict
    assert "attendees" in errors
    assert errors["actions"] == [
        "Action 1: the owner is a member of Grade 9 English.",
        "Action 2: say what is to be done.",
    ]
    assert Meeting.objects.count() == 0


def test_measures_and_occasions_come_from_the_meetings_cycle(world, cycle, meeting):
    other = meeting_record(
        user=world.lead_english, cycle=cycle, date=dt.date(2024, 11, 1), attendees=[world.coach_a]
    )
    assert other.measures.count() == 0
    assert [m.name for m in meeting.measures.all()] == ["Inference rubric"]
    assert [o.name for o in meeting.occasions.all()] == ["Baseline"]


def test_only_the_teams_members_record_a_meeting(world, cycle):
    for person in (world.teacher_a, world.lead_english, world.coach_a, world.leader_a):
        assert can_record_meeting(person, cycle)
    for person in (world.analyst, world.teacher_a2, world.retired_user, world.admin_a):
        assert not can_record_meeting(person, cycle)
    with pytest.raises(PermissionDenied):
        meeting_record(
            user=world.teacher_a2, cycle=cycle, date=dt.date(2024, 10, 1),
            attendees=[world.teacher_a],
        )  # fmt: skip


def test_a_closed_cycle_takes_no_meeting_and_no_tick(world, cycle, meeting):
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    with pytest.raises(ValidationError):
        meeting_record(
            user=world.teacher_a, cycle=cycle, date=dt.date(2024, 12, 20),
            attendees=[world.teacher_a],
        )  # fmt: skip
    action = Action.objects.select_related("meeting__cycle").get(owner=world.teacher_a)
    with pytest.raises(ValidationError):
        action_set_done(user=world.teacher_a, action=action, done=True)
    assert not Action.objects.get(pk=action.pk).done


# --- who sees -----------------------------------------------------------------


def test_the_team_and_the_school_leader_see_meetings_and_nobody_else(world, meeting):
    seeing = {"teacher_a", "lead_english", "coach_a", "leader_a"}
    for name in ["teacher_a", "lead_english", "coach_a", "leader_a", "teacher_a2", "lead_math",
                 "teacher_b", "analyst", "admin_a", "district_admin", "retired_user"]:  # fmt: skip
        person = getattr(world, name)
        assert meetings_for(person).filter(pk=meeting.pk).exists() is (name in seeing), name
        assert actions_for(person).filter(meeting=meeting).exists() is (name in seeing), name


def test_an_analyst_gets_a_404_as_for_a_missing_meeting(world, meeting):
    with pytest.raises(Http404):
        access_meeting(world.analyst, meeting.pk)
    with pytest.raises(Http404):
        access_meeting(world.teacher_a, meeting.pk + 1000)


# --- ticking done -------------------------------------------------------------


def test_the_owner_and_the_editors_tick_an_action_and_other_members_do_not(world, meeting):
    action = _action(meeting, world.teacher_a)
    assert can_tick_action(world.teacher_a, action)
    for editor in (world.lead_english, world.coach_a, world.leader_a):
        assert can_tick_action(editor, action)
    coachs = _action(meeting, world.coach_a)
    assert not can_tick_action(world.teacher_a, coachs)
    assert not can_tick_action(world.analyst, action)
    with pytest.raises(PermissionDenied):
        action_set_done(user=world.teacher_a, action=coachs, done=True)


def test_ticking_done_records_when_and_who_and_unticking_clears_it(world, meeting):
    action = _action(meeting, world.teacher_a)
    action_set_done(user=world.teacher_a, action=action, done=True)
    action.refresh_from_db()
    assert (action.done, action.done_by) == (True, world.teacher_a)
    assert action.done_at is not None
    action_set_done(user=world.lead_english, action=action, done=False)
    action.refresh_from_db()
    assert (action.done, action.done_at, action.done_by) == (False, None, None)


def test_an_action_is_overdue_after_its_due_date_until_done(world, meeting):
    action = _action(meeting, world.teacher_a)
    assert not action.is_overdue(dt.date(2024, 10, 16))
    assert action.is_overdue(dt.date(2024, 10, 17))
    assert not _action(meeting, world.coach_a).is_overdue(dt.date(2030, 1, 1))
    action.done = True
    assert not action.is_overdue(dt.date(2024, 10, 17))


# --- pages --------------------------------------------------------------------


def test_a_member_records_a_meeting_with_actions_from_the_form(client, world, cycle):
    client.force_login(world.teacher_a)
    response = client.post(reverse("practice:meeting_new", args=[cycle.pk]), {
        "date": "2024-10-09", "attendees": [world.teacher_a.pk, world.coach_a.pk],
        "decisions": "Try think-alouds.",
        "action-TOTAL_FORMS": "3", "action-INITIAL_FORMS": "0",
        "action-0-text": "Share a think-aloud", "action-0-owner": world.coach_a.pk,
        "action-0-due_date": "2024-10-20",
        "action-1-text": "", "action-1-owner": "", "action-1-due_date": "",
        "action-2-text": "Read the chapter", "action-2-owner": "", "action-2-due_date": "",
    })  # fmt: skip
    assert response.status_code == 302
    recorded = Meeting.objects.get()
    assert response["Location"] == reverse("practice:meeting", args=[recorded.pk])
    assert sorted(recorded.actions.values_list("text", flat=True)) == [
        "Read the chapter", "Share a think-aloud"]  # fmt: skip
    page = client.get(response["Location"]).content.decode()
    assert "Share a think-aloud" in page
    assert "Try think-alouds." in page


def test_a_row_with_an_owner_but_no_text_comes_back_with_what_was_typed(client, world, cycle):
    client.force_login(world.teacher_a)
    response = client.post(reverse("practice:meeting_new", args=[cycle.pk]), {
        "date": "2024-10-09", "attendees": [world.teacher_a.pk],
        "decisions": "Keep the exit tickets.",
        "action-TOTAL_FORMS": "1", "action-INITIAL_FORMS": "0",
        "action-0-text": "", "action-0-owner": world.coach_a.pk, "action-0-due_date": "",
    })  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say what is to be done, or clear the row." in page
    assert "Keep the exit tickets." in page
    assert Meeting.objects.count() == 0


def test_more_rows_adds_blank_action_rows_and_saves_nothing(client, world, cycle):
    client.force_login(world.teacher_a)
    response = client.post(reverse("practice:meeting_new", args=[cycle.pk]), {
        "date": "2024-10-09", "attendees": [world.teacher_a.pk], "more_rows": "1",
        "action-TOTAL_FORMS": "3", "action-INITIAL_FORMS": "0",
        "action-0-text": "Typed first", "action-0-owner": "", "action-0-due_date": "",
    })  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="action-5-text"' in page
    assert "Typed first" in page
    assert Meeting.objects.count() == 0


def test_an_empty_form_asks_for_the_date_and_who_came(client, world, cycle):
    client.force_login(world.teacher_a)
    response = client.post(reverse("practice:meeting_new", args=[cycle.pk]), {
        "date": "", "action-TOTAL_FORMS": "3", "action-INITIAL_FORMS": "0"})  # fmt: skip
    assert response.status_code == 400
    assert Meeting.objects.count() == 0


def test_the_owner_ticks_an_action_done_with_htmx(client, world, meeting):
    action = _action(meeting, world.teacher_a)
    client.force_login(world.teacher_a)
    url = reverse("practice:action_done", args=[meeting.pk, action.pk])
    response = client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "checked" in response.content.decode()
    assert Action.objects.get(pk=action.pk).done


def test_an_action_of_another_meeting_is_a_404(client, world, cycle, meeting):
    other = meeting_record(
        user=world.teacher_a, cycle=cycle, date=dt.date(2024, 11, 1), attendees=[world.teacher_a]
    )
    action = _action(meeting, world.teacher_a)
    client.force_login(world.teacher_a)
    url = reverse("practice:action_done", args=[other.pk, action.pk])
    assert client.post(url, {"done": "1"}).status_code == 404


def test_the_cycle_page_links_to_its_meetings_for_the_team_only(client, world, cycle):
    link = reverse("practice:meetings", args=[cycle.pk])
    client.force_login(world.teacher_a)
    assert link in client.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
    client.force_login(world.analyst)
    assert link not in client.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()


def test_the_meetings_list_counts_who_came_and_open_actions(client, world, meeting):
    client.force_login(world.coach_a)
    page = client.get(reverse("practice:meetings", args=[meeting.cycle_id])).content.decode()
    assert "3 came" in page
    assert "actions: 2 open, 0 done" in page


def test_a_closed_cycles_meetings_offer_no_record_form_and_no_tick(client, world, meeting):
    cycle = meeting.cycle
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    client.force_login(world.teacher_a)
    listed = client.get(reverse("practice:meetings", args=[cycle.pk])).content.decode()
    assert reverse("practice:meeting_new", args=[cycle.pk]) not in listed
    response = client.get(reverse("practice:meeting_new", args=[cycle.pk]))
    assert response.status_code == 302
    page = client.get(reverse("practice:meeting", args=[meeting.pk])).content.decode()
    assert "disabled" in page
    action = _action(meeting, world.teacher_a)
    client.post(reverse("practice:action_done", args=[meeting.pk, action.pk]), {"done": "1"})
    assert not Action.objects.get(pk=action.pk).done
