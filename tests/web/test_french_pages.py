"""Pages and messages in French for a person who chose French."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from efficacy.cycles.plan.services import cycle_create


@pytest.fixture
def french(client):
    """A browser whose language cookie says French (what the footer's switcher sets)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # Fixtures build records in English; only the requests are French.
    with translation.override("en"):
        yield


def text_of(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_a_service_refusal_reaches_the_form_in_french(french, world):
    french.force_login(world.leader_a)
    response = french.post(
        reverse("roster:team_new", args=[world.school_a.pk]),
        {"name": "Grade 9 English", "kind": "grade", "description": ""},
    )
    body = text_of(response)
    assert "Northview Secondary a déjà une équipe appelée «\u00a0Grade 9 English\u00a0»" in body
    assert "already has a team" not in body


def test_a_form_keeps_what_was_typed_when_it_answers_in_french(french, world):
    french.force_login(world.leader_a)
    response = french.post(
        reverse("roster:team_new", args=[world.school_a.pk]),
        {"name": "Grade 9 English", "kind": "grade", "description": "Lecture en 9e année"},
    )
    assert "Lecture en 9e année" in text_of(response)


def test_the_cycle_page_is_french(french, world):
    cycle = cycle_create(
        user=world.lead_english,
        team=world.team_english,
        title="Inférence en 9e année",
        problem_of_practice="Les élèves ont du mal à inférer.",
        focus={"grades": ["09"], "pathways": ["applied"]},
        comparison={},
        mastery_goal="Inférer à partir de textes.",
        start_date=dt.date(2024, 9, 15),
        end_date=dt.date(2024, 12, 15),
    )
    french.force_login(world.lead_english)
    body = text_of(french.get(reverse("cycles:detail", args=[cycle.pk])))
    assert '<html lang="fr">' in body
    assert "Étapes du cycle" in body
    assert "Planification" in body  # the status label, from the model's choices
    assert "Mesures et moments d'évaluation" in body
    assert "Steps of the cycle" not in body


def test_the_team_page_lists_its_cycles_with_french_dates(french, world):
    cycle_create(
        user=world.lead_english,
        team=world.team_english,
        title="Inférence en 9e année",
        start_date=dt.date(2024, 9, 15),
        end_date=dt.date(2024, 12, 15),
    )
    french.force_login(world.lead_english)
    body = text_of(french.get(reverse("front:team", args=[world.team_english.pk])))
    assert "Cycles d'enquête de cette équipe" in body
    # Django's French date format, not an English pattern with a capitalised abbreviation.
    assert "15 septembre 2024 – 15 décembre 2024" in body
    assert "Déc" not in body
    assert "Dec" not in body


def test_the_impact_panel_is_french_and_its_chart_keeps_dot_decimals(
    french, world, settings, cycle, enter_rubric_scores
):
    # Four students only: lower the reporting threshold so every figure is shown.
    settings.EFFICACY_MIN_STUDENT_N = 2
    # The focus group's final scores differ: with every one the same, d_av is not shown.
    enter_rubric_scores(
        {world.ava: (1, 3), world.ben: (2, 2), world.chloe: (2, 3), world.dev: (3, 3)}
    )
    french.force_login(world.lead_english)
    body = text_of(french.get(reverse("cycles:impact_panel", args=[cycle.pk])))
    assert "Progression du groupe cible" in body
    assert "Taille d'effet avant/après (d_av)\u00a0:" in body
    assert "Par rapport au groupe de comparaison" in body
    # The analysis library's caveats and methods arrive translated too.
    assert "lisez l'estimation comme un ordre de grandeur" in body
    assert "read the estimate as a rough guide" not in body
    assert "Growth of the focus group" not in body
    # French writes 1,50 for numbers people read (the focus group's baseline mean)...
    assert "1,50" in body
    # ...but SVG coordinates must stay 2.5, or the chart breaks.
    chart = body[body.index("<svg") : body.index("</svg>")]
    coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|cx|cy)="([^"]*)"', chart)
    assert coordinates
    assert [c for c in coordinates if "," in c] == []


def test_the_mastery_verdict_writes_its_numbers_the_french_way(
    world, cycle, enter_rubric_scores, settings
):
    from efficacy.cycles.stories.mastery import goal_met

    settings.EFFICACY_MIN_STUDENT_N = 2  # the verdict's wording, on the test school's two students
    enter_rubric_scores({world.ava: (1, 3), world.ben: (2, 3)})  # gains 2 and 1: mean 1.5
    with translation.override("fr"):
        reason = goal_met(cycle).reason
    assert reason.startswith("Gain moyen de 1,50 ")
    assert "1.50" not in reason


def test_the_shipped_strategy_library_reads_in_french_and_a_schools_own_strategy_as_typed(
    french, world
):
    from django.test import Client

    from efficacy.cycles.plan.services import strategy_create

    strategy_create(
        user=world.leader_a,
        school=world.school_a,
        name="Think-pair-share",
        description="Students think alone, then talk in pairs.",
        look_fors=["Every student talks to a partner."],
    )
    url = reverse("cycles:strategy_library", args=[world.school_a.pk])
    french.force_login(world.leader_a)
    body = text_of(french.get(url))
    assert "Rétroaction efficace" in body
    assert "La rétroaction répond à trois questions" in body
    assert "La rétroaction nomme ce qui est réussi" in body  # a look-for
    assert "Effective feedback" not in body
    assert "Think-pair-share" in body  # the school's own, as typed
    assert "Every student talks to a partner." in body

    client = Client()
    client.force_login(world.leader_a)
    english = text_of(client.get(url))
    assert "Effective feedback" in english
    assert "Rétroaction efficace" not in english


def test_the_impact_panels_sentences_are_whole_french_sentences(
    french, world, settings, cycle, enter_rubric_scores
):
    # Sentences once built from fragments ("of", "to", "weeks that is") read as French
    # sentences now, and "SD" is "é.-t." (écart-type).
    settings.EFFICACY_MIN_STUDENT_N = 2
    # The focus group's final scores differ: with every one the same, d_av is not shown.
    enter_rubric_scores(
        {world.ava: (1, 3), world.ben: (2, 2), world.chloe: (2, 3), world.dev: (3, 3)}
    )
    french.force_login(world.lead_english)
    html = text_of(french.get(reverse("cycles:impact_panel", args=[cycle.pk])))
    body = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "n = 2 élèves du groupe cible ayant un résultat" in body
    assert "semaines de ce cycle, cela donne" in body
    assert "IC à 95 % de" in body
    for english in (" SD)", "weeks that is", "95% CI", " to ", "focus and"):
        assert english not in body, english
