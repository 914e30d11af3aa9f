"""The URL-wide matrix's rows for the API's endpoints (see ``tests/web/test_url_matrix.py``
and ``tests/api/test_token_matrix.py``, which asks the same rows with each person's token).

An endpoint answers as the page of the same object does: 200 for those who may see it,
403 for those who see the object but not its student-level data (an analyst on
evidence), 404 for everyone else, exactly as for a missing object. A retired account's
session or token is not an authentication at all (401), as for an anonymous visitor;
the schema and its documentation are public.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from efficacy.cycles.models import ImpactSummary
from efficacy.privacy import small_group
from tests.voice.matrix_results import RESULT_READERS
from tests.web.matrix_base import (
    ACTIVE,
    ADMINS,
    EVERYONE_SIGNED_IN,
    READERS,
    TEAM,
    Row,
    answers,
    school_a,
    the_cycle,
    the_meeting,
    the_round,
)

#: Neither a retired account's session nor its token authenticates.
UNAUTHENTICATED = {"retired_user": 401}


def api(ok: set[str], status: int = 200, *, forbidden: set[str] = frozenset()) -> dict:
    return {**UNAUTHENTICATED, **answers(ok, status, forbidden=forbidden)}


def the_window(world, things):
    return [things["results_window"].pk]


#: Every list: each active account gets its own (perhaps empty) page.
LIST = Row(answers=api(ACTIVE), anonymous=401)

ROWS: dict[str, Row] = {
    "api:openapi-json": Row(answers=answers(EVERYONE_SIGNED_IN), public=True, anonymous=200),
    "api:openapi-view": Row(answers=answers(EVERYONE_SIGNED_IN), public=True, anonymous=200),
    # /api/ itself and any other address under it: a 404 problem, whoever asks.
    "api:api-root": Row(answers={}, public=True, anonymous=404),
    "api:not-found": Row(answers={}, public=True, anonymous=404),
    "api:schools": LIST,
    "api:school": Row(args=school_a, answers=api({"leader_a", "analyst", *ADMINS}), anonymous=401),
    "api:teams": LIST,
    "api:team": Row(args=lambda w, t: [w.team_english.pk], answers=api(READERS), anonymous=401),
    "api:classes": LIST,
    "api:class": Row(args=lambda w, t: [w.english_9_applied.pk],
                     answers=api({"leader_a", "teacher_a", *ADMINS}), anonymous=401),
    "api:students": LIST,
    "api:student": Row(args=lambda w, t: [w.ava.pk],
                       answers=api({"leader_a", "teacher_a", *ADMINS}), anonymous=401),
    "api:staff": LIST,
    "api:staff-member": Row(args=lambda w, t: [w.teacher_a.pk], answers=api(
        {"leader_a", "teacher_a", "lead_english", "coach_a", *ADMINS}), anonymous=401),
    "api:cycles": LIST,
    "api:cycle": Row(args=the_cycle, answers=api(READERS), anonymous=401),
    "api:measures": Row(args=the_cycle, answers=api(READERS), anonymous=401),
    "api:occasions": Row(args=the_cycle, answers=api(READERS), anonymous=401),
    "api:evidence": Row(args=the_cycle, answers=api(TEAM, forbidden={"analyst"}), anonymous=401),
    "api:impact": Row(args=the_cycle, answers=api(READERS), anonymous=401),
    "api:rounds": LIST,
    "api:round": Row(args=the_round, answers=api(TEAM), anonymous=401),
    "api:meetings": LIST,
    "api:meeting": Row(args=the_meeting, answers=api(TEAM), anonymous=401),
    "api:survey-results": LIST,
    "api:survey-result": Row(args=the_window, answers=api(RESULT_READERS), anonymous=401),
}  # fmt: skip


def things(world, made: dict) -> dict:
    # The cycle's impact as the recompute stores it: a focus group below the threshold.
    ImpactSummary.objects.create(
        cycle=made["cycle"],
        measure=made["measure"],
        measure_name=made["measure"].name,
        n=None,
        reason=small_group(10, "focus_paired").to_dict(),
        computed_at=timezone.make_aware(dt.datetime(2024, 12, 16, 9)),
    )
    return {}
