"""The teacher's exit-ticket pages: opening one, its code and QR code, closing it early,
its answers (escaped, exported safely), a class over time and a cycle's student voice."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from efficacy.voice.models import ExitTicket, TicketAnswer
from tests.voice.tickets_fixtures import FRACTIONS, add_answers, open_ticket

pytestmark = pytest.mark.django_db


# --- opening --------------------------------------------------------------------------


def test_a_teacher_opens_a_ticket_linked_to_the_teams_cycle(client, world, cycle):
    client.force_login(world.teacher_a)
    response = client.post(reverse("voice:ticket_new"), {
        "school_class": world.english_9_applied.pk, "lesson": "Inferring a motive",
        "cycle": cycle.pk})  # fmt: skip
    ticket = ExitTicket.objects.get()
    assert response["Location"] == reverse("voice:ticket", args=[ticket.pk])
    assert (ticket.school_class, ticket.cycle, ticket.opened_by, ticket.lesson) == (
        world.english_9_applied, cycle, world.teacher_a, "Inferring a motive")  # fmt: skip
    assert ticket.is_open(timezone.now())


def test_opening_without_a_lesson_or_with_a_past_closing_time_keeps_what_was_typed(client, world):
    client.force_login(world.teacher_a)
    response = client.post(reverse("voice:ticket_new"), {
        "school_class": world.english_9_applied.pk, "lesson": "",
        "closes_at": "2001-01-01T10:00"})  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say in a few words what the lesson was about." in page
    response = client.post(reverse("voice:ticket_new"), {
        "school_class": world.english_9_applied.pk, "lesson": "Ratios",
        "closes_at": "2001-01-01T10:00"})  # fmt: skip
    page = response.content.decode()
    assert "Choose a closing time later than now." in page
    assert 'value="Ratios"' in page
    assert 'value="2001-01-01T10:00"' in page
    assert not ExitTicket.objects.exists()


def test_a_class_one_does_not_teach_cannot_be_chosen(client, world):
    client.force_login(world.teacher_a)
    response = client.post(reverse("voice:ticket_new"), {
        "school_class": world.math_10.pk, "lesson": "Ratios"})  # fmt: skip
    assert response.status_code == 400
    assert not ExitTicket.objects.exists()


# --- showing the code -----------------------------------------------------------------


def test_the_ticket_page_shows_the_code_big_and_the_qr_code_as_an_image(client, world):
    ticket = open_ticket(world)
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:ticket", args=[ticket.pk])).content.decode()
    assert '<p class="ticket-code"' in page
    assert f">{ticket.code}</p>" in page
    assert f'src="{reverse("voice:ticket_qr", args=[ticket.pk])}"' in page
    assert "http://testserver/t/" in page
    assert "<script" not in page.split("</head>")[1]  # strict CSP: no inline script
    assert "style=" not in page


def test_the_qr_code_is_an_svg_file_of_the_answer_address(client, world):
    ticket = open_ticket(world)
    client.force_login(world.teacher_a)
    response = client.get(reverse("voice:ticket_qr", args=[ticket.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    address = f"http://testserver/t/{ticket.code}/"
    out = io.BytesIO()
    segno.make(address, error="m").save(out, kind="svg", scale=8, border=2,
                                       title=f"Exit ticket {ticket.code}", xmldecl=True)  # fmt: skip
    assert response.content == out.getvalue()
    assert b"<script" not in response.content


def test_the_teacher_closes_the_ticket_early(client, world):
    ticket = open_ticket(world)
    client.force_login(world.teacher_a)
    response = client.post(reverse("voice:ticket_close", args=[ticket.pk]))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert not ticket.is_open(timezone.now())
    page = client.get(reverse("voice:ticket", args=[ticket.pk])).content.decode()
    assert 'class="ticket-code"' not in page
    assert "Closed" in page
    assert reverse("voice:ticket_qr", args=[ticket.pk]) not in page


# --- reading the answers ----------------------------------------------------------------


def test_the_ticket_page_shows_the_count_distribution_mean_and_themes(client, world):
    ticket = open_ticket(world)
    add_answers(ticket, FRACTIONS)
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:ticket", args=[ticket.pk])).content.decode()
    assert "12 answers" in page
    assert "mean confidence 3.1 out of 5" in page  # 37 / 12
    assert '<th scope="row">2 · A little confident</th><td class="number">3</td>' in page
    assert "common denominator" in page
    assert "word problem" in page
    assert page.index("Themes: “Where are you stuck?”") < page.index(
        "Themes: “What did you understand today?”")  # fmt: skip


def _themes(page: str) -> list[str]:
    """Each theme's label and size, as the page lists them."""
    items = re.findall(r'<ol class="theme-list">(.*?)</ol>', page, re.S)
    return re.findall(r"<li><strong>(.*?)</strong> · (\d+)", "".join(items))


