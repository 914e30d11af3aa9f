"""The weekly digest: one e-mail a week listing what is due for a person who asked for it.

What it lists is :func:`efficacy.dashboards.todo.todo_for`, the same list as the
person's home page, so it names nothing they could not see there. It is written in
the person's language (``User.language``, else the site's). Nothing goes in a week
when nothing is due, nor to someone who did not opt in (:class:`DigestSubscription`).

The operator's schedule runs ``efficacy send_digests`` (a cron line, see the README),
which queues :func:`efficacy.dashboards.tasks.digest_send_task` for each subscribed
person not written to in the last :data:`RESEND_AFTER`; the worker's task claims the
week with a conditional update before sending, so a schedule that runs twice, or two
tasks for one person, send one e-mail.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from efficacy.access.roster import is_active_account
from efficacy.dashboards.models import DigestSubscription
from efficacy.dashboards.todo import Todo, todo_for
from efficacy.roster.models import Status, User
from efficacy.roster.selectors import time_zone_of
from efficacy.roster.services import account_language_set
from efficacy.roster.time import zone

logger = logging.getLogger(__name__)

#: A digest goes at most once in this long (a week, less a day for a late schedule).
RESEND_AFTER = dt.timedelta(days=6)


def is_subscribed(user: User) -> bool:
    return DigestSubscription.objects.filter(user=user, weekly=True).exists()


@transaction.atomic
def digest_settings_set(*, user: User, weekly: bool, language: str) -> DigestSubscription:
    """A person's own choice: the weekly digest on or off, and their language."""
    account_language_set(account=user, language=language)
    subscription, _created = DigestSubscription.objects.update_or_create(
        user=user, defaults={"weekly": weekly}
    )
    return subscription


def subscribers_due(*, now: dt.datetime) -> QuerySet[User]:
    """Active people with an e-mail address who asked for the digest and were not sent
    one in the last :data:`RESEND_AFTER`."""
    recent = Q(digest_subscription__last_sent_at__gt=now - RESEND_AFTER)
    return (
        User.objects.filter(digest_subscription__weekly=True, is_active=True, status=Status.ACTIVE)
        .exclude(email="")
        .exclude(recent)
        .order_by("pk")
    )


def site_url() -> str:
    """The site's address for the links of a message written away from any request: the
    first of ``CSRF_TRUSTED_ORIGINS`` (a server's own origin), else the first host of
    ``ALLOWED_HOSTS``."""
    if settings.CSRF_TRUSTED_ORIGINS:
        return settings.CSRF_TRUSTED_ORIGINS[0]
    hosts = [host for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]
    return f"http://{hosts[0].lstrip('.')}" if hosts else "http://localhost:8000"


def digest_language(user: User) -> str:
    """The language of a person's e-mails: theirs if they chose one, else the site's."""
    return user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def digest_message(user: User, *, today: dt.date, base_url: str) -> EmailMultiAlternatives | None:
    """The person's digest as an e-mail (text and HTML), or ``None`` when nothing is due
    or they cannot receive one."""
    if not is_active_account(user) or not user.is_active or not user.email:
        return None
    todo: Todo = todo_for(user, today=today, with_places=False)
    if not todo:
        return None
    base = base_url.rstrip("/")
    with translation.override(digest_language(user)):
        context = {
            "person": user,
            "todo": todo,
            "today": today,
            "items": [(item, base + item.url) for item in todo.items],
            "home_url": base + reverse("home"),
            "settings_url": base + reverse("dashboards:digest"),
        }
        n = len(todo.items)
        subject = ngettext(
            "Efficacy: %(n)d thing to do this week", "Efficacy: %(n)d things to do this week", n
        ) % {"n": n}
        text = render_to_string("dashboards/email/digest.txt", context)
        html = render_to_string("dashboards/email/digest.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def digest_send(*, user: User, base_url: str, now: dt.datetime | None = None) -> bool:
    """Send a subscribed person's digest unless nothing is due or one went in the last
    :data:`RESEND_AFTER`; ``True`` when it went."""
    now = now or timezone.now()
    # No request here: the person's dates and times are their school's (or district's).
    with timezone.override(zone(time_zone_of(user))):
        message = digest_message(user, today=timezone.localdate(now), base_url=base_url)
    if message is None:
        return False
    subscription = DigestSubscription.objects.filter(user=user, weekly=True).first()
    if subscription is None:
        return False
    previous = subscription.last_sent_at
    claimed = (
        DigestSubscription.objects.filter(pk=subscription.pk, weekly=True)
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - RESEND_AFTER))
        .update(last_sent_at=now)
    )
    if not claimed:
        return False
    try:
        message.send()
    except OSError:  # smtplib's errors: the week is given back, for the next run
        DigestSubscription.objects.filter(pk=subscription.pk, last_sent_at=now).update(
            last_sent_at=previous
        )
        logger.warning("the weekly digest of account %s could not be sent", user.pk)
        return False
    return True
