"""Students answer an exit ticket with its code and no account: every refusal has a clear
message and keeps what was typed, and the stored answer has nothing that links it to them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from efficacy.voice.models import ExitTicket, TicketAnswer
from efficacy.voice.services.tickets import (
    CODE_ALPHABET,
    CODE_LENGTH,
    code_new,
    code_normalise,
    ticket_close,
)
from tests.voice.tickets_fixtures import open_ticket

pytestmark = pytest.mark.django_db

ANSWER = {"understood": "How to add fractions", "stuck": "Common denominators", "confidence": "3"}


def _answer_url(ticket):
    return reverse("voice:ticket_answer", args=[ticket.code])


# --- codes ------------------------------------------------------------------------


def test_a_code_is_six_characters_without_look_alikes():
    codes = {code_new() for _ in range(200)}
    assert all(len(code) == CODE_LENGTH for code in codes)
    assert not set("".join(codes)) & set("0O1IL")
    assert set("".join(codes)) <= set(CODE_ALPHABET)
    assert len(codes) > 190


def test_a_code_is_read_whatever_its_case_spaces_or_dashes():
    assert code_normalise(" abc-23 4 ") == "ABC234"


def test_a_new_ticket_closes_at_the_end_of_the_day_by_default(world):
    from efficacy.voice.services.tickets import ticket_open

    now = timezone.now()
    ticket = ticket_open(user=world.teacher_a, school_class=world.english_9_applied,
                         lesson="Fractions")  # fmt: skip
    local = timezone.localtime(ticket.closes_at)
    assert (local.hour, local.minute) == (23, 59)
    assert local.date() == timezone.localdate(now)
    assert ticket.is_open(now)


def test_a_colliding_code_is_drawn_again(world, monkeypatch):
    first = open_ticket(world)
    drawn = iter([first.code, "ZZZZZZ"])
    monkeypatch.setattr("efficacy.voice.services.tickets.code_new", lambda: next(drawn))
    second = open_ticket(world, lesson="Ratios")
    assert second.code == "ZZZZZZ"


# --- the code box -----------------------------------------------------------------


def test_the_code_box_leads_to_the_questions(client, world):
    ticket = open_ticket(world)
    response = client.post(reverse("voice:ticket_start"), {"code": ticket.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == _answer_url(ticket)
    page = client.get(response["Location"]).content.decode()
    assert "Adding fractions" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_wrong_code_is_refused_with_a_message_and_kept_in_the_box(client, world):
    open_ticket(world)
    response = client.post(reverse("voice:ticket_start"), {"code": "WRONG9"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "No open exit ticket has this code" in page
    assert 'value="WRONG9"' in page


def test_a_closed_ticket_answers_exactly_like_an_unknown_code(client, world):
    ticket = open_ticket(world)
    ticket_close(user=world.teacher_a, ticket=ticket)
    closed = client.post(reverse("voice:ticket_start"), {"code": ticket.code})
    unknown = client.post(reverse("voice:ticket_start"), {"code": "ZZZZZZ"})
    assert closed.status_code == unknown.status_code == 404
    assert "No open exit ticket has this code" in closed.content.decode()
    assert client.get(_answer_url(ticket)).status_code == 404


def test_a_ticket_past_its_closing_time_takes_no_answer(client, world):
    ticket = open_ticket(world)
    ExitTicket.objects.filter(pk=ticket.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client.post(_answer_url(ticket), ANSWER)
    assert response.status_code == 404
    page = response.content.decode()
    assert "No open exit ticket has this code" in page
    assert "Your answer was not sent" in page
    assert "Common denominators" in page  # nothing typed is lost
    assert not TicketAnswer.objects.exists()


def test_a_ticket_closed_while_a_student_types_refuses_with_a_message_and_keeps_the_text(
    client, world, monkeypatch
):
    ticket = open_ticket(world)
    # The page found the ticket open; it closes before the answer is stored.
    real_is_open = ExitTicket.is_open
    calls = iter([True])
    monkeypatch.setattr(
        ExitTicket, "is_open", lambda self, now: next(calls, False) and real_is_open(self, now)
    )
    response = client.post(_answer_url(ticket), ANSWER)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This exit ticket is closed" in page
    assert "Common denominators" in page
    assert not TicketAnswer.objects.exists()


def test_an_empty_code_is_asked_for(client, world):
    response = client.post(reverse("voice:ticket_start"), {"code": ""})
    assert response.status_code == 400
    assert "Type the code your teacher shows." in response.content.decode()


# --- the answer ---------------------------------------------------------------------


def test_a_student_answers_and_is_thanked(client, world):
    ticket = open_ticket(world)
    response = client.post(_answer_url(ticket), ANSWER)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    answer = TicketAnswer.objects.get()
    assert (answer.ticket, answer.understood, answer.stuck, answer.confidence) == (
        ticket, "How to add fractions", "Common denominators", 3)  # fmt: skip


@pytest.mark.parametrize("confidence", ["0", "6", "-1", "three", "", "3.5"])
def test_a_confidence_outside_1_to_5_is_refused_and_the_text_kept(client, world, confidence):
    ticket = open_ticket(world)
    response = client.post(_answer_url(ticket), {**ANSWER, "confidence": confidence})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose how confident you are, from 1 to 5." in page
    assert "How to add fractions" in page
    assert "Common denominators" in page
    assert not TicketAnswer.objects.exists()


def test_a_text_over_500_characters_is_refused_with_its_length_and_kept(client, world):
    ticket = open_ticket(world)
    long_text = "fractions " * 50 + "ok"
    response = client.post(_answer_url(ticket), {**ANSWER, "stuck": long_text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Keep it to 500 characters or fewer (this is 502)." in page
    assert long_text in page
    assert not TicketAnswer.objects.exists()


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "I like <b>bold</b>", '<img src=x onerror="alert(1)">',
     "click javascript:alert(1)", "<!-- hidden -->"],
)  # fmt: skip
def test_text_that_looks_scripted_is_refused_with_a_message(client, world, text):
    ticket = open_ticket(world)
    response = client.post(_answer_url(ticket), {**ANSWER, "understood": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Write plain text: HTML tags such as &lt;b&gt; or &lt;script&gt; are not accepted." in page
    )
    assert "<script>alert(1)</script>" not in page
    assert not TicketAnswer.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [("fractions\x07", "invisible control characters"),
     ("fractions\x1b[2J", "invisible control characters"),
     ("fractions\x00", "Null characters are not allowed."),
     # Bidirectional overrides and isolates ("Trojan Source"): shown, they reorder the
     # text after them, so an answer, a win or a suggestion would read as other words.
     ("I am stuck on \u202eslarutan", "invisible control characters"),
     ("fractions \u2067isolated\u2069", "invisible control characters"),
     ("fractions \u202aembedded\u202c", "invisible control characters")],
)  # fmt: skip
def test_control_characters_are_refused(client, world, text, message):
    ticket = open_ticket(world)
    response = client.post(_answer_url(ticket), {**ANSWER, "stuck": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TicketAnswer.objects.exists()


def test_comparisons_and_line_breaks_are_plain_text_and_accepted(client, world):
    ticket = open_ticket(world)
    text = "1/2 < 3/4 and 5 > 2\nsecond line"
    response = client.post(_answer_url(ticket), {**ANSWER, "understood": text})
    assert response.status_code == 200
    assert TicketAnswer.objects.get().understood.splitlines() == text.splitlines()


def test_a_formula_is_stored_as_text(client, world):
    ticket = open_ticket(world)
    client.post(_answer_url(ticket), {**ANSWER, "stuck": "=cmd|' /C calc'!A0"})
    assert TicketAnswer.objects.get().stuck == "=cmd|' /C calc'!A0"


def test_the_same_browser_is_thanked_again_instead_of_answering_twice(client, world):
    """A courtesy, not a guarantee: a signed cookie says this browser answered."""
    ticket = open_ticket(world)
    client.post(_answer_url(ticket), ANSWER)
    again = client.get(_answer_url(ticket))
    assert "This device has already sent an answer" in again.content.decode()
    client.post(_answer_url(ticket), ANSWER)
    assert TicketAnswer.objects.count() == 1
    cookie = client.cookies[f"answered_{ticket.code}"]
    assert str(world.teacher_a.pk) not in cookie.value.split(":")[0]
    assert cookie["httponly"]


def test_another_browser_of_the_class_answers_too(client, world):
    from django.test import Client

    ticket = open_ticket(world)
    client.post(_answer_url(ticket), ANSWER)
    Client().post(_answer_url(ticket), ANSWER)
    assert TicketAnswer.objects.count() == 2


def test_the_answer_page_needs_its_csrf_token(world):
    from django.test import Client

    ticket = open_ticket(world)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(_answer_url(ticket), ANSWER).status_code == 403
    page = strict.get(_answer_url(ticket))
    token = page.cookies["csrftoken"].value
    response = strict.post(_answer_url(ticket), {**ANSWER, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert TicketAnswer.objects.count() == 1


# --- anonymity, on the table itself -------------------------------------------------


def _columns(model) -> dict[str, str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {column.name: column.type_code for column in description}


def test_the_answers_table_has_no_column_for_a_person_an_address_or_a_time():
    columns = _columns(TicketAnswer)
    assert set(columns) == {"id", "ticket_id", "understood", "stuck", "confidence"}
    relations = {f.column: f.related_model for f in TicketAnswer._meta.concrete_fields
                 if f.is_relation}  # fmt: skip
    assert relations == {"ticket_id": ExitTicket}


def test_the_answer_key_is_random_not_the_order_of_arrival(client, world):
    ticket = open_ticket(world)
    for _ in range(12):
        client.cookies.clear()
        client.post(_answer_url(ticket), ANSWER)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {TicketAnswer._meta.db_table}")
        ids = [row[0] for row in cursor.fetchall()]
    assert len(ids) == 12
    assert max(ids) > 2**40  # not 1, 2, 3...
    assert sorted(ids) != list(range(min(ids), min(ids) + 12))


def test_no_row_anywhere_holds_the_students_address(client, world):
    from efficacy.voice.models import RateBucket

    ticket = open_ticket(world)
    client.post(_answer_url(ticket), ANSWER, REMOTE_ADDR="203.0.113.77")
    client.post(reverse("voice:ticket_start"), {"code": "WRONG9"}, REMOTE_ADDR="203.0.113.77")
    with connection.cursor() as cursor:
        for model in (TicketAnswer, RateBucket, ExitTicket):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            assert "203.0.113.77" not in repr(cursor.fetchall()), model
