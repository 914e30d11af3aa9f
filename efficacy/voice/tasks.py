"""Background work of the voice app: survey reminders (django-tasks).

A worker runs these (``efficacy worker``). A leader's "Remind" only records
the day and queues :func:`survey_remind_task` (see
:func:`efficacy.voice.services.surveys.survey_remind`): who has not answered,
how many they are and whether the mail server takes the messages are known only
here, away from the leader's request, so neither the time the button takes nor
an error on the page can tell a running count (DESIGN.md, principle 3).
"""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from efficacy import privacy
from efficacy.roster.models import Status, User
from efficacy.voice.models import SurveyWindow

logger = logging.getLogger(__name__)


@task()
def survey_remind_task(*, window_id: int, base_url: str = "") -> None:
    """E-mail a reminder to every invited, active person who has not answered ``window_id``.

    Each person gets a message of their own (no list of recipients), in the
    site's language (accounts do not record one). Nothing goes if the window is
    gone or no longer open when the worker runs. A message the mail server
    refuses is logged without its address (the log would otherwise name who has
    not answered); the task returns nothing, so its stored result holds no count.
    """
    window = SurveyWindow.objects.select_related("school").filter(pk=window_id).first()
    if window is None or not window.is_open(window.school.today()):
        return
    waiting = User.objects.filter(
        survey_invitations__window=window,
        survey_invitations__answered=False,
        status=Status.ACTIVE,
        is_active=True,
    ).exclude(email="")
    link = base_url.rstrip("/") + reverse("voice:survey_answer", args=[window.pk])
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "window": window,
            "link": link,
            "closes_on": window.closes_on,
            "threshold": privacy.min_staff_n(),
        }
        # A subject is one line, whatever the template's line ends.
        subject = " ".join(render_to_string("voice/survey_reminder_subject.txt", context).split())
        body = render_to_string("voice/survey_reminder_email.txt", context)
    messages = [EmailMessage(subject, body, to=[person.email]) for person in waiting]
    if not messages:
        return
    failed = False
    connection = get_connection()
    try:
        connection.open()
        for message in messages:
            try:
                connection.send_messages([message])
            except OSError:  # smtplib's errors are OSErrors; the others still go
                failed = True
    except OSError:  # the server could not be reached at all
        failed = True
    finally:
        with contextlib.suppress(OSError):
            connection.close()
    if failed:
        logger.warning("some reminders of survey window %s could not be sent", window.pk)
