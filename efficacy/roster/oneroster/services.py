"""The roster import: one call, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

from efficacy.roster.oneroster.planning import plan_build
from efficacy.roster.oneroster.problems import ImportSummary, Problem, RosterImportInvalid
from efficacy.roster.oneroster.reading import read_export
from efficacy.roster.oneroster.snapshot import snapshot_load
from efficacy.roster.oneroster.writing import Writer

Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


@contextmanager
def _sqlite_cache() -> Iterator[None]:
    """On SQLite, a page cache large enough for the indexes of a district's enrollments.

    SQLite's default 2 MiB cache makes every insert into a large index go to disk.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB, in KiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def roster_import(*, source: Path | str, progress: Progress | None = None) -> ImportSummary:
    """Import a OneRoster 1.1 or 1.2 export (a .zip or a folder) into the roster.

    The whole export is validated first, against itself and the database; if
    anything is wrong ``RosterImportInvalid`` lists every problem and nothing is
    written. Otherwise records are upserted by sourcedId in one transaction.
    """
    report = progress or _quiet
    problems: list[Problem] = []
    report("reading files", 0, 1)
    export = read_export(Path(source), problems)
    if problems:
        # A file that cannot be read would make every reference to it look broken.
        raise RosterImportInvalid(problems)
    report("reading files", 1, 1)
    # One transaction from the first read to the last write: validation sees
    # the same database the upsert writes to.
    with transaction.atomic(), _sqlite_cache():
        report("validating", 0, 1)
        snapshot = snapshot_load()
        plan = plan_build(export=export, snapshot=snapshot, problems=problems)
        report("validating", 1, 1)
        if problems:
            raise RosterImportInvalid(problems)
        counts = Writer(plan, snapshot, report).run()
    return ImportSummary(version=export.version, counts=counts)
