"""Primary keys that say nothing about the order rows arrived in.

An anonymous answer must not be ordered by arrival (DESIGN.md, principle 3): an
auto-incrementing id would let anyone who reads the table line answers up with
the moment each person said they had answered. :class:`RandomKeyField` is a
random 63-bit integer. On SQLite its column type is ``integer``, so it *is* the
table's rowid (an ``INTEGER PRIMARY KEY``) and SQLite keeps no hidden
arrival-ordered rowid beside it; on PostgreSQL it is a plain ``bigint`` with no
sequence.
"""

from __future__ import annotations

import secrets

from django.db import models


def random_key() -> int:
    """A random positive 63-bit integer (a collision is one in 2^63 per pair)."""
    return secrets.randbits(63) or 1


class RandomKeyField(models.BigIntegerField):
    """A random, non-sequential primary key (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("default", random_key)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)
