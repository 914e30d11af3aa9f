"""Reminders: to each person who has not answered, at most once a day, without the
leader learning who or how many. The leader's request only records the day and
queues a background task, which writes to those who have not answered: neither the
time the request takes nor what the mail server does can tell the leader anything."""

from __future__ import annotations

import datetime as dt
import re
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from efficacy.voice.services.surveys import survey_answer, survey_remind, survey_window_close
from efficacy.voice.tasks import survey_remind_task
from tests.voice import survey_fixtures
from tests.voice.survey_fixtures import ALL_FOURS

instrument = survey_fixtures.instrument
survey = survey_fixtures.survey

pytestmark = pytest.mark.django_db

REMIND = "efficacy.voice.tasks.survey_remind_task"
ON_THEIR_WAY = "Reminders are on their way to everyone who has not answered yet."


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def _without_tokens(response) -> str:
    """The page as the leader reads it: each form's CSRF token differs by design."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", page)


def _queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=REMIND))


def _run_queued() -> None:
    """What the worker does: run each queued reminder task."""
    for queued in _queued():
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])


@pytest.fixture
def remind(world, django_capture_on_commit_callbacks):
    """The leader asks for reminders (the task queued once the request commits)."""

    def asking(window, **kwargs) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            survey_remind(user=world.leader_a, window=window, **kwargs)

    return asking


@pytest.fixture
def post_remind(client, world, django_capture_on_commit_callbacks):
    def posting(window):
        client.force_login(world.leader_a)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("voice:survey_remind", args=[window.pk]), follow=True)

    return posting


def test_reminders_go_to_each_invited_person_who_has_not_answered(world, survey, remind):
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    remind(survey, base_url="https://efficacy.example/")
    _run_queued()
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


def test_the_request_itself_sends_no_e_mail_the_task_does(world, survey, post_remind):
    response = post_remind(survey)
    assert ON_THEIR_WAY in response.content.decode()
    assert mail.outbox == []
    assert len(_queued()) == 1
    _run_queued()
    assert len(mail.outbox) == 5


def test_a_deactivated_account_or_one_without_an_address_is_not_written_to(world, survey, remind):
    world.coach_a.is_active = False
    world.coach_a.save()
    world.lead_math.email = ""
    world.lead_math.save()
    remind(survey)
    _run_queued()
    assert _recipients() == {
        "lead_english@example.org",
        "teacher_a@example.org",
        "teacher_a2@example.org",
    }


def test_reminders_go_at_most_once_a_day(world, survey, remind, today):
    remind(survey, today=today)
    with pytest.raises(ValidationError) as refused:
        remind(survey, today=today)
    assert "tomorrow" in " ".join(refused.value.messages)
    assert len(_queued()) == 1
    remind(survey, today=today + dt.timedelta(days=1))
    assert len(_queued()) == 2


def test_two_reminder_posts_the_same_day_queue_one_task(world, survey, post_remind):
    first = post_remind(survey)
    second = post_remind(survey)
    assert len(_queued()) == 1
    assert ON_THEIR_WAY in first.content.decode()
    assert "tomorrow" in second.content.decode()


def test_two_requests_at_once_queue_one_task(world, survey, remind):
    """Both read the window before either recorded the day: the database decides."""
    from efficacy.voice.models import SurveyWindow

    seen_by_first = SurveyWindow.objects.get(pk=survey.pk)
    seen_by_second = SurveyWindow.objects.get(pk=survey.pk)
    remind(seen_by_first)
    with pytest.raises(ValidationError):
        remind(seen_by_second)
    assert len(_queued()) == 1


def test_no_reminder_for_a_closed_window(world, survey, remind):
    survey_window_close(user=world.leader_a, window=survey)
    survey.refresh_from_db()
    with pytest.raises(ValidationError):
        remind(survey)
    assert _queued() == []
    # Nor from a task queued while it was open, run once it has closed.
    survey_remind_task.call(window_id=survey.pk)
    assert mail.outbox == []


def test_only_the_leader_sends_reminders(world, survey, django_capture_on_commit_callbacks):
    for person in (world.teacher_a, world.analyst, world.lead_english):
        with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True):
            survey_remind(user=person, window=survey)
    assert _queued() == []


def test_the_reminder_is_written_in_the_sites_language_whatever_the_leaders(
    world, survey, settings, monkeypatch
):
    from efficacy.voice import tasks

    languages = []
    render = tasks.render_to_string

    def recording(*args, **kwargs):
        languages.append(translation.get_language())
        return render(*args, **kwargs)

    monkeypatch.setattr(tasks, "render_to_string", recording)
    settings.LANGUAGE_CODE = "fr"
    with translation.override("en"):  # the worker's language is not the site's
        survey_remind_task.call(window_id=survey.pk)
    assert languages == ["fr", "fr"]


def test_a_mail_server_that_is_down_does_not_change_the_leaders_answer(
    world, survey, post_remind, monkeypatch, caplog
):
    def down(self, messages):
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    response = post_remind(survey)
    assert ON_THEIR_WAY in response.content.decode()
    _run_queued()  # the failure is the worker's, and goes to the log
    assert mail.outbox == []
    assert "could not be sent" in caplog.text
    assert "@example.org" not in caplog.text  # the log does not say who has not answered


def test_one_refused_address_does_not_stop_the_others(world, survey, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    send = EmailBackend.send_messages

    def refusing(self, messages):
        if messages[0].to == ["lead_math@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"lead_math@example.org": (550, b"no")})
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refusing)
    survey_remind_task.call(window_id=survey.pk)
    assert len(mail.outbox) == 4
    assert "lead_math@example.org" not in _recipients()


def test_the_leader_is_told_only_that_reminders_are_on_their_way(world, survey, post_remind):
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    page = post_remind(survey).content.decode()
    assert ON_THEIR_WAY in page
    for told in ("4", "four", "Nguyen", "Yilmaz", "Diaz", "Singh", "Martin"):
        assert f">{told}<" not in page
        assert f" {told} " not in page
    assert "Reminders went today" in page
    _run_queued()
    assert len(mail.outbox) == 4


def test_the_same_page_whether_everyone_or_no_one_has_answered(world, survey, post_remind):
    first = post_remind(survey)
    for person in (world.coach_a, world.lead_english, world.teacher_a, world.lead_math,
                   world.teacher_a2):  # fmt: skip
        survey_answer(user=person, window=survey, answers=ALL_FOURS)
    survey.reminded_on = None
    survey.save()
    second = post_remind(survey)
    assert _without_tokens(first) == _without_tokens(second)
    assert ON_THEIR_WAY in second.content.decode()
    DBTaskResult.objects.filter(task_path=REMIND).order_by("enqueued_at").first().delete()
    _run_queued()
    assert mail.outbox == []
