"""The URL-wide matrix's rows for the voice app's results pages (see ``tests/web/test_url_matrix.py``).

``things(world, made)`` builds the objects these rows point at; ``made`` holds the
matrix's own (``leader_b``, the English team's ``cycle``, ...).

The window is a closed school-wide window of school A to which three members of staff
were invited: they, the school leader and the district's analyst read its results;
everyone else, the English team's lead and coach included (not invited), gets a 404.
"""

from __future__ import annotations

import datetime as dt

from tests.voice import results_world
from tests.web.matrix_base import ACTIVE, Row, answers

#: Who reads the window's results.
RESULT_READERS = {"leader_a", "analyst", "teacher_a", "lead_math", "teacher_a2"}


def the_window(world, things):
    return [things["results_window"].pk]


ROWS: dict[str, Row] = {
    "voice:results_list": Row(answers=answers(ACTIVE), otherwise=403),
    "voice:results": Row(args=the_window, answers=answers(RESULT_READERS)),
    "voice:results_trend": Row(args=the_window, answers=answers(RESULT_READERS)),
    "voice:results_export": Row(args=lambda w, t: [*the_window(w, t), "csv"],
                                answers=answers(RESULT_READERS)),
}  # fmt: skip


def things(world, made: dict) -> dict:
    answered = results_world.answers_for(world.team_english, 3, 4.0, seed=1)
    answered += results_world.answers_for(world.team_math, 6, 3.0, seed=2)
    window = results_world.window(
        world.school_a,
        title="Matrix survey",
        opens=dt.date(2024, 10, 1),
        closes=dt.date(2024, 10, 14),
        invited=[world.teacher_a, world.lead_math, world.teacher_a2],
        answers=answered,
    )
    return {"results_window": window}
