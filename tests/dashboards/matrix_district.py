"""The URL-wide matrix's rows for the district dashboard (see ``tests/web/test_url_matrix.py``).

The dashboard and its downloads are for those who see the district overview
(``efficacy.access.roster.can_see_district_overview``): the district's analyst and its
district-level administrator. Everyone else signed in is refused (403); nothing on
these pages names a school's object, so there is no 404 to give.
"""

from __future__ import annotations

from tests.web.matrix_base import Row, answers

DISTRICT_READERS = {"analyst", "district_admin"}

ROWS: dict[str, Row] = {
    "dashboards:district": Row(answers=answers(DISTRICT_READERS), otherwise=403),
    "dashboards:district_export": Row(args=lambda w, t: ["schools"], query="?format=csv",
                                      answers=answers(DISTRICT_READERS), otherwise=403),
    "dashboards:district_evidence": Row(answers=answers(DISTRICT_READERS), otherwise=403),
}  # fmt: skip


def things(world, made: dict) -> dict:
    return {}
