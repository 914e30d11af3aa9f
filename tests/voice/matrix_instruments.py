"""The URL-wide matrix's rows for the voice app's instruments pages (see ``tests/web/test_url_matrix.py``).

``things(world, made)`` builds the objects these rows point at; ``made`` holds the
matrix's own (``leader_b``, the English team's ``cycle``, ...).

Every active account sees the shipped instruments and its own district's; the
instrument here is Lakeshore's, so the other district's teacher learns nothing
(404). School leaders (of either school) and the district's administrator load
instruments; a school's administrator and everyone else are refused (403).
"""

from __future__ import annotations

from tests.web.matrix_base import ACTIVE, Row, answers

LAKESHORE = ACTIVE - {"teacher_c"}
LOADERS = {"leader_a", "leader_b", "district_admin"}


def the_instrument(world, things):
    return [things["instrument"].pk]


ROWS: dict[str, Row] = {
    "voice:instruments": Row(answers=answers(ACTIVE), otherwise=403),
    "voice:instrument_new": Row(answers=answers(LOADERS), otherwise=403),
    "voice:instrument": Row(args=the_instrument, answers=answers(LAKESHORE)),
    "voice:instrument_yaml": Row(args=the_instrument, answers=answers(LAKESHORE)),
}


def things(world, made: dict) -> dict:
    from efficacy.voice.services.instruments import instrument_load
    from tests.voice.test_instrument_pages import example_yaml

    return {"instrument": instrument_load(text=example_yaml(), user=None, district=world.district)}
