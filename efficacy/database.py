"""The query planner's statistics, refreshed after a bulk write.

PostgreSQL plans each query from statistics about its tables (how many rows, which
values) that ``ANALYZE`` gathers. Autovacuum refreshes them in the background, but a
minute or more after a bulk write, and never where it is turned off; until then a table
just filled is planned as if it were nearly empty. Measured on the demo school: a home
page's query over the roster took 1.6 s instead of 1 ms, and fifty staff at a person's
pace waited seconds for every page. So whatever writes in bulk (a roster import, the
demo, a restore, a score upload) refreshes the statistics of what it wrote at once.

SQLite plans these queries well from its indexes alone: nothing is done there.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import Model


def refresh_statistics(*models: type[Model], using: str = "default") -> None:
    """``ANALYZE`` the tables of ``models`` (every table when none is given), on
    PostgreSQL. A fraction of a second for a district's roster: PostgreSQL reads a
    sample of each table, not all of it."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(sorted({connection.ops.quote_name(m._meta.db_table) for m in models}))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}" if tables else "ANALYZE")
