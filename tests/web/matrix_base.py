"""What every row of the URL-wide matrix is built from (``test_url_matrix``): the
people, the sets of them that share an answer, and :class:`Row`. The voice rows
(``tests/voice/matrix_*.py``) are built from the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ANONYMOUS = "anonymous"

SCHOOL_A_STAFF = {
    "leader_a", "admin_a", "coach_a", "lead_english", "teacher_a", "lead_math", "teacher_a2",
}  # fmt: skip
#: The English team's cycle: who reads it, who contributes, who edits it.
READERS = {"lead_english", "teacher_a", "coach_a", "leader_a", "analyst"}
TEAM = {"lead_english", "teacher_a", "coach_a", "leader_a"}
EDITORS = {"lead_english", "coach_a", "leader_a"}
ADMINS = {"admin_a", "district_admin"}
#: The round of the English team's cycle: its host and its observer.
OBSERVING = {"teacher_a", "lead_english"}


def answers(ok: set[str], status: int = 200, *, forbidden: set[str] = frozenset()) -> dict:
    """``status`` for ``ok``, 403 for ``forbidden``; everyone else gets the row's default."""
    return {**dict.fromkeys(forbidden, 403), **dict.fromkeys(ok, status)}


@dataclass
class Row:
    #: Builds the URL's arguments from the world and the objects of :func:`things`.
    args: Callable[[Any, dict], list] = lambda world, things: []
    answers: dict[str, int] = field(default_factory=dict)
    otherwise: int = 404
    method: str = "get"
    data: Callable[[Any, dict], dict] = lambda world, things: {}
    query: str = ""
    #: Anonymous visitors: sent to sign in, unless the page is public.
    public: bool = False
    #: What an anonymous visitor gets when it is not a redirect to sign in (the API: 401).
    anonymous: int | None = None
    #: Send ``data`` as a body of this type (JSON encoded), not as a form: the API's writes.
    content_type: str | None = None


def school_a(world, things):
    return [world.school_a.pk]


def the_cycle(world, things):
    return [things["cycle"].pk]


def the_moment(world, things):
    return [things["moment"].pk]


def the_round(world, things):
    return [things["round"].pk]


def the_meeting(world, things):
    return [things["meeting"].pk]


def the_schedule(world, things):
    return [things["schedule"].pk]


def the_run(world, things):
    return [things["run"].pk]


EVERYONE_SIGNED_IN = {*SCHOOL_A_STAFF, "retired_user", "teacher_b", "analyst", "district_admin",
                      "teacher_c", "leader_b"}  # fmt: skip
ACTIVE = EVERYONE_SIGNED_IN - {"retired_user"}
PUBLIC_LINK = Row(args=lambda w, t: ["MQ", "bad-token"], answers=answers(EVERYONE_SIGNED_IN),
                  public=True)  # fmt: skip
