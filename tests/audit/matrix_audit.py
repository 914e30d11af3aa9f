"""The URL-wide matrix's rows for the audit log (see ``tests/web/test_url_matrix.py``).

As on the Accounts pages, administrators (a school's and the district's) open the log
and its export; every other signed-in person is refused (403), an anonymous visitor
sent to sign in.
"""

from __future__ import annotations

from tests.web.matrix_base import ADMINS, Row, answers

ROWS: dict[str, Row] = {
    "audit:log": Row(answers=answers(ADMINS), otherwise=403),
    "audit:export": Row(args=lambda w, t: ["csv"], answers=answers(ADMINS), otherwise=403),
}


def things(world, made: dict) -> dict:
    return {}
