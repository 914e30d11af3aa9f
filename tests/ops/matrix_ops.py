"""The URL-wide matrix's rows for operations (see ``tests/web/test_url_matrix.py``).

/healthz answers everyone, signed in or not: a probe has no account.
"""

from __future__ import annotations

from tests.web.matrix_base import EVERYONE_SIGNED_IN, Row, answers

ROWS: dict[str, Row] = {
    "healthz": Row(answers=answers(EVERYONE_SIGNED_IN), public=True),
}


def things(world, made: dict) -> dict:
    return {}
