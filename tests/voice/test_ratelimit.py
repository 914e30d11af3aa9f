"""Rate limits of the exit-ticket pages: a class behind one school address gets through,
a script does not, and the counters hold no address."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from efficacy.voice import ratelimit
from efficacy.voice.models import RateBucket, TicketAnswer
from efficacy.voice.views_tickets import ANSWERS_PER_MINUTE, CODE_MISSES
from tests.voice.tickets_fixtures import open_ticket

pytestmark = pytest.mark.django_db

ANSWER = {"understood": "fractions", "stuck": "denominators", "confidence": "4"}
SCHOOL = "198.51.100.7"
HOME = "192.0.2.40"


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    """Every request of a test falls in the same fixed window, whatever the clock says."""
    from django.utils import timezone

    frozen = timezone.now().replace(second=1, microsecond=0)
    monkeypatch.setattr(ratelimit.timezone, "now", lambda: frozen)


def _answer(client, ticket, address):
    client.cookies.clear()  # each student has their own browser
    return client.post(reverse("voice:ticket_answer", args=[ticket.code]), ANSWER,
                       REMOTE_ADDR=address)  # fmt: skip


def test_a_class_of_35_behind_one_address_gets_through(client, world):
    ticket = open_ticket(world)
    statuses = {_answer(client, ticket, SCHOOL).status_code for _ in range(35)}
    assert statuses == {200}
    assert TicketAnswer.objects.count() == 35


def test_the_61st_answer_from_one_address_in_a_minute_gets_429(client, world):
    ticket = open_ticket(world)
    for _ in range(ANSWERS_PER_MINUTE):
        assert _answer(client, ticket, SCHOOL).status_code == 200
    refused = _answer(client, ticket, SCHOOL)
    assert refused.status_code == 429
    assert "Too many tries" in refused.content.decode()
    assert TicketAnswer.objects.count() == ANSWERS_PER_MINUTE
    # Another address is fine, and so is another ticket from the same address.
    assert _answer(client, ticket, HOME).status_code == 200
    other = open_ticket(world, lesson="Ratios")
    assert _answer(client, other, SCHOOL).status_code == 200


def test_wrong_codes_are_limited_per_address_then_every_lookup_is_refused(client, world):
    ticket = open_ticket(world)
    start = reverse("voice:ticket_start")
    for _ in range(CODE_MISSES):
        assert client.post(start, {"code": "WRONG9"}, REMOTE_ADDR=SCHOOL).status_code == 404
    assert client.post(start, {"code": "WRONG9"}, REMOTE_ADDR=SCHOOL).status_code == 429
    # Now even the right code, typed or in the address, is refused from that address...
    assert client.post(start, {"code": ticket.code}, REMOTE_ADDR=SCHOOL).status_code == 429
    answer_url = reverse("voice:ticket_answer", args=[ticket.code])
    assert client.get(answer_url, REMOTE_ADDR=SCHOOL).status_code == 429
    # ...and another address is not.
    assert client.post(start, {"code": ticket.code}, REMOTE_ADDR=HOME).status_code == 302


def test_a_forwarded_for_header_from_an_untrusted_peer_does_not_reset_the_count(
    client, world, settings
):
    """With no proxy trusted, a guesser who sends a new X-Forwarded-For each time is still
    counted by the address the request came from."""
    settings.EFFICACY_TRUSTED_PROXIES = []
    start = reverse("voice:ticket_start")
    for i in range(CODE_MISSES):
        spoofed = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{i}"}
        response = client.post(start, {"code": "WRONG9"}, REMOTE_ADDR=SCHOOL, **spoofed)
        assert response.status_code == 404
    refused = client.post(start, {"code": "WRONG9"}, REMOTE_ADDR=SCHOOL,
                          HTTP_X_FORWARDED_FOR="203.0.113.250")  # fmt: skip
    assert refused.status_code == 429


def test_right_codes_are_not_counted_so_a_whole_class_finds_its_ticket(client, world):
    ticket = open_ticket(world)
    start = reverse("voice:ticket_start")
    for _ in range(CODE_MISSES + 10):
        assert client.post(start, {"code": ticket.code}, REMOTE_ADDR=SCHOOL).status_code == 302


def test_guessing_codes_in_the_address_counts_as_wrong_codes(client, world):
    for i in range(CODE_MISSES):
        url = reverse("voice:ticket_answer", args=[f"ZZZZ{i:02d}"])
        assert client.get(url, REMOTE_ADDR=SCHOOL).status_code == 404
    url = reverse("voice:ticket_answer", args=["ZZZZZZ"])
    assert client.get(url, REMOTE_ADDR=SCHOOL).status_code == 429


def test_the_counters_hold_no_address_only_keyed_hashes(client, world):
    ticket = open_ticket(world)
    _answer(client, ticket, SCHOOL)
    client.post(reverse("voice:ticket_start"), {"code": "WRONG9"}, REMOTE_ADDR=SCHOOL)
    keys = list(RateBucket.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert all(len(key) == 64 and SCHOOL not in key for key in keys)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {RateBucket._meta.db_table}")
        assert SCHOOL not in repr(cursor.fetchall())


def test_exceeded_looks_without_counting():
    for _ in range(3):
        assert ratelimit.hit(scope="s", subject="a", limit=3, per=60)
    assert not ratelimit.exceeded(scope="s", subject="a", limit=3, per=60)
    assert not ratelimit.exceeded(scope="s", subject="a", limit=3, per=60)
    assert not ratelimit.hit(scope="s", subject="a", limit=3, per=60)
    assert ratelimit.exceeded(scope="s", subject="a", limit=3, per=60)
    assert not ratelimit.exceeded(scope="s", subject="b", limit=3, per=60)
