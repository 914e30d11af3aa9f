"""The URL-wide matrix's rows for the voice app's tickets pages (see ``tests/web/test_url_matrix.py``).

``things(world, made)`` builds the objects these rows point at; ``made`` holds the
matrix's own (``leader_b``, the English team's ``cycle``, ...).

The exit ticket is teacher_a's, for english_9_applied, linked to the English team's
cycle and answered twelve times (above the reporting threshold, so the team reads it);
the evidence to remove belongs to a closed cycle of the team, so that every editor is
refused with a message (302) rather than the first one deleting it for the rest.
"""

from __future__ import annotations

from efficacy.cycles.models import CycleStatus
from efficacy.cycles.plan.services import cycle_create
from efficacy.voice.models import VoiceEvidence
from tests.voice.tickets_fixtures import FRACTIONS, add_answers, open_ticket
from tests.web.matrix_base import (
    EDITORS,
    EVERYONE_SIGNED_IN,
    TEAM,
    Row,
    answers,
    the_cycle,
)

#: Everyone who teaches an active class: they may open an exit ticket.
TEACHERS = {"teacher_a", "lead_english", "lead_math", "teacher_a2", "teacher_b", "teacher_c"}


def the_ticket(world, things):
    return [things["ticket"].pk]


ROWS: dict[str, Row] = {
    "voice:tickets": Row(answers=answers(EVERYONE_SIGNED_IN)),
    "voice:ticket_new": Row(answers=answers(TEACHERS), otherwise=403),
    "voice:ticket": Row(args=the_ticket, answers=answers(TEAM)),
    "voice:ticket_qr": Row(args=the_ticket, answers=answers(TEAM)),
    "voice:ticket_export": Row(args=the_ticket, answers=answers(TEAM)),
    # The class's teacher closes it; the rest of the team sees it but may not (403).
    "voice:ticket_close": Row(args=the_ticket, method="post", answers=answers(
        {"teacher_a"}, 302, forbidden=TEAM - {"teacher_a"})),
    "voice:ticket_class": Row(args=lambda w, t: [w.english_9_applied.pk],
                              answers=answers({"teacher_a"})),
    "voice:ticket_cycle": Row(args=the_cycle, answers=answers(TEAM)),
    "voice:ticket_evidence_attach": Row(
        args=the_cycle, method="post", data=lambda w, t: {"question": "stuck", "label": "x"},
        answers=answers(TEAM, 302)),
    "voice:ticket_evidence_remove": Row(
        args=lambda w, t: [t["voice_evidence"].pk], method="post",
        answers=answers(EDITORS, 302, forbidden=TEAM - EDITORS)),
    # Public: students answer without an account. A wrong code is a 404 with the code box.
    "voice:ticket_start": Row(answers=answers(EVERYONE_SIGNED_IN), public=True),
    "voice:ticket_answer": Row(args=lambda w, t: [t["ticket"].code],
                               answers=answers(EVERYONE_SIGNED_IN), public=True),
}  # fmt: skip


def things(world, made: dict) -> dict:
    ticket = open_ticket(world, cycle=made["cycle"])
    add_answers(ticket, FRACTIONS)
    closed = cycle_create(user=world.lead_english, team=world.team_english, title="Last year")
    closed.status = CycleStatus.CLOSED
    closed.save()
    evidence = VoiceEvidence.objects.create(
        cycle=closed, question="stuck", label="common denominator", terms=["common denominator"],
        examples=["lowest common denominator"], answer_count=6, ticket_count=1,
        attached_by=world.lead_english,
    )  # fmt: skip
    return {"ticket": ticket, "voice_evidence": evidence}
