"""``efficacy backup`` and ``efficacy restore``: every table and every file round-trips,
on whichever database the suite runs (CI runs it on SQLite and on PostgreSQL); a file
that is not a backup, is damaged, another engine's or from a newer schema is refused with
nothing changed; a SQLite backup taken while another connection writes is consistent."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from efficacy.ops.backup import (
    DATABASE_MEMBERS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    backup_create,
    known_migrations,
    pg_tool,
    storage_names,
)

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def live_database(request):
    """The database as the app runs on it: on SQLite a file in WAL mode (the test database
    is in memory, which has no file to back up), on PostgreSQL the test database."""
    if connection.vendor == "sqlite":
        return request.getfixturevalue("sqlite_file_db")
    request.getfixturevalue("transactional_db")
    return None


def build_a_small_school() -> None:
    """Rows in every app: the roster, a cycle with a score, an observation, a win, an API
    token, a queued task, a group with a permission, a session (and their audit events)."""
    from efficacy.api.tokens import token_create
    from efficacy.cycles.evidence.services import score_set
    from efficacy.cycles.impact.tasks import impact_recompute_task
    from efficacy.cycles.models import LookFor, Strategy
    from efficacy.cycles.plan.services import measure_create, occasion_create
    from efficacy.cycles.plan.strategy_library import library_install
    from efficacy.voice.models import Win
    from tests.practice.fixtures import english_round
    from tests.world import World

    library_install(Strategy, LookFor)
    world = World()
    observation = english_round(world)
    cycle = observation.cycle
    measure = measure_create(
        user=world.lead_english, cycle=cycle, name="Rubric", kind="rubric", min_score=1, max_score=4
    )
    baseline = occasion_create(
        user=world.lead_english, cycle=cycle, name="Baseline", kind="baseline"
    )
    score_set(user=world.teacher_a, measure=measure, occasion=baseline, student=world.ava, value=3)
    Win.objects.create(
        school=world.school_a,
        author=world.teacher_a,
        week=dt.date(2024, 10, 7),
        text="Ava inferred.",
    )
    token_create(user=world.analyst, name="notebook")
    impact_recompute_task.enqueue(school_id=world.school_a.pk)
    Group.objects.create(name="Backup operators").permissions.add(Permission.objects.first())
    session = SessionStore()
    session["seen"] = True
    session.create()


def upload_files() -> None:
    default_storage.save("photos/2024/10/work-ava.jpg", ContentFile(JPEG))
    default_storage.save(
        "imports/roster/lakeshore-2025.zip", ContentFile(b"PK\x03\x04" + os.urandom(4000))
    )
    default_storage.save("report.pdf", ContentFile(b"%PDF-1.7 the cycle's story"))


JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"


def database_snapshot() -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of its rows (sorted: the order does not matter)."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(
                repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                for row in cursor.fetchall()
            )
            snapshot[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    models = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    assert models <= set(snapshot), "every model's table is compared"
    return snapshot


def files_snapshot() -> dict[str, bytes]:
    result = {}
    for name in storage_names(default_storage):
        with default_storage.open(name, "rb") as handle:
            result[name] = handle.read()
    return result


def change_everything() -> None:
    from efficacy.roster.models import Student
    from efficacy.voice.models import Win

    Win.objects.all().delete()
    Student.objects.filter(given_name="Eli").update(family_name="Changed")
    Group.objects.create(name="Made after the backup")
    default_storage.delete("report.pdf")
    default_storage.delete("photos/2024/10/work-ava.jpg")
    default_storage.save("photos/2024/10/work-ava.jpg", ContentFile(b"another photo"))
    default_storage.save("photos/after-the-backup.jpg", ContentFile(JPEG))


@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_back_every_table_and_every_file(live_database, tmp_path):
    build_a_small_school()
    upload_files()
    tables, files = database_snapshot(), files_snapshot()
    path = tmp_path / "backups" / "efficacy.tar.gz"
    path.parent.mkdir()

    out = io.StringIO()
    call_command("backup", str(path), "--json", stdout=out)
    made = json.loads(out.getvalue())
    assert made["engine"] == connection.vendor
    assert made["files"] == 3
    assert made["bytes"] == sum(len(b) for b in files.values())
    assert made["rows_by_table"]["voice_win"] == 1
    assert made["rows"] == sum(count for count, _ in tables.values())
    assert path.stat().st_mode & 0o077 == 0, "a backup holds student data: its owner's only"

    change_everything()
    assert database_snapshot() != tables
    assert files_snapshot() != files

    out = io.StringIO()
    call_command("restore", str(path), "--yes", "--json", stdout=out)
    restored = json.loads(out.getvalue())

    assert database_snapshot() == tables
    assert files_snapshot() == files
    assert restored["tables"] == made["tables"]
    assert restored["rows"] == made["rows"]
    assert restored["files"] == 3
    assert restored["migrations_pending"] == 0


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_refused_when_a_byte_of_it_changed_and_nothing_is_restored(
    live_database, tmp_path
):
    upload_files()
    path = tmp_path / "efficacy.tar"
    backup_create(path=path)
    data = bytearray(path.read_bytes())
    at = data.index(JPEG[:64])  # inside the photo, not in a tar header
    data[at + 10] ^= 0xFF
    path.write_bytes(bytes(data))
    Group.objects.create(name="Kept")

    with pytest.raises(
        CommandError, match=r"damaged .*work-ava\.jpg does not match its checksum"
    ) as refused:
        call_command("restore", str(path), "--yes")

    assert refused.value.returncode == 2
    assert Group.objects.filter(name="Kept").exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_that_cannot_be_restored_fails_and_leaves_the_old_data(live_database, tmp_path):
    """The backup passes its checks (a true manifest) but its database member is not a
    database: the restore fails (exit 1) before or inside its transaction, and nothing
    of the old data is lost."""
    Group.objects.create(name="Kept")
    path = forged_backup(tmp_path / "garbage.tar")

    with pytest.raises(CommandError, match="the old data is kept") as failed:
        call_command("restore", str(path), "--yes")

    assert failed.value.returncode == 1
    assert Group.objects.filter(name="Kept").exists()


# --- Refusals of forged files (no database is read or written) --------------------------


def forged_backup(
    path: Path,
    *,
    engine: str | None = None,
    migrations: list[tuple[str, str]] | None = None,
    files: dict[str, bytes] | None = None,
    format_version: int = FORMAT_VERSION,
    with_manifest: bool = True,
) -> Path:
    """A backup file made by hand: a database member of a few bytes and a true manifest."""
    engine = engine or connection.vendor
    members = {
        DATABASE_MEMBERS[engine]: b"a database",
        **{f"files/{k}": v for k, v in (files or {}).items()},
    }
    manifest = {
        "format": FORMAT,
        "format_version": format_version,
        "engine": engine,
        "app_version": "9.9.9",
        "created_at": "2026-12-01T02:00:00+00:00",
        "migrations": [
            list(m) for m in (migrations if migrations is not None else sorted(known_migrations()))
        ],
        "tables": {"roster_student": 0},
        "members": [
            {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in members.items()
        ],
    }
    if with_manifest:
        members[MANIFEST] = json.dumps(manifest).encode()
    with tarfile.open(path, "w:gz" if path.name.endswith(".gz") else "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def refusal(path: Path, *arguments: str) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), *arguments)
    assert refused.value.returncode == 2
    return str(refused.value)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a backup\n" * 100)
    assert "not an Efficacy backup" in refusal(text, "--yes")
    archive = tmp_path / "photos.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(text, arcname="notes.txt")
    assert "not an Efficacy backup" in refusal(archive, "--yes")
    assert "There is no file at" in refusal(tmp_path / "missing.tar", "--yes")


def test_restore_refuses_a_truncated_backup(tmp_path):
    whole = forged_backup(tmp_path / "whole.tar.gz", files={"a.jpg": os.urandom(200_000)})
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert "damaged" in refusal(cut, "--yes")
    no_manifest = forged_backup(tmp_path / "no-manifest.tar", with_manifest=False)
    assert "manifest is missing" in refusal(no_manifest, "--yes")


def test_restore_refuses_another_engines_backup(tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    message = refusal(forged_backup(tmp_path / "other.tar", engine=other), "--yes")
    assert "holds a" in message
    assert "moving data between the two engines is not supported" in message


def test_restore_refuses_a_newer_schema_or_format(tmp_path):
    newer = [*sorted(known_migrations()), ("roster", "9999_from_the_future")]
    message = refusal(forged_backup(tmp_path / "newer.tar", migrations=newer), "--yes")
    assert "roster.9999_from_the_future" in message
    assert "newer version" in message
    message = refusal(
        forged_backup(tmp_path / "format.tar", format_version=FORMAT_VERSION + 1), "--yes"
    )
    assert "newer version of Efficacy" in message


def test_restore_refuses_a_file_name_that_climbs_out_of_the_storage(tmp_path):
    path = forged_backup(tmp_path / "climb.tar", files={"../../etc/cron.d/x": b"* * * * * root sh"})
    assert "is not a file name" in refusal(path, "--yes")


def test_restore_without_yes_refuses_when_no_one_can_answer(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\n"))  # not a terminal
    message = refusal(forged_backup(tmp_path / "fine.tar"))
    assert "Add --yes" in message


def test_the_command_line_exits_2_with_a_message_not_a_traceback(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    done = subprocess.run(
        [sys.executable, "-m", "efficacy", "restore", str(text), "--yes"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        env={**os.environ, "EFFICACY_DATA_DIR": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "not an Efficacy backup" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_files_are_walked_through_the_storage_api():
    storage = InMemoryStorage()
    for name in ("b.txt", "photos/2024/x.jpg", "photos/y.jpg", "imports/z.zip"):
        storage.save(name, ContentFile(b"."))
    assert list(storage_names(storage)) == [
        "b.txt",
        "imports/z.zip",
        "photos/y.jpg",
        "photos/2024/x.jpg",
    ]


# --- Consistency while the app writes (SQLite) -----------------------------------------

BATCH = 25


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_taken_while_another_connection_writes_holds_whole_transactions(
    sqlite_file_db, tmp_path
):
    """A writer commits batches of BATCH rows in one transaction each, as fast as it can;
    each backup taken meanwhile holds only whole batches, and its manifest counts them."""
    setup = sqlite3.connect(sqlite_file_db)
    setup.execute("CREATE TABLE ops_probe (batch INTEGER NOT NULL, seq INTEGER NOT NULL)")
    setup.commit()
    setup.close()
    stop, committed = threading.Event(), [0]

    def write() -> None:
        writer = sqlite3.connect(sqlite_file_db, timeout=10, isolation_level=None)
        writer.execute("PRAGMA journal_mode=WAL")
        while not stop.is_set():
            writer.execute("BEGIN IMMEDIATE")
            batch = committed[0]
            writer.executemany(
                "INSERT INTO ops_probe VALUES (?, ?)", [(batch, i) for i in range(BATCH)]
            )
            writer.execute("COMMIT")
            committed[0] += 1
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while committed[0] < 3:
            stop.wait(0.01)
        backups = []
        for number in range(3):
            before = committed[0]
            summary = backup_create(path=tmp_path / f"during-{number}.tar")
            backups.append((summary, before, committed[0]))
    finally:
        stop.set()
        thread.join()

    assert any(after > before for _, before, after in backups), "the writer wrote meanwhile"
    for summary, _, _ in backups:
        with tarfile.open(summary.path) as tar:
            tar.extract(DATABASE_MEMBERS["sqlite"], tmp_path / "x", filter="data")
        copy = sqlite3.connect(tmp_path / "x" / DATABASE_MEMBERS["sqlite"])
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        sizes = copy.execute("SELECT COUNT(*) FROM ops_probe GROUP BY batch").fetchall()
        (rows,) = copy.execute("SELECT COUNT(*) FROM ops_probe").fetchone()
        copy.close()
        os.unlink(tmp_path / "x" / DATABASE_MEMBERS["sqlite"])
        assert sizes
        assert all(size == (BATCH,) for size in sizes), "no half transaction"
        assert summary.rows_by_table["ops_probe"] == rows


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_dumps_the_snapshot_it_counted_while_another_connection_writes(
    tmp_path,
):
    """pg_dump dumps the snapshot in which the manifest's rows were counted: whole
    transactions of a writer that commits meanwhile, as many rows as counted."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump's snapshot (SQLite's backup is tested above)")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE ops_probe (batch integer NOT NULL, seq integer NOT NULL)")
    stop, committed = threading.Event(), [0]

    def write() -> None:
        writer = connection.get_new_connection(connection.get_connection_params())
        writer.autocommit = True
        while not stop.is_set():
            with writer.transaction(), writer.cursor() as cursor:
                batch = committed[0]
                cursor.executemany(
                    "INSERT INTO ops_probe VALUES (%s, %s)", [(batch, i) for i in range(BATCH)]
                )
            committed[0] += 1
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while committed[0] < 3:
            stop.wait(0.01)
        summaries = [backup_create(path=tmp_path / f"during-{n}.tar") for n in range(2)]
    finally:
        stop.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE ops_probe")

    for summary in summaries:
        with tarfile.open(summary.path) as tar:
            dump = tar.extractfile(DATABASE_MEMBERS["postgresql"]).read()
        (tmp_path / "dump").write_bytes(dump)
        script = subprocess.run(
            [
                pg_tool("pg_restore"),
                "--data-only",
                "--table=ops_probe",
                "--file=-",
                str(tmp_path / "dump"),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rows = [line.split("\t") for line in script.splitlines() if line[:1].isdigit()]
        batches = {}
        for batch, _ in rows:
            batches[batch] = batches.get(batch, 0) + 1
        assert rows
        assert set(batches.values()) == {BATCH}, "no half transaction"
        assert summary.rows_by_table["ops_probe"] == len(rows)


def test_missing_postgresql_tools_are_named_with_how_to_install_them(monkeypatch):
    from efficacy.ops import backup

    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup.glob, "glob", lambda pattern: [])
    with pytest.raises(
        backup.BackupFailed, match=r"pg_dump was not found .*apt install postgresql-client"
    ):
        pg_tool("pg_dump")
    monkeypatch.setattr(
        backup.glob,
        "glob",
        lambda pattern: [
            "/usr/lib/postgresql/9.6/bin/pg_dump",
            "/usr/lib/postgresql/15/bin/pg_dump",
        ],
    )
    assert pg_tool("pg_dump") == "/usr/lib/postgresql/15/bin/pg_dump", "the newest"
