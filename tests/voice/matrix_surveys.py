"""The URL-wide matrix's rows for the voice app's surveys pages (see ``tests/web/test_url_matrix.py``).

``things(world, made)`` builds the objects these rows point at; ``made`` holds the
matrix's own (``leader_b``, the English team's ``cycle``, ...): here, an open
window of school A's teaching staff.
"""

from __future__ import annotations

from tests.voice.survey_fixtures import make_instrument, window_of
from tests.web.matrix_base import ACTIVE, Row, answers, school_a

#: Invited to school A's window: its teaching staff (the leader does not answer).
ASKED = {"coach_a", "lead_english", "teacher_a", "lead_math", "teacher_a2"}
#: Who sees the window: the invited, the school's leader, the district's analyst.
SEE_WINDOW = ASKED | {"leader_a", "analyst"}


def the_window(world, things):
    return [things["survey_window"].pk]


ROWS: dict[str, Row] = {
    "voice:home": Row(answers=answers(ACTIVE), otherwise=403),
    "voice:surveys": Row(answers=answers(ACTIVE), otherwise=403),
    "voice:survey_window_new": Row(
        args=school_a,
        answers=answers({"leader_a"}, forbidden={"analyst", "admin_a", "district_admin"}),
    ),
    "voice:survey_window": Row(args=the_window, answers=answers(SEE_WINDOW)),
    "voice:survey_answer": Row(
        args=the_window, answers=answers(ASKED, forbidden={"leader_a", "analyst"})
    ),
    "voice:survey_thanks": Row(
        args=the_window, answers=answers(ASKED, forbidden={"leader_a", "analyst"})
    ),
    "voice:survey_close": Row(
        args=the_window,
        method="post",
        answers=answers({"leader_a"}, 302, forbidden=SEE_WINDOW - {"leader_a"}),
    ),
    "voice:survey_remind": Row(
        args=the_window,
        method="post",
        answers=answers({"leader_a"}, 302, forbidden=SEE_WINDOW - {"leader_a"}),
    ),
}


def things(world, made: dict) -> dict:
    instrument = make_instrument("matrix-surveys")
    return {"survey_window": window_of(world, instrument, title="Matrix survey")}
