"""The roster import: one call, all or nothing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from efficacy.access.roster import RosterScope
from efficacy.database import refresh_statistics
from efficacy.roster.oneroster.planning import plan_build
from efficacy.roster.oneroster.problems import (
    ImportSummary,
    Problem,
    Problems,
    RosterImportInvalid,
)
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


def roster_import(
    *,
    source: Path | str,
    scope: RosterScope,
    progress: Progress | None = None,
    on_written: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import a OneRoster 1.1 or 1.2 export (a .zip or a folder) into the roster.

    The whole export is validated first, against itself, the database and the
    importer's ``scope`` (``access.roster_import_scope_for`` on the web,
    ``access.ROSTER_SCOPE_ALL`` on the command line); if anything is wrong
    ``RosterImportInvalid`` reports every problem (the first ones listed, the rest
    counted) and nothing is written.
    Otherwise records are upserted by sourcedId in one transaction.

    ``on_written`` is called inside that transaction, once the rows are written, with
    the summary: what it writes (a web run's outcome) commits with the rows or not at
    all, so a process killed in between never leaves the rows without their record.
    """
    report = progress or _quiet
    problems = Problems()
    report("reading files", 0, 1)
    export = read_export(Path(source), problems)
    if problems:
        # A file that cannot be read would make every reference to it look broken.
        raise RosterImportInvalid(problems)
    report("reading files", 1, 1)
    with _sqlite_cache():
        # Reading, validating and preparing the rows happen outside the write
        # transaction: on SQLite a writer locks the whole database, and a score saved
        # in a grid meanwhile must not wait for a whole import. Only the SQL holds it.
        report("validating", 0, 1)
        snapshot = snapshot_load()
        plan = plan_build(export=export, snapshot=snapshot, problems=problems, scope=scope)
        if problems:
            raise RosterImportInvalid(problems)
        # Every row is compared, counted and built before the transaction too.
        writer = Writer(plan, snapshot, report)
        writer.prepare()
        report("validating", 1, 1)
        started = time.perf_counter()
        try:
            with transaction.atomic():
                counts = writer.write()
                summary = ImportSummary(
                    version=export.version,
                    counts=counts,
                    scope=scope.to_dict(),
                    write_seconds=time.perf_counter() - started,
                )
                if on_written is not None:
                    on_written(summary)
        except IntegrityError:
            # The roster changed between validating and writing (another import, a new
            # account): nothing was written, and importing again validates afresh.
            raise RosterImportInvalid([_changed_meanwhile()]) from None
        summary.write_seconds = time.perf_counter() - started
    # The next pages query the rows just written: plan them from their real numbers.
    refresh_statistics(*apps.get_app_config("roster").get_models())
    return summary


def _changed_meanwhile() -> Problem:
    return Problem(
        file="*",
        line=None,
        column=None,
        message=_("the roster changed while this export was being imported; nothing was written"),
        hint=_("import the export again"),
    )
