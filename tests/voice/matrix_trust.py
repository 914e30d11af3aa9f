"""The URL-wide matrix's rows for the voice app's trust pages (see ``tests/web/test_url_matrix.py``).

``things(world, made)`` builds the objects these rows point at; ``made`` holds the
matrix's own (``leader_b``, the English team's ``cycle``, ...).

Everything belongs to school A: its staff (administrator included) read the wins,
the office hours, the boxes and "you said, we did"; its leader alone records
check-ins and commitments, offers office hours, reads suggestions; anyone of
another school, district or a retired account learns nothing (404).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from efficacy.voice.models import (
    Booking,
    CheckIn,
    Commitment,
    OfficeHour,
    Suggestion,
    SuggestionBox,
    Win,
)
from tests.web.matrix_base import ACTIVE, SCHOOL_A_STAFF, Row, answers, school_a

NOT_LEADER = SCHOOL_A_STAFF - {"leader_a"}


def _one(key):
    return lambda world, things: [things[key].pk]


def _leader_only(key=None, status=200, method="get", others=403):
    """The school leader alone; the school's other staff get ``others``."""
    refused = NOT_LEADER if others == 403 else set()
    return Row(args=_one(key) if key else school_a, method=method,
               answers=answers({"leader_a"}, status, forbidden=refused))  # fmt: skip


ROWS: dict[str, Row] = {
    # --- wins: the school's staff read and share; the author changes; the leader celebrates
    "voice:wins": Row(args=school_a, answers=answers(SCHOOL_A_STAFF)),
    "voice:win_prompt_dismiss": Row(args=school_a, method="post",
                                    answers=answers(SCHOOL_A_STAFF, 302)),
    "voice:win_edit": Row(args=_one("win"), answers=answers(
        {"teacher_a"}, forbidden=SCHOOL_A_STAFF - {"teacher_a"})),
    # teacher_a2 comes last of school A in the matrix's order: the others are refused first.
    "voice:win_delete": Row(args=_one("win_of_teacher_a2"), method="post", answers=answers(
        {"teacher_a2"}, 302, forbidden=SCHOOL_A_STAFF - {"teacher_a2"})),
    "voice:win_celebrate": _leader_only("win"),
    # --- check-ins: the leader who wrote them, nobody else (not even the staff member)
    "voice:check_ins": _leader_only(),
    "voice:check_in_done": _leader_only("check_in", 302, "post", others=404),
    # --- office hours: the staff book; the leader offers and cancels
    "voice:office_hours": Row(args=school_a, answers=answers(SCHOOL_A_STAFF)),
    "voice:office_hour_book": Row(args=_one("office_hour"), answers=answers(
        NOT_LEADER, forbidden={"leader_a"})),
    "voice:office_hour_cancel": _leader_only("office_hour", 302, "post"),
    # teacher_a booked; the leader who offers the slot sees the booking but cannot cancel it.
    "voice:booking_cancel": Row(args=_one("booking"), method="post", answers=answers(
        {"teacher_a"}, 302, forbidden={"leader_a"})),
    # --- commitments: the leader who made one and whoever asked
    "voice:commitments": Row(answers=answers(ACTIVE)),
    "voice:commitment_new": _leader_only(),
    "voice:commitment": Row(args=_one("commitment"), answers=answers({"leader_a", "teacher_a"})),
    # --- the suggestion box: the staff post; the leader alone reads the suggestions
    "voice:boxes": Row(args=school_a, answers=answers(SCHOOL_A_STAFF)),
    "voice:box": Row(args=_one("box"), answers=answers(SCHOOL_A_STAFF)),
    "voice:box_close": _leader_only("box", 302, "post"),
    "voice:suggestion_consider": _leader_only("suggestion", 302, "post", others=404),
    "voice:suggestion_reply": _leader_only("suggestion", others=404),
    "voice:replies": Row(args=school_a, answers=answers(SCHOOL_A_STAFF)),
}  # fmt: skip


def things(world, made: dict) -> dict:
    today = timezone.localdate()
    soon = timezone.now() + dt.timedelta(days=2)
    school = world.school_a

    def office_hour(hours: int) -> OfficeHour:
        start = soon + dt.timedelta(hours=hours)
        return OfficeHour.objects.create(school=school, leader=world.leader_a, starts_at=start,
                                         ends_at=start + dt.timedelta(minutes=30))  # fmt: skip

    def win(author) -> Win:
        return Win.objects.create(school=school, author=author, week=Win.week_of(today),
                                  text="Every student wrote a claim.")  # fmt: skip

    box = SuggestionBox.objects.create(school=school, title="Timetable", opened_on=today,
                                       opened_by=world.leader_a)  # fmt: skip
    return {
        "win": win(world.teacher_a),
        "win_of_teacher_a2": win(world.teacher_a2),
        "check_in": CheckIn.objects.create(
            school=school, leader=world.leader_a, staff=world.teacher_a, held_on=today,
            note="Talked about the new class.", follow_up="Find a co-teacher",
            follow_up_due=today,
        ),
        "office_hour": office_hour(0),
        "booking": Booking.objects.create(office_hour=office_hour(1), booked_by=world.teacher_a),
        "commitment": Commitment.objects.create(
            school=school, made_by=world.leader_a, asked_by=world.teacher_a,
            what="Look into a quiet marking room", due_on=today + dt.timedelta(days=7),
        ),
        "box": box,
        "suggestion": Suggestion.objects.create(box=box, text="Fewer meetings on Fridays",
                                                received_on=today),
    }  # fmt: skip
