"""Reminders: to each person who has not answered, at most once a day, without the
leader learning who or how many."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from efficacy.voice.services.surveys import survey_answer, survey_remind, survey_window_close
from tests.voice import survey_fixtures
from tests.voice.survey_fixtures import ALL_FOURS

instrument = survey_fixtures.instrument
survey = survey_fixtures.survey

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def test_reminders_go_to_each_invited_person_who_has_not_answered(world, survey):
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    survey_remind(user=world.leader_a, window=survey, base_url="https://efficacy.example/")
    assert _recipients() == {
        "coach_a@example.org",
        "lead_english@example.org",
        "lead_math@example.org",
        "teacher_a2@example.org",
    }
    # One message each: no one learns who else was reminded.
    assert all(len(message.to) == 1 and not message.cc and not message.bcc
               for message in mail.outbox)  # fmt: skip
    body = mail.outbox[0].body
    assert f"https://efficacy.example/surveys/{survey.pk}/answer/" in body
    assert "anonymous" in body
    assert "Autumn survey" in mail.outbox[0].subject


def test_a_deactivated_account_or_one_without_an_address_is_not_written_to(world, survey):
    world.coach_a.is_active = False
    world.coach_a.save()
    world.lead_math.email = ""
    world.lead_math.save()
    survey_remind(user=world.leader_a, window=survey)
    assert _recipients() == {
        "lead_english@example.org",
        "teacher_a@example.org",
        "teacher_a2@example.org",
    }


def test_reminders_go_at_most_once_a_day(world, survey):
    survey_remind(user=world.leader_a, window=survey, today=TODAY)
    sent = len(mail.outbox)
    with pytest.raises(ValidationError) as refused:
        survey_remind(user=world.leader_a, window=survey, today=TODAY)
    assert "tomorrow" in " ".join(refused.value.messages)
    assert len(mail.outbox) == sent
    survey_remind(user=world.leader_a, window=survey, today=TODAY + dt.timedelta(days=1))
    assert len(mail.outbox) == 2 * sent


def test_no_reminder_for_a_closed_window(world, survey):
    survey_window_close(user=world.leader_a, window=survey)
    survey.refresh_from_db()
    with pytest.raises(ValidationError):
        survey_remind(user=world.leader_a, window=survey)
    assert mail.outbox == []


def test_only_the_leader_sends_reminders(world, survey):
    for person in (world.teacher_a, world.analyst, world.lead_english):
        with pytest.raises(PermissionDenied):
            survey_remind(user=person, window=survey)
    assert mail.outbox == []


def test_the_reminder_is_written_in_the_sites_language_whatever_the_leaders(
    world, survey, settings, monkeypatch
):
    from efficacy.voice.services import surveys

    languages = []
    render = surveys.render_to_string

    def recording(*args, **kwargs):
        languages.append(translation.get_language())
        return render(*args, **kwargs)

    monkeypatch.setattr(surveys, "render_to_string", recording)
    settings.LANGUAGE_CODE = "fr"
    with translation.override("en"):  # the leader reads English
        survey_remind(user=world.leader_a, window=survey)
    assert languages == ["fr", "fr"]


def test_a_mail_server_that_cannot_be_reached_is_said_and_nothing_is_recorded(
    world, survey, monkeypatch
):
    def down(self, messages):
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    with pytest.raises(ValidationError) as refused:
        survey_remind(user=world.leader_a, window=survey)
    assert "mail server" in " ".join(refused.value.messages)
    survey.refresh_from_db()
    assert survey.reminded_on is None


def test_the_leader_is_told_only_that_reminders_went(client, world, survey):
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    client.force_login(world.leader_a)
    response = client.post(reverse("voice:survey_remind", args=[survey.pk]), follow=True)
    page = response.content.decode()
    assert "Reminders sent." in page
    assert len(mail.outbox) == 4
    for told in ("4", "four", "Nguyen", "Yilmaz", "Diaz", "Singh", "Martin"):
        assert f">{told}<" not in page
        assert f" {told} " not in page
    assert "Reminders went today" in page


def test_the_same_message_whether_everyone_or_no_one_has_answered(client, world, survey):
    client.force_login(world.leader_a)
    first = client.post(reverse("voice:survey_remind", args=[survey.pk]), follow=True)
    for person in (world.coach_a, world.lead_english, world.teacher_a, world.lead_math,
                   world.teacher_a2):  # fmt: skip
        survey_answer(user=person, window=survey, answers=ALL_FOURS)
    survey.reminded_on = None
    survey.save()
    mail.outbox.clear()
    second = client.post(reverse("voice:survey_remind", args=[survey.pk]), follow=True)
    assert mail.outbox == []
    assert "Reminders sent." in first.content.decode()
    assert "Reminders sent." in second.content.decode()
