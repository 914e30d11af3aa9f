"""The round pages through HTTP: plan, observe, the wall around notes, sharing."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from efficacy.practice.models import Note, Observation
from efficacy.practice.services import note_add

pytestmark = pytest.mark.django_db

NOTE = "Ava asks Ben: why do you think he lied?"


def _observed(world, observation):
    note_add(user=world.lead_english, observation=observation, uuid=uuid.uuid4(), text=NOTE)


def test_a_lead_plans_an_observation(client, world, observation):
    client.force_login(world.lead_english)
    cycle = observation.cycle
    response = client.post(reverse("practice:plan", args=[cycle.pk]), {
        "host": world.coach_a.pk, "observers": [world.teacher_a.pk], "date": "2024-10-20",
        "period": "3", "strategies": [s.pk for s in observation.strategies.all()],
    })  # fmt: skip
    assert response.status_code == 302
    assert Observation.objects.filter(cycle=cycle, host=world.coach_a).exists()


def test_a_plan_with_the_host_among_the_observers_is_shown_again(client, world, observation):
    client.force_login(world.lead_english)
    response = client.post(reverse("practice:plan", args=[observation.cycle.pk]), {
        "host": world.teacher_a.pk, "observers": [world.teacher_a.pk], "date": "2024-10-20",
        "strategies": [s.pk for s in observation.strategies.all()], "period": "P4 typed",
    })  # fmt: skip
    assert response.status_code == 200
    assert "does not observe their own lesson" in response.content.decode()
    assert "P4 typed" in response.content.decode()


def test_the_school_leader_sees_counts_but_no_note_until_shared(client, world, observation):
    _observed(world, observation)
    client.force_login(world.leader_a)
    rounds = client.get(reverse("practice:rounds", args=[observation.cycle.pk])).content.decode()
    page = client.get(reverse("practice:observation", args=[observation.pk])).content.decode()
    assert "Notes taken" in rounds
    assert NOTE not in rounds
    assert NOTE not in page
    assert client.get(reverse("practice:debrief", args=[observation.pk])).status_code == 403
    client.force_login(world.teacher_a)
    client.post(reverse("practice:share", args=[observation.pk]), {"shared": "1"})
    client.force_login(world.leader_a)
    page = client.get(reverse("practice:observation", args=[observation.pk])).content.decode()
    assert "Ava asks Ben" in page


def test_a_note_sent_twice_as_json_is_stored_once(client, world, observation):
    client.force_login(world.lead_english)
    url = reverse("practice:note", args=[observation.pk])
    data = {"uuid": str(uuid.uuid4()), "kind": "seen", "text": "Pairs talk."}
    first = client.post(url, data, headers={"accept": "application/json"})
    again = client.post(url, data, headers={"accept": "application/json"})
    assert (first.json()["created"], again.json()["created"]) == (True, False)
    assert Note.objects.count() == 1


def test_a_note_sent_as_json_comes_back_as_the_page_shows_it(client, world, observation):
    client.force_login(world.lead_english)
    url = reverse("practice:note", args=[observation.pk])
    data = {"uuid": str(uuid.uuid4()), "kind": "wonder", "text": "Pairs talk."}
    note = client.post(url, data, headers={"accept": "application/json"}).json()["note"]
    stored = Note.objects.get()
    assert note["uuid"] == str(stored.uuid)
    assert (note["text"], note["kind"]) == ("Pairs talk.", "What do we wonder?")
    assert note["author"] == world.lead_english.get_full_name()
    assert note["change_url"] == reverse("practice:note_edit", args=[observation.pk, stored.pk])


def test_the_observation_page_offers_the_checklist_and_forms_to_an_observer(
    client, world, observation
):
    client.force_login(world.lead_english)
    page = client.get(reverse("practice:observation", args=[observation.pk])).content.decode()
    assert observation.look_fors().first().shown_text in page
    assert "js/observe.js" in page
    assert "Leave judgements" in page


def test_a_file_of_the_wrong_type_is_refused_with_a_message_and_nothing_saved(
    client, world, observation
):
    client.force_login(world.lead_english)
    response = client.post(reverse("practice:photo_new", args=[observation.pk]), {
        "uuid": str(uuid.uuid4()), "photo": SimpleUploadedFile("work.jpg", b"GIF89a fake"),
    })  # fmt: skip
    assert response.status_code == 400
    assert "not a JPEG or PNG photo or a PDF" in response.content.decode()
    assert not observation.photos.exists()


def test_the_host_reads_the_feedback_meant_for_them(client, world, observation):
    client.force_login(world.lead_english)
    client.post(reverse("practice:debrief", args=[observation.pk]), {
        "team-describe": "Pairs quoted the text.", "own-will_try": "Sentence stems",
        "own-for_host": "Your wait time let Ben answer.",
    })  # fmt: skip
    client.force_login(world.teacher_a)
    page = client.get(reverse("practice:debrief", args=[observation.pk])).content.decode()
    assert "Your wait time let Ben answer." in page
    assert "Sentence stems" in page
    client.force_login(world.coach_a)
    page = client.get(reverse("practice:debrief", args=[observation.pk])).content.decode()
    assert "Sentence stems" in page
    assert "Your wait time" not in page
