"""The teacher home: what to do next first, then the trust prompt, classes and teams; the
digest settings page it links to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from efficacy.cycles.models import CycleStatus
from efficacy.cycles.plan.services import milestone_create
from efficacy.dashboards.models import DigestSubscription
from efficacy.practice.services import ActionDraft, meeting_record

pytestmark = pytest.mark.django_db


def home_of(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("person", "lands_on"),
    [
        ("leader_a", lambda w: reverse("dashboards:school", args=[w.school_a.pk])),
        ("analyst", lambda w: reverse("dashboards:district")),
        ("admin_a", lambda w: reverse("roster:import")),
    ],
)
def test_leaders_analysts_and_administrators_land_where_they_work(client, world, person, lands_on):
    client.force_login(getattr(world, person))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == lands_on(world)


def test_what_to_do_next_heads_the_page_with_the_overdue_first(client, world, cycle):
    today = timezone.localdate()
    cycle.status = CycleStatus.IMPLEMENTING
    cycle.save()
    meeting_record(
        user=world.lead_english, cycle=cycle, date=today - dt.timedelta(days=9),
        attendees=[world.teacher_a],
        actions=[ActionDraft("Share the anchor text", owner=world.teacher_a,
                             due_date=today + dt.timedelta(days=3))],
    )  # fmt: skip
    milestone_create(user=world.lead_english, cycle=cycle, title="Pick the mentor texts",
                     owner=world.teacher_a, due_date=today - dt.timedelta(days=2))  # fmt: skip
    page = home_of(client, world.teacher_a)
    section = page.split('id="what-next"')[1].split("</section>")[0]
    assert page.index('id="what-next"') < page.index('id="teams-heading"')
    assert page.index('id="what-next"') < page.index('id="classes-heading"')
    order = [section.index(text) for text in ("Pick the mentor texts", "Share the anchor text",
                                              "Open an exit ticket for English 9 Applied")]  # fmt: skip
    assert order == sorted(order)
    assert section.count('class="overdue"') == 1
    assert "1 thing is overdue: it comes first." in section
    assert "Grade 9 English" in page  # the team
    assert "English 9 Applied" in page.split('id="classes-heading"')[1]


def test_the_home_offers_the_weekly_digest_and_says_when_it_is_on(client, world):
    digest = reverse("dashboards:digest")
    page = home_of(client, world.teacher_a)
    assert f'<a href="{digest}">Get this list by e-mail every Monday</a>' in page
    DigestSubscription.objects.create(user=world.teacher_a, weekly=True)
    assert "You get this list by e-mail on Mondays." in home_of(client, world.teacher_a)


def test_the_account_page_links_to_the_digest_settings(client, world):
    client.force_login(world.teacher_a)
    page = client.get(reverse("account")).content.decode()
    assert reverse("dashboards:digest") in page
    assert "The language of your browser" in page


def test_a_person_turns_the_digest_on_and_off(client, world):
    client.force_login(world.teacher_a)
    url = reverse("dashboards:digest")
    page = client.get(url).content.decode()
    assert 'name="weekly"' in page
    assert '<label for="id_language">' in page
    response = client.post(url, {"weekly": "on", "language": ""})
    assert response.status_code == 302
    assert DigestSubscription.objects.get(user=world.teacher_a).weekly
    assert client.get(url).context["form"].initial["weekly"] is True
    client.post(url, {"language": ""})
    assert not DigestSubscription.objects.get(user=world.teacher_a).weekly


def test_a_language_the_site_does_not_offer_is_refused_with_the_form_kept(client, world):
    client.force_login(world.teacher_a)
    response = client.post(reverse("dashboards:digest"), {"weekly": "on", "language": "xx"})
    assert response.status_code == 400
    assert not DigestSubscription.objects.filter(user=world.teacher_a).exists()
    world.teacher_a.refresh_from_db()
    assert world.teacher_a.language == ""


def test_a_person_without_an_email_address_is_told_no_digest_can_reach_them(client, world):
    world.teacher_a.email = ""
    world.teacher_a.save()
    client.force_login(world.teacher_a)
    assert "no e-mail address" in client.get(reverse("dashboards:digest")).content.decode()
