"""The cycle story as a PDF: a real PDF, the story's content, and no network, ever.

No PDF text extractor is installed, so the PDF's own structure is read here:
WeasyPrint packs its objects into compressed object streams, which zlib
opens; the document information carries the title, the page tree its page
count, and the outline (bookmarks) the headings. The HTML handed to WeasyPrint
is checked for everything else.
"""

from __future__ import annotations

import re
import socket
import zlib

import pytest
from django.urls import reverse

from efficacy.cycles.stories import story
from tests.cycles.test_pages_story import (
    REFLECTION,
    STUDENT_FAMILY,
    STUDENT_GIVEN,
    WORLD_STUDENTS,
    close_with_moment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pdf_made_in_the_request(settings):
    """The worker's task runs at once (tests/cycles/test_story_pdf_worker.py has the queue)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def moment(world, ready_cycle, rubric, baseline, final, rubric_goal):
    return close_with_moment(world, ready_cycle, rubric, baseline, final, rubric_goal=rubric_goal)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def pdf_objects(pdf: bytes) -> bytes:
    """Every stream of the PDF, decompressed where it is Flate-compressed, joined."""
    parts = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            parts.append(match.group(1))
    return b"\n".join(parts)


def pdf_string(raw: bytes) -> str:
    """A PDF text string: ``(literal)`` or ``<feff…>`` UTF-16 hex."""
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode())
        return data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode()
    text = raw[1:-1]
    text = re.sub(rb"\\([()\\])", rb"\1", text)
    return text.decode("latin-1")


def pdf_titles(pdf: bytes) -> list[str]:
    """The document title and the outline's titles, in order."""
    objects = pdf_objects(pdf)
    return [
        pdf_string(m.group(1))
        for m in re.finditer(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9a-fA-F]*>)", objects)
    ]


def pdf_page_count(pdf: bytes) -> int:
    match = re.search(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf_objects(pdf))
    assert match, "no page tree"
    return int(match.group(1))


def get_pdf(client, user, moment):
    client.force_login(user)
    return client.get(reverse("cycles:story_pdf", args=[moment.pk]))


def test_the_pdf_is_a_real_pdf_with_pages_the_title_and_the_storys_headings(
    client, world, moment, no_network
):
    response = get_pdf(client, world.lead_english, moment)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="cycle-story-inference-in-grade-9-applied-english-{moment.pk}.pdf"'
    )
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert pdf_page_count(pdf) >= 1
    titles = pdf_titles(pdf)
    assert "Inference in grade 9 applied English · cycle story" in titles  # the document's
    strategy = moment.cycle.cycle_strategies.get().strategy
    for heading in (
        "Inference in grade 9 applied English",
        "Strategies and the team's decisions",
        strategy.name,
        "The evidence that earned it",
        "What was the impact of each strategy?",
    ):
        assert heading in titles, heading
    assert no_network == []


def test_the_pdf_holds_the_same_story_and_no_student_name(client, world, moment, monkeypatch):
    rendered: list[str] = []
    real_render = story.render_pdf

    def keep_html(html: str) -> bytes:
        rendered.append(html)
        return real_render(html)

    monkeypatch.setattr(story, "render_pdf", keep_html)
    assert get_pdf(client, world.lead_english, moment).status_code == 200
    (html,) = rendered
    assert "It worked in every class." in html
    assert REFLECTION["understanding"] in html
    assert "67%" in html
    assert f'href="{story.PDF_BASE_URL}static/css/story.css"' in html
    assert "<nav" not in html  # no navigation, no forms, no scripts in print
    assert "<form" not in html
    assert "<script" not in html
    for name in [STUDENT_FAMILY, STUDENT_GIVEN, "QF-0", *WORLD_STUDENTS]:
        assert name not in html


def test_the_pdf_needs_the_same_access_as_the_story(client, world, moment):
    assert get_pdf(client, world.teacher_a2, moment).status_code == 404
    assert get_pdf(client, world.teacher_b, moment).status_code == 404


def test_a_pdf_that_cannot_be_made_sends_the_reader_back_to_the_printable_page(
    client, world, moment, monkeypatch
):
    def broken(html: str) -> bytes:
        raise OSError("no fonts")

    monkeypatch.setattr(story, "render_pdf", broken)
    client.force_login(world.lead_english)
    response = client.get(reverse("cycles:story_pdf", args=[moment.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("cycles:story", args=[moment.pk])
    assert "The PDF could not be made just now" in response.content.decode()


# --- the URL fetcher -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/style.css",
        "http://127.0.0.1:8000/static/css/story.css",
        "http://story.efficacy.invalid/static/css/story.css",  # our host, but not https
        "file:///etc/passwd",
        "data:text/css,body{}",
        f"{story.PDF_BASE_URL}static/../settings.py",
        f"{story.PDF_BASE_URL}static/%2e%2e/settings.py",
        f"{story.PDF_BASE_URL}media/upload.csv",
        f"{story.PDF_BASE_URL}static/css/no-such-file.css",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url, no_network):
    with pytest.raises(ValueError, match="Only Efficacy's own static files"):
        story.static_files_fetcher().fetch(url)
    assert no_network == []


def test_the_fetcher_serves_our_own_stylesheet():
    response = story.static_files_fetcher().fetch(story.pdf_static_url("css/story.css"))
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_an_external_image_in_the_storys_html_is_never_fetched(no_network):
    html = (
        "<html><head><title>t</title>"
        '<link rel="stylesheet" href="https://cdn.example.org/x.css"></head>'
        '<body><img src="https://tracker.example.org/pixel.png" alt="">'
        '<img src="file:///etc/hostname" alt=""><p>Story</p></body></html>'
    )
    pdf = story.render_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert no_network == []
