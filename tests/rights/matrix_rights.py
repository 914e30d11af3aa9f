"""The URL-wide matrix's rows for the data-rights pages (see ``tests/web/test_url_matrix.py``).

Only administrators, for the people of their scope: ``admin_a`` (school A) and
``district_admin`` (the whole district) reach Ava (school A) and teacher_a; everyone
else gets 404, as for a missing person. The POSTs carry no data: the correction and the
erasure forms are shown again with their errors (200), and nothing is changed or erased.
"""

from __future__ import annotations

from tests.web.matrix_base import ADMINS, Row, answers


def _ava(world, things):
    return [world.ava.pk]


def _teacher_a(world, things):
    return [world.teacher_a.pk]


ROWS: dict[str, Row] = {
    "rights:index": Row(answers=answers(ADMINS), query="?q=Ava"),
    "rights:student": Row(args=_ava, answers=answers(ADMINS)),
    "rights:student_export": Row(args=_ava, answers=answers(ADMINS)),
    "rights:student_erase": Row(args=_ava, method="post", answers=answers(ADMINS)),
    "rights:staff": Row(args=_teacher_a, method="post", answers=answers(ADMINS)),
    "rights:staff_export": Row(args=_teacher_a, answers=answers(ADMINS)),
    "rights:staff_erase": Row(args=_teacher_a, answers=answers(ADMINS)),
}


def things(world, made: dict) -> dict:
    return {}
