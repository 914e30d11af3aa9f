"""A note that reads as a judgement gets a gentle hint, never a refusal."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from efficacy.practice.models import Note
from efficacy.practice.wording import reads_as_judgement

HINT = "Describe what you saw or heard: who said or did what?"


@pytest.mark.parametrize("text", [
    "Great questioning.", "The pacing was poor", "She SHOULD wait longer.",
    "Très bonne relance.", "L'enseignante devrait attendre.", "Activité géniale",
])  # fmt: skip
def test_a_judgement_in_english_or_french_is_noticed(text):
    assert reads_as_judgement(text)


@pytest.mark.parametrize("text", [
    "Ava asks Ben: why do you think he lied?", "Goodwin reads line 4.",
    "Twelve students raise a hand.", "Bienvenue: l'élève lit la consigne.",
])  # fmt: skip
def test_a_description_is_left_alone(text):
    assert not reads_as_judgement(text)


@pytest.mark.django_db
def test_a_judgement_is_stored_and_the_page_shows_the_hint(client, world, observation):
    client.force_login(world.lead_english)
    url = reverse("practice:note", args=[observation.pk])
    data = {"uuid": str(uuid.uuid4()), "kind": "seen", "text": "Great lesson."}
    page = client.post(url, data, follow=True).content.decode()
    assert Note.objects.get().text == "Great lesson."
    assert HINT in page


@pytest.mark.django_db
def test_a_description_gets_no_hint_and_json_says_which(client, world, observation):
    client.force_login(world.lead_english)
    url = reverse("practice:note", args=[observation.pk])
    plain = {"uuid": str(uuid.uuid4()), "kind": "seen", "text": "Ava quotes line 4."}
    assert HINT not in client.post(url, plain, follow=True).content.decode().split("<form")[0]
    judged = {"uuid": str(uuid.uuid4()), "kind": "seen", "text": "Excellent work."}
    answer = client.post(url, judged, headers={"accept": "application/json"}).json()
    assert answer["hint"] == HINT
