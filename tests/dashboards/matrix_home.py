"""The URL-wide matrix's rows for the teacher home's part of the dashboards (see
``tests/web/test_url_matrix.py``). The home page itself keeps its row ("home") there.

The digest settings are a person's own: every active account opens them; a retired
account is refused (403), an anonymous visitor sent to sign in.
"""

from __future__ import annotations

from tests.web.matrix_base import ACTIVE, Row, answers

ROWS: dict[str, Row] = {
    "dashboards:digest": Row(answers=answers(ACTIVE), otherwise=403),
}


def things(world, made: dict) -> dict:
    return {}
