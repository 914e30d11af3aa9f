"""The URL-wide matrix's rows for the school and team dashboards (see
``tests/web/test_url_matrix.py``).

The school dashboard is for school A's leader, its administrators and the district's
analysts; the team dashboard for whoever reads the English team (its members, the
school leader, the district's analysts). Everyone else learns nothing (404). An export
with an unknown format is a 404 too, so each export row asks for CSV.
"""

from __future__ import annotations

from tests.web.matrix_base import ADMINS, READERS, Row, answers, school_a

SCHOOL_DASHBOARD = {"leader_a", "analyst", *ADMINS}


def the_team(world, things):
    return [world.team_english.pk]


ROWS: dict[str, Row] = {
    "dashboards:school": Row(args=school_a, answers=answers(SCHOOL_DASHBOARD)),
    "dashboards:school_export": Row(args=lambda w, t: [w.school_a.pk, "board"],
                                    query="?format=csv", answers=answers(SCHOOL_DASHBOARD)),
    "dashboards:team": Row(args=the_team, answers=answers(READERS)),
    "dashboards:team_export": Row(args=lambda w, t: [w.team_english.pk, "board"],
                                  query="?format=csv", answers=answers(READERS)),
}  # fmt: skip


def things(world, made: dict) -> dict:
    return {}
