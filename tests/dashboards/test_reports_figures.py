"""The report's figures are the dashboard's: the same pooled estimate and, for each closed
cycle, the same effect and interval text, in the PDF as on the school dashboard's page."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from efficacy.dashboards.models import Report
from tests.dashboards.reports_fixtures import CLOSED, closed_cycles

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return " ".join(text.split())


def page_text(fragment: str) -> str:
    return flat(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def pdf_text(pdf: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def dashboard_figures(content: str) -> dict[str, str]:
    """The pooled sentence and each cycle's growth cell, as the dashboard's page shows them."""
    figures = {}
    pooled = re.search(r'<p class="pooled-sentence">(.*?)</p>', content, re.S)
    assert pooled, "the dashboard shows no pooled estimate"
    figures["pooled"] = page_text(pooled.group(1))
    for row in re.findall(r"<tr>(.*?)</tr>", content, re.S):
        for _team, title, *_rest in CLOSED:
            if f">{title}</a>" in row:
                growth = re.findall(r"<td>(.*?)</td>", row, re.S)[-1]
                # The effect and its interval ("0.62 (0.21 to 1.03)"), before the notes.
                figures[title] = page_text(growth.split("<br>")[0])
    return figures


@pytest.mark.parametrize("kind", ["impact", "board"])
def test_the_pdf_shows_the_dashboards_pooled_estimate_and_each_cycles_effect(
    client, world, settings, kind
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    closed_cycles(world)
    client.force_login(world.leader_a)
    page = client.get(reverse("dashboards:school", args=[world.school_a.pk]))
    figures = dashboard_figures(page.content.decode())
    assert len(figures) == 1 + len(CLOSED)
    assert "0.62" in figures[CLOSED[0][1]]
    client.post(reverse("dashboards:reports", args=[world.school_a.pk]), {"kind": kind})
    report = Report.objects.get()
    text = pdf_text(bytes(report.pdf))
    assert figures["pooled"] in text
    if kind == "impact":  # the board summary has the forest plot only, not the board table
        for _team, title, *_rest in CLOSED:
            assert figures[title] in text, title


def test_the_forest_plot_is_drawn_in_the_pdf(world, settings):
    """WeasyPrint draws efficacy.charts' SVG: the plot's own shortened row labels (which only
    the SVG writes: the data table has the full titles) are in the PDF's text."""
    from efficacy.dashboards import reports

    closed_cycles(world)
    report = Report.objects.create(
        school=world.school_a, kind="board", language="en", requested_by=world.leader_a
    )
    reports.build(report)
    text = pdf_text(bytes(report.pdf))
    assert "Grade 9 English: Inference in…" in text
    assert "All closed cycles (pooled)" in text


def test_the_pdf_has_no_link_to_the_made_up_origin_of_its_static_files(world):
    from efficacy.dashboards import reports

    closed_cycles(world)
    report = Report.objects.create(
        school=world.school_a, kind="impact", language="en", requested_by=world.leader_a
    )
    reports.build(report)
    assert 'href="/' in report.html  # the printable page keeps the site's links
    for page in PdfReader(io.BytesIO(bytes(report.pdf))).pages:
        for annotation in page.get("/Annots") or []:
            assert "/URI" not in annotation.get_object().get("/A", {})