def test_the_themes_are_the_same_whatever_language_the_reader_chose(client, world):
    """The stop words are the answers' language, not the reader's: an English class's
    themes read in French must not turn into "the clue · is the" with other sizes."""
    ticket = open_ticket(world)
    add_answers(ticket, FRACTIONS)
    client.force_login(world.teacher_a)
    url = reverse("voice:ticket", args=[ticket.pk])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in french  # the page itself is in French
    assert _themes(english)
    assert _themes(french) == _themes(english)


def test_a_teacher_reads_every_answer_of_their_class_however_few(client, world):
    ticket = open_ticket(world)
    add_answers(ticket, [("ratios", "unit rates", 2)])
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:ticket", args=[ticket.pk])).content.decode()
    assert "unit rates" in page
    assert "1 answer" in page


def test_the_team_reads_a_linked_ticket_only_once_it_has_ten_answers(client, world, cycle):
    ticket = open_ticket(world, cycle=cycle)
    add_answers(ticket, FRACTIONS[:9])
    client.force_login(world.lead_english)
    url = reverse("voice:ticket", args=[ticket.pk])
    page = client.get(url).content.decode()
    assert "fewer than 10 answers." in page
    assert "common denominator" not in page
    assert client.get(reverse("voice:ticket_export", args=[ticket.pk])).status_code == 403
    add_answers(ticket, FRACTIONS[9:10])
    page = client.get(url).content.decode()
    assert "10 answers" in page
    assert "common denominator" in page


def test_answers_are_shown_escaped(client, world):
    ticket = open_ticket(world)
    add_answers(ticket, [("<script>alert(1)</script>", "=cmd|' /C calc'!A0", 3)])
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:ticket", args=[ticket.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "=cmd|&#x27; /C calc&#x27;!A0" in page


def test_the_csv_export_never_writes_an_answer_as_a_formula(client, world):
    ticket = open_ticket(world)
    client.post(reverse("voice:ticket_answer", args=[ticket.code]),
                {"understood": "fractions", "stuck": "=cmd|' /C calc'!A0", "confidence": "2"})  # fmt: skip
    assert TicketAnswer.objects.get().stuck == "=cmd|' /C calc'!A0"
    client.force_login(world.teacher_a)
    response = client.get(reverse("voice:ticket_export", args=[ticket.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][2] == "How confident are you? (1 to 5)"
    assert rows[1] == ["fractions", "'=cmd|' /C calc'!A0", "2"]


# --- a class over time, a cycle's student voice ----------------------------------------------


def test_a_class_page_shows_its_tickets_oldest_first_with_their_mean_confidence(client, world):
    first = open_ticket(world, lesson="Fractions one")
    add_answers(first, [("a", "b", 2), ("a", "b", 3)])
    second = open_ticket(world, lesson="Fractions two")
    add_answers(second, [("a", "b", 4), ("a", "b", 5)])
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:ticket_class", args=[world.english_9_applied.pk]))
    text = page.content.decode()
    assert text.index("Fractions one") < text.index("Fractions two")
    assert "2.5" in text
    assert "4.5" in text
    assert '<meter min="1" max="5" value="2.50"' in text


def test_the_cycle_page_draws_its_themes_only_from_tickets_with_ten_answers(client, world, cycle):
    big = open_ticket(world, cycle=cycle, lesson="Fractions")
    add_answers(big, FRACTIONS)
    small = open_ticket(world, cycle=cycle, lesson="Ratios")
    add_answers(small, [("ratios", "unit rates are secret", 1)] * 3)
    client.force_login(world.coach_a)
    page = client.get(reverse("voice:ticket_cycle", args=[cycle.pk])).content.decode()
    assert "fewer than 10" in page
    assert "unit rates are secret" not in page
    assert "common denominator" in page
    assert "From 12 answers to 1 ticket with at least 10 answers" in page


def test_the_cycle_page_links_from_the_cycle(client, world, cycle):
    client.force_login(world.teacher_a)
    page = client.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
    assert reverse("voice:ticket_cycle", args=[cycle.pk]) in page


def test_the_exit_tickets_page_lists_open_tickets_first(client, world):
    closed = open_ticket(world, lesson="Yesterday")
    closed.closed_at = timezone.now()
    closed.save()
    open_ticket(world, lesson="Today")
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:tickets")).content.decode()
    assert page.index("Today") < page.index("Yesterday")
    assert reverse("voice:ticket_new") in page
