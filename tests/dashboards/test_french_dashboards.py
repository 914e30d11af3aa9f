"""Every word of the dashboards goes through translation, so French leaves no English.

A pseudo-language wraps whatever passes through gettext in ⟦ ⟧ (as the impact panel's
test does): on each dashboard, the words outside the marks may only be names from the
roster and the cycles (schools, teams, people, cycles, measures), numbers and marks.
Then the same pages in French hold none of their English headings.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from efficacy.cycles.models import InquiryCycle, Measure, Occasion
from efficacy.roster.models import School, SchoolClass, Team, User
from tests.dashboards.test_school import _closed

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_cycles(world):
    _closed(world, "Inference", 0.6, 0.3, 0.9)
    _closed(world, "Fractions", 0.4, 0.1, 0.7, team=world.team_math)
    _closed(world, "Ratios", 0.2, -0.1, 0.5, team=world.team_math)


def pages(world):
    return {
        "leader_a": [
            reverse("dashboards:school", args=[world.school_a.pk]),
            reverse("dashboards:team", args=[world.team_english.pk]),
            reverse("dashboards:reports", args=[world.school_a.pk]),
        ],
        "analyst": [reverse("dashboards:district")],
        "teacher_a": [reverse("home"), reverse("dashboards:digest")],
    }


def names_in_the_world() -> set[str]:
    words: set[str] = set()
    texts = [
        *School.objects.values_list("name", flat=True),
        *Team.objects.values_list("name", flat=True),
        *SchoolClass.objects.values_list("title", flat=True),
        *InquiryCycle.objects.values_list("title", flat=True),
        *Measure.objects.values_list("name", flat=True),
        *Occasion.objects.values_list("name", flat=True),
        *User.objects.values_list("first_name", flat=True),
        *User.objects.values_list("last_name", flat=True),
        *User.objects.values_list("username", flat=True),
    ]
    for text in texts:
        words.update(re.split(r"[\s:·,()]+", text or ""))
    return words | {"Efficacy", "English", "Français", "CSV", "XLSX", "PDF", "n", "k", "g"}


def outside_translation(html: str) -> set[str]:
    body = html[html.index('<main id="main"') : html.index("</main>")]
    body = re.sub(r"<svg.*?</svg>", "", body, flags=re.S)
    body = re.sub(r"<(select|option)[^>]*>.*?</\1>", "", body, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", body))
    while "⟦" in text:  # nested marks count as one
        text = re.sub(r"⟦[^⟦⟧]*⟧", " ", text)
    return set(re.sub(r"[\s\d.,:;%()\[\]→·⊘⚠✓✗●■◆=+\-–—…“”«»'/]+", " ", text).split())


def test_every_word_of_the_dashboards_goes_through_translation(
    monkeypatch, client, world, closed_cycles
):
    from django.utils import translation as django_translation

    real_gettext = django_translation._trans.gettext
    real_ngettext = django_translation._trans.ngettext
    monkeypatch.setattr(django_translation._trans, "gettext", lambda m: f"⟦{real_gettext(m)}⟧")
    monkeypatch.setattr(
        django_translation._trans,
        "ngettext",
        lambda s, p, n: f"⟦{real_ngettext(s, p, n)}⟧",
    )
    names = names_in_the_world()
    for person, urls in pages(world).items():
        client.force_login(getattr(world, person))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            leftover = outside_translation(response.content.decode()) - names
            assert not leftover, (url, sorted(leftover))


def test_the_dashboards_in_french_keep_none_of_their_english_headings(client, world, closed_cycles):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    english = {
        "How to read this",
        "Every team's cycles",
        "Impact of each closed cycle",
        "Collective efficacy",
        "What to do next",
        "Data table",
        "Download:",
    }
    for person, urls in pages(world).items():
        client.force_login(getattr(world, person))
        for url in urls:
            with translation.override("en"):
                html = unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
            assert '<html lang="fr">' in html, url
            assert not {words for words in english if words in html}, url
