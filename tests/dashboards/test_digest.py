"""The weekly digest: only to people who asked, once a week, in their language, and never
when nothing is due."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation

from efficacy.cycles.plan.services import milestone_create
from efficacy.dashboards.digest import digest_send
from efficacy.dashboards.models import DigestSubscription
from efficacy.dashboards.todo import MILESTONE_HORIZON

pytestmark = pytest.mark.django_db

SITE = "https://efficacy.example.org"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def due_soon():
    return timezone.localdate() + dt.timedelta(days=3)


@pytest.fixture
def milestones(world, cycle, due_soon):
    """A milestone due in three days for teacher_a and for teacher_a2 (made a member)."""
    world.team_english.memberships.create(user=world.teacher_a2, role="member")
    for owner in (world.teacher_a, world.teacher_a2):
        milestone_create(user=world.lead_english, cycle=cycle, title=f"Read {owner.username}",
                         owner=owner, due_date=due_soon)  # fmt: skip


def subscribe(user, language: str = "") -> None:
    DigestSubscription.objects.create(user=user, weekly=True)
    if language:
        user.language = language
        user.save()


def send_digests(*args: str) -> str:
    out = io.StringIO()
    call_command("send_digests", "--site-url", SITE, *args, stdout=out)
    return out.getvalue()


def test_only_people_who_asked_get_the_digest_and_once_a_week(world, milestones):
    subscribe(world.teacher_a)
    DigestSubscription.objects.create(user=world.teacher_a2, weekly=False)  # said no
    assert send_digests() == "1 digest queued.\n"
    [message] = mail.outbox
    assert message.to == [world.teacher_a.email]
    assert "Read teacher_a" in message.body
    assert "Read teacher_a2" not in message.body
    assert send_digests() == "0 digests queued.\n"
    assert len(mail.outbox) == 1


def test_the_digest_lists_what_is_due_with_links_to_the_site(world, cycle, milestones, due_soon):
    subscribe(world.teacher_a)
    send_digests()
    [message] = mail.outbox
    assert message.subject == "Efficacy: 1 thing to do this week"
    detail = SITE + reverse("cycles:detail", args=[cycle.pk]) + "#plan"
    assert "Complete the milestone: Read teacher_a" in message.body
    assert detail in message.body
    assert formats.date_format(due_soon, "DATE_FORMAT") in message.body
    assert SITE + reverse("dashboards:digest") in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert f'<a href="{detail}">Complete the milestone: Read teacher_a</a>' in html


def test_a_french_reader_gets_the_digest_in_french(world, milestones, due_soon):
    subscribe(world.teacher_a, language="fr")
    send_digests()
    [message] = mail.outbox
    with translation.override("fr"):
        french_date = formats.date_format(due_soon, "DATE_FORMAT")
    with translation.override("en"):
        english_date = formats.date_format(due_soon, "DATE_FORMAT")
    assert french_date != english_date
    assert french_date in message.body
    assert english_date not in message.body
    [(html, _kind)] = message.alternatives
    assert '<html lang="fr">' in html


def test_nothing_is_sent_when_nothing_is_due(world, cycle):
    subscribe(world.teacher_a)
    milestone_create(user=world.lead_english, cycle=cycle, title="Far away", owner=world.teacher_a,
                     due_date=timezone.localdate() + MILESTONE_HORIZON * 3)  # fmt: skip
    assert send_digests() == "1 digest queued.\n"
    assert mail.outbox == []
    # The week is not used up: once something is due, the next run writes.
    assert DigestSubscription.objects.get(user=world.teacher_a).last_sent_at is None


def test_a_dry_run_counts_and_sends_nothing(world, milestones):
    subscribe(world.teacher_a)
    subscribe(world.teacher_a2)
    assert send_digests("--dry-run") == "2 digests would be queued (dry run).\n"
    assert mail.outbox == []


def test_a_digest_goes_again_after_six_days_and_not_before(world, milestones):
    subscribe(world.teacher_a)
    now = timezone.now()
    assert digest_send(user=world.teacher_a, base_url=SITE, now=now)
    assert not digest_send(user=world.teacher_a, base_url=SITE, now=now + dt.timedelta(days=5))
    assert digest_send(user=world.teacher_a, base_url=SITE, now=now + dt.timedelta(days=6))
    assert len(mail.outbox) == 2


def test_inactive_or_addressless_people_get_none(world, milestones):
    subscribe(world.teacher_a)
    subscribe(world.teacher_a2)
    world.teacher_a.is_active = False
    world.teacher_a.save()
    world.teacher_a2.email = ""
    world.teacher_a2.save()
    assert send_digests() == "0 digests queued.\n"
    assert not digest_send(user=world.teacher_a, base_url=SITE)
    assert mail.outbox == []


def test_a_mail_server_failure_gives_the_week_back(world, milestones, monkeypatch):
    subscribe(world.teacher_a)

    def refuse(self, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert not digest_send(user=world.teacher_a, base_url=SITE)
    assert DigestSubscription.objects.get(user=world.teacher_a).last_sent_at is None


def test_the_command_documents_its_cron_line():
    from efficacy.dashboards.management.commands.send_digests import Command

    assert "0 7 * * MON cd /srv/efficacy && .venv/bin/efficacy send_digests" in Command.help
