"""Pages and messages in French for a person who chose French."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.conf import settings
from django.test import Client
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
    url = reverse("front:team", args=[world.team_english.pk])
    body = text_of(french.get(url))
    assert "Cycles d'enquête de cette équipe" in body
    # The short French form with a lowercase abbreviated month ("déc."), not "15 Déc 2024"
    # from Django's capitalised "M" nor the long "15 décembre 2024".
    assert "15 sept. 2024 – 15 déc. 2024" in body
    assert "Déc" not in body
    assert "décembre" not in body
    assert "Dec" not in body

    english = Client()
    english.force_login(world.lead_english)
    assert "Sept. 15, 2024 – Dec. 15, 2024" in text_of(english.get(url))


def test_a_milestones_due_date_reads_in_short_french(french, world):
    from efficacy.cycles.plan.services import milestone_create

    cycle = cycle_create(user=world.lead_english, team=world.team_english, title="Inférence")
    milestone_create(
        user=world.lead_english, cycle=cycle, title="Bilan", due_date=dt.date(2026, 12, 7)
    )
    french.force_login(world.lead_english)
    body = text_of(french.get(reverse("cycles:detail", args=[cycle.pk])))
    assert '<time datetime="2026-12-07">7 déc. 2026</time>' in body


@pytest.fixture
def french_impact_panel(french, world, settings, cycle, enter_rubric_scores) -> str:
    """The cycle's impact panel as its lead reads it in French, with rubric scores for
    the world's four grade 9 students."""
    # Four students only: lower the reporting threshold so every figure is shown.
    settings.EFFICACY_MIN_STUDENT_N = 2
    # The focus group's final scores differ: with every one the same, d_av is not shown.
    enter_rubric_scores(
        {world.ava: (1, 3), world.ben: (2, 2), world.chloe: (2, 3), world.dev: (3, 3)}
    )
    french.force_login(world.lead_english)
    return text_of(french.get(reverse("cycles:impact_panel", args=[cycle.pk])))


def test_the_impact_panel_is_french_and_its_chart_keeps_dot_decimals(french_impact_panel):
    body = french_impact_panel
    assert "Progression du groupe cible" in body
    assert "Élèves n'ayant qu'un des deux résultats" in body
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
    enter_rubric_scores({world.ava: (1, 3), world.ben: (2, 2)})
    with translation.override("fr"):
        reason = goal_met(cycle).reason
    # The cycle's 13 weeks of 40 at 0.40 a year: 0.13 expected.
    assert reason.startswith("Progression de ")
    assert "contre 0,13 attendus" in reason
    assert "0.13" not in reason


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


def test_the_impact_panels_sentences_are_whole_french_sentences(french_impact_panel):
    # Sentences once built from fragments ("of", "to", "weeks that is") read as French
    # sentences now, and "SD" is "é.-t." (écart-type).
    body = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", french_impact_panel))
    assert "n = 2 élèves du groupe cible ayant un résultat" in body
    for english in (" SD)", "weeks that is", "95% CI", " to ", "focus and"):
        assert english not in body, english


