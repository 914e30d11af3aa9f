"""Commitments: a leader's promise with a due date and its receipts (what was done,
even when the answer is no), seen by the leader and whoever asked, and by the
school's staff once it follows a published "you said, we did"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from efficacy.voice.models import Commitment, Receipt, Suggestion, SuggestionBox
from efficacy.voice.services.trust import commitment_make, receipt_record, reply_publish
from tests.voice.trust_fixtures import as_, leader_of_school_b

pytestmark = pytest.mark.django_db


def _promise(world, **extra) -> Commitment:
    values = {"what": "Look into a quiet marking room", "asked_by": world.teacher_a,
              "due_on": timezone.localdate() + dt.timedelta(days=7)}  # fmt: skip
    values.update(extra)
    return commitment_make(user=world.leader_a, school=world.school_a, **values)


def _new(world):
    return reverse("voice:commitment_new", args=[world.school_a.pk])


def test_a_leader_records_a_commitment_with_who_asked_and_its_due_date(client, world):
    as_(client, world.leader_a)
    due = timezone.localdate() + dt.timedelta(days=14)
    response = client.post(_new(world), {"what": "Ask the board about laptops",
                                         "due_on": due.isoformat(),
                                         "asked_by": world.teacher_a.pk})  # fmt: skip
    made = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("voice:commitment", args=[made.pk])
    assert (made.made_by, made.asked_by, made.due_on, made.status) == (
        world.leader_a,
        world.teacher_a,
        due,
        Commitment.Status.OPEN,
    )


def test_a_commitment_due_in_the_past_is_refused_keeping_what_was_typed(client, world):
    as_(client, world.leader_a)
    response = client.post(_new(world), {"what": "Kept promise", "due_on": "2020-01-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "due today or later" in page
    assert "Kept promise" in page
    assert not Commitment.objects.exists()


def test_the_asker_must_be_of_the_school(client, world):
    as_(client, world.leader_a)
    response = client.post(_new(world), {"what": "x", "asked_by": world.teacher_b.pk,
                                         "due_on": timezone.localdate().isoformat()})  # fmt: skip
    assert response.status_code == 400


def test_staff_do_not_record_commitments(client, world):
    assert as_(client, world.teacher_a).get(_new(world)).status_code == 403


def test_the_asker_sees_the_commitment_and_its_receipts(client, world):
    made = _promise(world)
    receipt_record(
        user=world.leader_a,
        commitment=made,
        status="declined",
        text="We looked into it, and the answer is no, because the room is a lab.",
    )
    as_(client, world.teacher_a)
    listed = client.get(reverse("voice:commitments")).content.decode()
    assert "Look into a quiet marking room" in listed
    assert "1 receipt" in listed
    page = client.get(reverse("voice:commitment", args=[made.pk])).content.decode()
    assert "the answer is no, because the room is a lab." in page
    assert "answered no" in page
    assert "Record what was done" not in page  # the asker reads; the leader writes


def test_no_one_else_sees_a_commitment(client, world):
    made = _promise(world)
    url = reverse("voice:commitment", args=[made.pk])
    for person in (world.teacher_a2, world.coach_a, leader_of_school_b(world), world.teacher_b):
        assert as_(client, person).get(url).status_code == 404
        assert "quiet marking room" not in client.get(reverse("voice:commitments")).content.decode()


def test_the_leader_records_receipts_and_the_status(client, world):
    made = _promise(world)
    as_(client, world.leader_a)
    url = reverse("voice:commitment", args=[made.pk])
    client.post(url, {"text": "Asked the caretaker.", "status": "open"})
    client.post(url, {"text": "Room 12 is yours on Tuesdays.", "status": "done",
                      "link": "https://example.org/timetable"})  # fmt: skip
    made.refresh_from_db()
    assert made.status == "done"
    assert list(made.receipts.values_list("text", flat=True)) == [
        "Asked the caretaker.",
        "Room 12 is yours on Tuesdays.",
    ]


def test_a_receipt_needs_its_text_and_a_real_link(client, world):
    made = _promise(world)
    as_(client, world.leader_a)
    url = reverse("voice:commitment", args=[made.pk])
    response = client.post(url, {"text": "", "status": "done", "link": "javascript:alert(1)"})
    assert response.status_code == 400
    assert not Receipt.objects.exists()


def test_only_the_leader_who_made_it_records_receipts(client, world):
    made = _promise(world)
    as_(client, world.teacher_a)
    response = client.post(reverse("voice:commitment", args=[made.pk]),
                           {"text": "Done, I say", "status": "done"})  # fmt: skip
    assert response.status_code == 403
    assert not Receipt.objects.exists()


def test_an_overdue_commitment_is_marked_for_the_asker(client, world):
    made = _promise(world)
    Commitment.objects.filter(pk=made.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    as_(client, world.teacher_a)
    assert "overdue" in client.get(reverse("voice:commitments")).content.decode()
    assert "overdue" in client.get(reverse("voice:commitment", args=[made.pk])).content.decode()
    assert "overdue" in client.get(reverse("home")).content.decode()


def test_a_done_commitment_is_never_overdue(world):
    made = _promise(world)
    made.status = Commitment.Status.DONE
    assert not made.is_overdue(made.due_on + dt.timedelta(days=30))


def test_a_commitment_from_a_suggestion_is_read_by_the_school_once_published(client, world):
    box = SuggestionBox.objects.create(school=world.school_a, title="Ideas",
                                       opened_on=timezone.localdate())  # fmt: skip
    suggestion = Suggestion.objects.create(box=box, text="Quiet room",
                                           received_on=timezone.localdate())  # fmt: skip
    made = _promise(world, asked_by=None, suggestion=suggestion)
    url = reverse("voice:commitment", args=[made.pk])
    assert as_(client, world.teacher_a2).get(url).status_code == 404
    reply_publish(user=world.leader_a, suggestion=suggestion, you_said="A quiet room",
                  we_did="We are looking for one")  # fmt: skip
    assert as_(client, world.teacher_a2).get(url).status_code == 200
    assert as_(client, world.teacher_b).get(url).status_code == 404


def test_a_link_longer_than_its_column_is_refused_keeping_the_receipt(client, world):
    made = _promise(world)
    as_(client, world.leader_a)
    response = client.post(reverse("voice:commitment", args=[made.pk]), {
        "text": "Kept receipt", "status": "done",
        "link": "https://example.org/" + "a" * 200})  # fmt: skip
    assert response.status_code == 400
    assert "Kept receipt" in response.content.decode()
    assert not Receipt.objects.exists()
