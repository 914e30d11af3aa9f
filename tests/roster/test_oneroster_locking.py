"""An import holds SQLite's write lock only while it writes (issue 8, defect 5).

On SQLite a writer locks the whole database. The import reads and validates the
export outside its write transaction, so a score saved meanwhile does not wait;
the writing itself is still one transaction, so the import stays all or nothing.
"""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from efficacy.access.roster import ROSTER_SCOPE_ALL
from efficacy.roster.models import District, Student
from efficacy.roster.oneroster import RosterImportInvalid, roster_import
from efficacy.roster.oneroster.generate import district_generate
from efficacy.roster.oneroster.writing import Writer

SIZE = {"students": 60, "staff": 6, "classes": 4, "enrollments": 180}


def write_from_another_connection() -> str:
    """Write a row from another thread (its own connection): "written", or the error."""
    outcome = []

    def write() -> None:
        try:
            with transaction.atomic():
                District.objects.create(name="Written meanwhile")
            outcome.append("written")
        except OperationalError as error:
            outcome.append(str(error))
        finally:
            connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    return outcome[0]


def test_another_writer_is_not_kept_waiting_while_an_import_reads_and_validates(
    sqlite_file_db, tmp_path
):
    source = district_generate(tmp_path / "export", **SIZE)
    meanwhile = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "validating" and done == 1:  # read, planned, rows built; nothing written
            meanwhile["validated"] = write_from_another_connection()

    summary = roster_import(source=source, scope=ROSTER_SCOPE_ALL, progress=progress)

    assert meanwhile == {"validated": "written"}
    assert summary.counts["users"]["created"] == 66
    assert summary.write_seconds > 0


def test_an_import_that_fails_while_writing_writes_nothing(sqlite_file_db, tmp_path, monkeypatch):
    source = district_generate(tmp_path / "export", **SIZE)

    def terms_clash(self, rows, stale):  # after the orgs, sessions, courses and classes
        raise IntegrityError("UNIQUE constraint failed: roster_schoolclass_terms")

    monkeypatch.setattr(Writer, "write_class_terms", terms_clash)

    with pytest.raises(RosterImportInvalid) as caught:
        roster_import(source=source, scope=ROSTER_SCOPE_ALL)

    assert str(caught.value.problems[0]).startswith("*::: the roster changed while")
    assert not Student.objects.filter(sourced_id__startswith="u-s").exists()
    assert not District.objects.filter(sourced_id="d-1").exists()
