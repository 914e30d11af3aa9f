"""The URL-wide matrix's rows for the voice app's results pages (see ``tests/web/test_url_matrix.py``).

``things(world, made)`` builds the objects these rows point at; ``made`` holds the
matrix's own (``leader_b``, the English team's ``cycle``, ...).
"""

from __future__ import annotations

from tests.web.matrix_base import Row

ROWS: dict[str, Row] = {}


def things(world, made: dict) -> dict:
    return {}
