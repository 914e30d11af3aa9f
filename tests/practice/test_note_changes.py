"""An observer corrects or deletes their own note; nobody else does, the host neither."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from efficacy.practice.models import Note
from efficacy.practice.services import note_add, note_correct, note_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(world, observation):
    """lead_english observes teacher_a's lesson and writes a note with a slip."""
    return note_add(user=world.lead_english, observation=observation, uuid=uuid.uuid4(),
                    text="Ava quotes line 40.")[0]  # fmt: skip


def test_an_observer_corrects_their_note_through_the_page(client, world, note):
    client.force_login(world.lead_english)
    url = reverse("practice:note_edit", args=[note.observation_id, note.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "wonder", "text": "Ava quotes line 4."})
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.text, note.kind) == ("Ava quotes line 4.", "wonder")


def test_an_empty_correction_is_refused_and_the_note_kept(client, world, note):
    client.force_login(world.lead_english)
    url = reverse("practice:note_edit", args=[note.observation_id, note.pk])
    response = client.post(url, {"kind": "seen", "text": "   "})
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.text == "Ava quotes line 40."


def test_an_observer_deletes_their_note(client, world, note):
    client.force_login(world.lead_english)
    response = client.post(reverse("practice:note_delete", args=[note.observation_id, note.pk]))
    assert response.status_code == 302
    assert not Note.objects.filter(pk=note.pk).exists()


def test_the_host_and_teammates_neither_correct_nor_delete_an_observers_note(world, note):
    for person in (world.teacher_a, world.coach_a, world.leader_a):
        with pytest.raises(PermissionDenied):
            note_correct(user=person, note=note, text="Changed.", kind="seen")
        with pytest.raises(PermissionDenied):
            note_delete(user=person, note=note)
    note.refresh_from_db()
    assert note.text == "Ava quotes line 40."


def test_only_the_author_sees_the_correct_link(client, world, note):
    page = reverse("practice:observation", args=[note.observation_id])
    link = reverse("practice:note_edit", args=[note.observation_id, note.pk])
    client.force_login(world.lead_english)
    assert link in client.get(page).content.decode()
    client.force_login(world.teacher_a)
    assert link not in client.get(page).content.decode()
