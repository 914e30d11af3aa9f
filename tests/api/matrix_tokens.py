"""The URL-wide matrix's rows for the Tokens page (see ``tests/web/test_url_matrix.py``).

Every active account has its own tokens page; a retired account is refused (403). A
token is revoked by its person or by an administrator who manages that person
(302 back to the page, again for a token already revoked); for anyone else the token
does not exist (404).
"""

from __future__ import annotations

from efficacy.api.tokens import token_create
from tests.web.matrix_base import ACTIVE, ADMINS, Row, answers

ROWS: dict[str, Row] = {
    "api_tokens": Row(answers=answers(ACTIVE), otherwise=403),
    "api_token_revoke": Row(
        args=lambda w, t: [t["token"].pk],
        method="post",
        answers=answers({"teacher_a", *ADMINS}, 302),
    ),
}


def things(world, made: dict) -> dict:
    token, _raw = token_create(user=world.teacher_a, name="Grade 9 notebook")
    return {"token": token}
