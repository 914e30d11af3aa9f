"""Exit tickets for the tests of ``tests/voice/test_ticket*.py``: plain functions, not
fixtures, so each test says what it builds."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from efficacy.voice.models import ExitTicket, TicketAnswer
from efficacy.voice.services.tickets import ticket_open


def open_ticket(world, *, user=None, school_class=None, cycle=None, lesson="Adding fractions"):
    """An exit ticket teacher_a opens for english_9_applied (open until the end of tomorrow)."""
    return ticket_open(
        user=user or world.teacher_a,
        school_class=school_class or world.english_9_applied,
        lesson=lesson,
        cycle=cycle,
        closes_at=timezone.now() + dt.timedelta(days=1),
    )


def add_answers(ticket: ExitTicket, texts: list[tuple[str, str, int]]) -> list[TicketAnswer]:
    """Answers stored as a student's would be, bypassing the page."""
    return TicketAnswer.objects.bulk_create(
        TicketAnswer(ticket=ticket, understood=u, stuck=s, confidence=c) for u, s, c in texts
    )


#: Twelve answers to a fractions lesson: two misconceptions a teacher should see.
FRACTIONS = [
    ("adding fractions", "finding the common denominator", 2),
    ("adding fractions", "common denominator of 3 and 4", 2),
    ("same denominators", "the common denominator step", 3),
    ("adding fractions", "which common denominator to use", 2),
    ("fractions", "lowest common denominator", 3),
    ("adding", "common denominator is confusing", 1),
    ("equivalent fractions", "word problems with pizza", 4),
    ("equivalent fractions", "the pizza word problem", 4),
    ("adding fractions", "long word problems", 3),
    ("equivalent fractions", "reading word problems", 5),
    ("fractions", "word problems with recipes", 4),
    ("adding fractions", "turning a word problem into a sum", 4),
]
