"""A theme of a cycle's exit-ticket answers attached to the cycle as evidence, and removed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from efficacy.cycles.models import CycleStatus
from efficacy.voice.models import VoiceEvidence
from efficacy.voice.services.tickets import (
    cycle_voice,
    voice_evidence_attach,
    voice_evidence_remove,
)
from tests.voice.tickets_fixtures import FRACTIONS, add_answers, open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(world, cycle):
    ticket = open_ticket(world, cycle=cycle)
    add_answers(ticket, FRACTIONS)
    return ticket


def _stuck_theme(world, cycle, word):
    voice = cycle_voice(cycle, user=world.teacher_a, language="en")
    stuck = next(group for group in voice.themes if group.question == "stuck")
    return next(theme for theme in stuck.themes if word in theme.label)


def test_a_member_attaches_a_theme_with_its_words_examples_and_counts(
    client, world, cycle, answered
):
    theme = _stuck_theme(world, cycle, "common denominator")
    client.force_login(world.teacher_a)
    response = client.post(reverse("voice:ticket_evidence_attach", args=[cycle.pk]), {
        "question": "stuck", "label": theme.label, "note": "Model it twice next week."})  # fmt: skip
    assert response.status_code == 302
    evidence = VoiceEvidence.objects.get()
    assert (evidence.cycle, evidence.question, evidence.label) == (cycle, "stuck", theme.label)
    assert evidence.terms == list(theme.terms)
    assert evidence.examples == list(theme.examples)
    assert (evidence.answer_count, evidence.ticket_count) == (theme.size, 1)
    assert evidence.note == "Model it twice next week."
    assert evidence.attached_by == world.teacher_a
    page = client.get(reverse("voice:ticket_cycle", args=[cycle.pk])).content.decode()
    evidence_part = page.split('id="evidence"')[1]
    assert theme.label in evidence_part
    assert "Model it twice next week." in evidence_part
    assert "Where are you stuck?" in evidence_part


def test_the_evidence_stays_as_read_when_answers_change(world, cycle, answered):
    theme = _stuck_theme(world, cycle, "common denominator")
    evidence = voice_evidence_attach(user=world.lead_english, cycle=cycle, question="stuck",
                                     label=theme.label)  # fmt: skip
    answered.answers.all().delete()
    evidence.refresh_from_db()
    assert evidence.examples == list(theme.examples)


def test_a_theme_that_is_no_longer_there_is_refused_with_a_message(client, world, cycle, answered):
    client.force_login(world.teacher_a)
    response = client.post(reverse("voice:ticket_evidence_attach", args=[cycle.pk]),
                           {"question": "stuck", "label": "nothing like it"}, follow=True)  # fmt: skip
    assert "The themes changed since the page was shown" in response.content.decode()
    assert not VoiceEvidence.objects.exists()


def test_an_unknown_question_is_refused(world, cycle, answered):
    with pytest.raises(ValidationError):
        voice_evidence_attach(user=world.teacher_a, cycle=cycle, question="id", label="x")


def test_attaching_is_for_the_team_and_only_while_the_cycle_is_open(world, cycle, answered):
    theme = _stuck_theme(world, cycle, "word problem")
    with pytest.raises(PermissionDenied):
        voice_evidence_attach(user=world.analyst, cycle=cycle, question="stuck", label=theme.label)
    with pytest.raises(PermissionDenied):
        voice_evidence_attach(
            user=world.lead_math, cycle=cycle, question="stuck", label=theme.label
        )
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    with pytest.raises(ValidationError, match="This cycle is closed"):
        voice_evidence_attach(
            user=world.teacher_a, cycle=cycle, question="stuck", label=theme.label
        )
    assert not VoiceEvidence.objects.exists()


def test_an_editor_or_the_one_who_attached_removes_it_and_nobody_else(
    client, world, cycle, answered
):
    theme = _stuck_theme(world, cycle, "word problem")
    evidence = voice_evidence_attach(user=world.lead_english, cycle=cycle, question="stuck",
                                     label=theme.label)  # fmt: skip
    with pytest.raises(PermissionDenied):
        voice_evidence_remove(user=world.teacher_a, evidence=evidence)
    client.force_login(world.analyst)
    url = reverse("voice:ticket_evidence_remove", args=[evidence.pk])
    assert client.post(url).status_code == 404
    client.force_login(world.teacher_a)
    assert client.post(url).status_code == 403
    client.force_login(world.coach_a)
    assert client.post(url).status_code == 302
    assert not VoiceEvidence.objects.exists()
    mine = voice_evidence_attach(user=world.teacher_a, cycle=cycle, question="stuck",
                                 label=theme.label)  # fmt: skip
    voice_evidence_remove(user=world.teacher_a, evidence=mine)
    assert not VoiceEvidence.objects.exists()


def test_the_attach_buttons_are_offered_to_the_team_while_the_cycle_is_open(
    client, world, cycle, answered
):
    url = reverse("voice:ticket_cycle", args=[cycle.pk])
    client.force_login(world.teacher_a)
    assert "Attach to the cycle as evidence" in client.get(url).content.decode()
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    assert "Attach to the cycle as evidence" not in client.get(url).content.decode()