def test_every_word_of_the_impact_panel_goes_through_translation(
    monkeypatch, client, world, settings, cycle, enter_rubric_scores
):
    """A pseudo-language wraps whatever passes through gettext in ⟦ ⟧: the panel's words
    (its "how to read this" texts, headlines, run-chart reading) are all inside, so that
    the catalogue can carry them into French; only numbers, names and marks are outside."""
    from django.utils import translation as django_translation

    settings.EFFICACY_MIN_STUDENT_N = 2
    enter_rubric_scores(
        {world.ava: (1, 3), world.ben: (2, 3), world.chloe: (2, 3), world.dev: (3, 3)}
    )
    real = django_translation._trans.gettext
    monkeypatch.setattr(django_translation._trans, "gettext", lambda message: f"⟦{real(message)}⟧")
    client.force_login(world.lead_english)
    html = text_of(client.get(reverse("cycles:impact_panel", args=[cycle.pk])))
    panel = html[html.index('<div class="impact-panel">') :]
    panel = re.sub(r"<svg.*?</svg>", "", panel, flags=re.S)
    panel = re.sub(r"<(select|option)[^>]*>.*?</\1>", "", panel, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", panel)
    # Nested marks (a translated sentence holding a translated word) count as one.
    while "⟦" in text:
        text = re.sub(r"⟦[^⟦⟧]*⟧", " ", text)
    leftover = re.sub(r"[\s\d.,:;%()→·⊘⚠✓✗●■=\-–—…“”'/]+", " ", text)
    names = {"Inference", "rubric", "Baseline", "Final", "English", "Applied", "n"}
    assert set(leftover.split()) <= names, sorted(set(leftover.split()) - names)


def test_the_impact_panel_says_in_french_why_a_figure_is_empty(
    french, world, settings, cycle, enter_rubric_scores
):
    # The analysis library words these in English for the command line; the panel
    # translates them by their code.
    settings.EFFICACY_MIN_STUDENT_N = 2
    enter_rubric_scores({world.ava: (1, 3)})  # one focus student: no pre/post effect
    french.force_login(world.lead_english)
    url = reverse("cycles:impact_panel", args=[cycle.pk])
    body = text_of(french.get(url))
    assert (
        "Moins de deux élèves du groupe cible ont à la fois un résultat au point de départ et "
        "un résultat final à cette mesure" in body
    )
    assert "student(s)" not in body

    # Every final score the same: no effect in SD units; the focus group in one class.
    enter_rubric_scores({world.ben: (2, 3), world.chloe: (2, 3), world.dev: (3, 3)})
    body = text_of(french.get(url))
    assert "Dans chaque groupe, tous les élèves ont le même résultat" in body
    assert "tous dans la même classe" in body
    for english in ("zero variance", "null model", "cluster"):
        assert english not in body, english


def test_an_upload_problem_writes_its_numbers_the_french_way(
    french, world, cycle, rubric, immediate_tasks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = "student,class,measure,occasion,score\n" + "x" * 10_001 + ",,Inference rubric,B,1\n"
    french.force_login(world.lead_english)
    response = french.post(
        reverse("cycles:upload", args=[cycle.pk]),
        {"file": SimpleUploadedFile("scores.csv", content.encode())},
        follow=True,
    )
    body = text_of(response)
    # "10 001", not "10,001": French groups thousands with a (non-breaking) space.
    assert (
        "la valeur compte 10\u00a0001 caractères, plus que la limite de 10\u00a0000 (raccourcissez-la)"
        in body
    )
    assert "10,001" not in body


def test_a_roster_problem_names_the_missing_record_in_a_french_sentence(
    french, world, settings, tmp_path
):
    import copy

    from django.core.files.uploadedfile import SimpleUploadedFile

    from efficacy.roster.oneroster.generate import export_write
    from tests.roster.conftest import base_files

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    files = copy.deepcopy(base_files())
    files["classes"][0]["courseSourcedId"] = "c-missing"
    files["classes"][0]["schoolSourcedId"] = "s-missing"
    export = export_write(tmp_path / "export.zip", version="1.1", files=files, as_zip=True)
    french.force_login(world.district_admin)
    response = french.post(
        reverse("roster:import"),
        {"export": SimpleUploadedFile("export.zip", export.read_bytes())},
        follow=True,
    )
    body = text_of(response)
    # Whole sentences, so the article and the agreement are French ("au cours", "importée").
    assert (
        "fait référence au cours 'c-missing', qui n'est ni dans courses.csv ni déjà importé" in body
    )
    assert (
        "fait référence à l'école 's-missing', qui n'est ni dans orgs.csv ni déjà importée" in body
    )


def test_a_roster_import_run_by_the_worker_reports_in_the_uploaders_language(
    french, world, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tasks import default_task_backend

    from efficacy.roster.models import ImportRun
    from efficacy.roster.oneroster.generate import export_write
    from efficacy.roster.tasks import roster_import_run
    from tests.roster.conftest import base_files

    # Queued, not run: the worker picks it up later, in a process with no request's language.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    files = base_files()
    files["classes"][0]["courseSourcedId"] = "c-missing"
    export = export_write(tmp_path / "export.zip", version="1.1", files=files, as_zip=True)
    french.force_login(world.district_admin)
    french.post(
        reverse("roster:import"), {"export": SimpleUploadedFile("export.zip", export.read_bytes())}
    )
    (queued,) = default_task_backend.results
    with translation.override("en"):
        roster_import_run.call(*queued.args, **queued.kwargs)

    run = ImportRun.objects.get()
    body = text_of(french.get(reverse("roster:import_run", args=[run.pk])))
    assert "fait référence au cours 'c-missing'" in body
    assert "refers to course" not in body
