"""Backups: the database and every uploaded file in one file, and their restore.

A backup is a tar file, gzip-compressed when its name ends in ``.gz`` or ``.tgz``::

    database/efficacy.sqlite3   SQLite: a consistent copy made with the online backup API
    database/efficacy.pgdump    PostgreSQL: ``pg_dump --format=custom`` of one snapshot
    files/<name>                each file of Django's default storage, under its storage name
    manifest.json               what the backup holds: format version, Efficacy's version, the
                                database engine, the migrations applied, when it was made,
                                the rows of each table, and each member's size and SHA-256

The manifest comes last, so a backup is written in one pass (each member is hashed as it
is written) and a truncated file is told apart from a whole one: its manifest is missing.
A backup is written beside its path and renamed into place when complete, with mode 0600
(it holds student data): a failed backup never leaves a file that looks like one.

The database copy is consistent while the app runs and writes: SQLite's backup API reads
one snapshot (WAL lets writers go on meanwhile); ``pg_dump`` dumps the snapshot in which
the rows were counted (``--snapshot``). Files are read after the database: a file uploaded
meanwhile is in the backup but unreferenced; a file deleted meanwhile may be missing.

A restore checks the whole file first (every member's checksum, the engine, the schema)
and refuses, changing nothing, a file that is not a backup, is damaged, holds another
engine's database or a newer schema than this version of Efficacy knows. The database is
then replaced in one transaction, so a failed restore leaves the old data: SQLite through
the backup API into the live file (other connections see the old database or the new one);
PostgreSQL by one transaction in ``psql`` that drops every table, sequence, view and
function of the schema and runs ``pg_restore``'s script, committed only when all went well. Files are restored last, through
the storage API; a failure there says so (exit 1) and running the restore again finishes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management.base import CommandError
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from efficacy.database import refresh_statistics

FORMAT = "efficacy-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {
    "sqlite": "database/efficacy.sqlite3",
    "postgresql": "database/efficacy.pgdump",
}
FILES = "files/"
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

#: Files are copied in chunks of this size; a file up to SPOOL_BYTES is held in memory
#: while it is hashed, a larger one in a temporary file.
CHUNK = 1024 * 1024
SPOOL_BYTES = 8 * CHUNK
#: A manifest larger than this is not one of ours.
MANIFEST_MAX_BYTES = 64 * CHUNK
#: How long the PostgreSQL restore waits for a table another session holds.
PG_LOCK_TIMEOUT = "120s"

Progress = Callable[[str], None]


class BackupFailed(Exception):
    """The backup or restore could not be done (exit 1): the message says why and what to do."""


class BackupRefused(Exception):
    """The file is not one this installation may restore (exit 2): nothing was changed."""


@dataclass(frozen=True)
class Member:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    engine: str
    app_version: str
    created_at: str
    migrations: list[tuple[str, str]]
    tables: dict[str, int]
    members: list[Member]
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def files(self) -> list[Member]:
        return [m for m in self.members if m.path.startswith(FILES)]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["migrations"] = [list(m) for m in self.migrations]
        return data

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError
            version = int(data["format_version"])
        except (ValueError, KeyError, TypeError):
            raise BackupRefused(_not_a_backup()) from None
        if version > FORMAT_VERSION:
            raise BackupRefused(
                _(
                    "This backup was written in format %(found)s by a newer version of Efficacy "
                    "(%(app)s); this one reads format %(known)s. Upgrade Efficacy, then restore."
                )
                % {"found": version, "known": FORMAT_VERSION, "app": data.get("app_version")}
            )
        try:
            return cls(
                engine=str(data["engine"]),
                app_version=str(data["app_version"]),
                created_at=str(data["created_at"]),
                migrations=[(str(app), str(name)) for app, name in data["migrations"]],
                tables={str(k): int(v) for k, v in data["tables"].items()},
                members=[
                    Member(path=str(m["path"]), size=int(m["size"]), sha256=str(m["sha256"]))
                    for m in data["members"]
                ],
                format_version=version,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BackupRefused(_damaged(_("its manifest cannot be read"))) from None


@dataclass(frozen=True)
class Summary:
    """What a backup holds, or what a restore put back (``--json``)."""

    path: str
    engine: str
    created_at: str
    tables: int
    rows: int
    files: int
    bytes: int
    rows_by_table: dict[str, int] = field(default_factory=dict)
    #: Migrations this version of Efficacy has and the restored database has not.
    migrations_pending: int = 0

    @classmethod
    def of(cls, manifest: Manifest, path: Path, pending: int = 0) -> Summary:
        return cls(
            path=str(path),
            engine=manifest.engine,
            created_at=manifest.created_at,
            tables=len(manifest.tables),
            rows=sum(manifest.tables.values()),
            files=len(manifest.files),
            bytes=sum(m.size for m in manifest.files),
            rows_by_table=dict(manifest.tables),
            migrations_pending=pending,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def figures(self) -> dict[str, Any]:
        """What the commands' sentences say: the engine's name and the counts, grouped."""
        return {
            "engine": ENGINE_NAMES[self.engine],
            "tables": self.tables,
            "rows": f"{self.rows:,}",
            "files": self.files,
            "bytes": f"{self.bytes:,}",
        }


#: The exit status of ``efficacy backup`` and ``efficacy restore``: failed (what is left is
#: said), and refused with nothing changed.
EXIT_FAILED, EXIT_REFUSED = 1, 2


@contextlib.contextmanager
def exit_statuses() -> Iterator[None]:
    """In a command: a refusal or a failure becomes its message and its exit status."""
    try:
        yield
    except BackupRefused as refused:
        raise CommandError(str(refused), returncode=EXIT_REFUSED) from None
    except BackupFailed as failed:
        raise CommandError(str(failed), returncode=EXIT_FAILED) from None


# --- Backup ---------------------------------------------------------------------------


def backup_create(
    *, path: Path, storage: Storage | None = None, progress: Progress | None = None
) -> Summary:
    """Write a backup of the default database and of ``storage`` (the default) to ``path``."""
    storage = storage or default_storage
    say = progress or (lambda stage: None)
    connection = connections["default"]
    engine = _engine(connection)
    path = path.expanduser()
    if path.is_dir():
        raise BackupRefused(
            _("%(path)s is a folder: give the backup file's name, e.g. %(example)s.")
            % {"path": path, "example": path / "efficacy-backup.tar.gz"}
        )
    if not path.parent.is_dir():
        raise BackupRefused(
            _("The folder %(folder)s does not exist: create it or choose another path.")
            % {"folder": path.parent}
        )
    descriptor, partial = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
    )
    os.close(descriptor)  # mkstemp made it 0600, and tarfile keeps that mode
    try:
        with tempfile.TemporaryDirectory(prefix="efficacy-backup-") as scratch:
            say(_("database"))
            dump = Path(scratch) / "database"
            migrations, tables = (
                _sqlite_dump(connection, dump)
                if engine == "sqlite"
                else _postgresql_dump(connection, dump)
            )
            members: list[Member] = []
            with _open_for_writing(partial, compressed=path.name.endswith((".gz", ".tgz"))) as tar:
                with dump.open("rb") as source:
                    members.append(_add(tar, DATABASE_MEMBERS[engine], source))
                dump.unlink()
                say(_("files"))
                for name in storage_names(storage):
                    try:
                        with storage.open(name, "rb") as source:
                            members.append(_add(tar, FILES + name, source))
                    except FileNotFoundError:
                        continue  # deleted since it was listed: it is not part of "now"
                manifest = Manifest(
                    engine=engine,
                    app_version=_app_version(),
                    created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    migrations=migrations,
                    tables=tables,
                    members=members,
                )
                raw = json.dumps(manifest.to_dict(), indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = (
                    len(raw),
                    int(dt.datetime.now().timestamp()),
                    0o600,
                )
                tar.addfile(info, io.BytesIO(raw))
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise
    return Summary.of(manifest, path)


def storage_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file's name in ``storage``, walking its folders (a local folder or a bucket)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local storage whose folder nobody has written to yet
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for name in sorted(folders):
        yield from storage_names(storage, prefix + name)


def _sqlite_dump(
    connection: BaseDatabaseWrapper, target: Path
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Copy the live database to ``target`` with SQLite's online backup API.

    One step copies every page in one read transaction: a snapshot, while WAL lets other
    connections write. The copy is then a single file (journal mode DELETE, no WAL beside).
    """
    live = _sqlite_path(connection)
    if not live.is_file():
        raise BackupFailed(
            _("There is no database at %(path)s: run `efficacy migrate` first.") % {"path": live}
        )
    source = sqlite3.connect(live, timeout=60)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        return _applied_and_counts(copy.cursor(), "sqlite")
    finally:
        copy.close()
        source.close()


def _postgresql_dump(
    connection: BaseDatabaseWrapper, target: Path
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """``pg_dump --format=custom`` of the snapshot in which the rows are counted."""
    pg_dump = pg_tool("pg_dump")
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        cursor = raw.cursor()
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        applied, tables = _applied_and_counts(cursor, "postgresql")
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            connection,
            _("pg_dump could not dump the database"),
        )
        cursor.execute("COMMIT")
    finally:
        raw.close()
    return applied, tables


def _applied_and_counts(cursor: Any, engine: str) -> tuple[list[tuple[str, str]], dict[str, int]]:
    if engine == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    names = sorted(row[0] for row in cursor.fetchall())
    tables = {}
    for name in names:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")
        tables[name] = int(cursor.fetchone()[0])
    applied: list[tuple[str, str]] = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        applied = [(str(app), str(name)) for app, name in cursor.fetchall()]
    return applied, tables


def _add(tar: tarfile.TarFile, name: str, source: IO[bytes]) -> Member:
    """Add ``source`` to ``tar`` as ``name``, hashed on the way (spooled: its size first)."""
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            spool.write(chunk)
            size += len(chunk)
        spool.seek(0)
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(dt.datetime.now().timestamp()), 0o600
        tar.addfile(info, spool)
    return Member(path=name, size=size, sha256=digest.hexdigest())


# --- Check ------------------------------------------------------------------------------


def backup_check(*, path: Path) -> Manifest:
    """Read the whole backup at ``path`` and return its manifest, or refuse it.

    Refused (:class:`BackupRefused`, nothing changed): not a file, not a backup, damaged
    (a member missing, added or different from its checksum; truncated), another database
    engine's, or a schema newer than this version of Efficacy knows.
    """
    path = path.expanduser()
    if not path.is_file():
        raise BackupRefused(_("There is no file at %(path)s.") % {"path": path})
    seen: dict[str, tuple[int, str]] = {}
    raw_manifest: bytes | None = None
    try:
        with tarfile.open(path, "r:*") as tar:
            for info in tar:
                if info.name == MANIFEST and raw_manifest is None:
                    raw_manifest = _extract(tar, info).read(MANIFEST_MAX_BYTES + 1)
                    continue
                if not info.isfile() or info.name in seen:
                    raise BackupRefused(_not_a_backup())
                digest, size = hashlib.sha256(), 0
                member = _extract(tar, info)
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                seen[info.name] = (size, digest.hexdigest())
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        if not seen:
            raise BackupRefused(_not_a_backup()) from None
        raise BackupRefused(_damaged(str(error))) from None
    if raw_manifest is None:
        if not any(name in DATABASE_MEMBERS.values() for name in seen):
            raise BackupRefused(_not_a_backup())
        raise BackupRefused(_damaged(_("its manifest is missing: the file is truncated")))
    if len(raw_manifest) > MANIFEST_MAX_BYTES:
        raise BackupRefused(_not_a_backup())
    manifest = Manifest.from_json(raw_manifest)
    listed = {m.path: (m.size, m.sha256) for m in manifest.members}
    for name, expected in listed.items():
        if name not in seen:
            raise BackupRefused(_damaged(_("%(name)s is missing") % {"name": name}))
        if seen[name] != expected:
            raise BackupRefused(
                _damaged(_("%(name)s does not match its checksum") % {"name": name})
            )
    for name in seen:
        if name not in listed:
            raise BackupRefused(_damaged(_("%(name)s is not in its manifest") % {"name": name}))
    if DATABASE_MEMBERS.get(manifest.engine) not in listed:
        raise BackupRefused(_damaged(_("it holds no database")))
    for listed_file in manifest.files:
        _storage_name(listed_file)  # refuses a name that climbs out of the storage
    _check_fits(manifest)
    return manifest


def _check_fits(manifest: Manifest) -> None:
    """Refuse another engine's backup or a schema this code does not know."""
    connection = connections["default"]
    engine = _engine(connection)
    if manifest.engine != engine:
        raise BackupRefused(
            _(
                "This backup holds a %(theirs)s database and this installation uses "
                "%(ours)s. Restore it where Efficacy uses %(theirs)s (DATABASE_URL unset "
                "for SQLite, set for PostgreSQL); moving data between the two engines is "
                "not supported by backups."
            )
            % {
                "theirs": ENGINE_NAMES.get(manifest.engine, manifest.engine),
                "ours": ENGINE_NAMES[engine],
            }
        )
    unknown = sorted(set(manifest.migrations) - known_migrations())
    if unknown:
        raise BackupRefused(
            _(
                "This backup's database has %(n)d migration(s) this version of Efficacy "
                "(%(ours)s) does not know, e.g. %(example)s: it was made by a newer version "
                "(%(theirs)s). Install that version or a later one, then restore."
            )
            % {
                "n": len(unknown),
                "example": ".".join(unknown[0]),
                "ours": _app_version(),
                "theirs": manifest.app_version,
            }
        )


def known_migrations() -> set[tuple[str, str]]:
    """The migrations of this version of Efficacy (and of the libraries it uses)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.disk_migrations)


# --- Restore ----------------------------------------------------------------------------


def backup_restore(
    *,
    path: Path,
    manifest: Manifest,
    storage: Storage | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Replace the database and the files of ``storage`` by those of a checked backup.

    ``manifest`` is :func:`backup_check`'s; members are checked again as they are used.
    Django's connections are closed first: the database is replaced under them.
    """
    storage = storage or default_storage
    say = progress or (lambda stage: None)
    path = path.expanduser()
    connection = connections["default"]
    engine = _engine(connection)
    database_member = DATABASE_MEMBERS[engine]
    expected = {m.path: m for m in manifest.members}
    scratch_folder = _sqlite_path(connection).parent if engine == "sqlite" else None
    if scratch_folder is not None:
        scratch_folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".efficacy-restore-", dir=scratch_folder) as scratch:
        staged = Path(scratch) / "database"
        say(_("database"))
        with _open_backup(path) as tar:
            info = tar.getmember(database_member)
            with staged.open("wb") as target:
                _copy_checked(_extract(tar, info), target, expected[database_member])
        connections.close_all()
        if engine == "sqlite":
            _sqlite_restore(connection, staged)
        else:
            _postgresql_restore(connection, staged)
            # A dump holds no planner statistics: gather them before anyone reads a page.
            refresh_statistics()
    say(_("files"))
    try:
        _files_restore(path, manifest, storage)
    except (OSError, tarfile.TarError, BackupFailed) as error:
        raise BackupFailed(
            _(
                "The database was restored, but not every file: %(error)s. Fix the cause "
                "and run the restore again."
            )
            % {"error": error}
        ) from None
    pending = len(known_migrations() - set(manifest.migrations))
    return Summary.of(manifest, path, pending=pending)


def _sqlite_restore(connection: BaseDatabaseWrapper, staged: Path) -> None:
    """Copy ``staged`` into the live database in one write transaction (the backup API)."""
    check = sqlite3.connect(staged)
    try:
        verdict = check.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        verdict = str(error)
    finally:
        check.close()
    if verdict != "ok":
        raise BackupFailed(
            _("The backup's database cannot be read (%(verdict)s); the old data is kept.")
            % {"verdict": verdict}
        )
    live = _sqlite_path(connection)
    source = sqlite3.connect(staged)
    target = sqlite3.connect(live, timeout=60)
    try:
        source.backup(target)
    except sqlite3.Error as error:
        raise BackupFailed(
            _("SQLite refused the restore into %(path)s (%(error)s); the old data is kept.")
            % {"path": live, "error": error}
        ) from None
    finally:
        target.close()
        source.close()


#: Run first in the restore's transaction: every table, view, sequence and function of the
#: schema goes (whatever their migrations), so the dump's are created in an empty schema.
PG_EMPTY_SCHEMA = f"""
SET lock_timeout = '{PG_LOCK_TIMEOUT}';
DO $$
DECLARE
  item record;
BEGIN
  FOR item IN SELECT format('%I.%I', schemaname, viewname) AS name FROM pg_views
              WHERE schemaname = current_schema() LOOP
    EXECUTE 'DROP VIEW IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
  FOR item IN SELECT format('%I.%I', schemaname, matviewname) AS name FROM pg_matviews
              WHERE schemaname = current_schema() LOOP
    EXECUTE 'DROP MATERIALIZED VIEW IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
  FOR item IN SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
              WHERE schemaname = current_schema() LOOP
    EXECUTE 'DROP TABLE IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
  FOR item IN SELECT format('%I.%I', sequence_schema, sequence_name) AS name
              FROM information_schema.sequences WHERE sequence_schema = current_schema() LOOP
    EXECUTE 'DROP SEQUENCE IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
  FOR item IN SELECT p.oid::regprocedure::text AS name FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname = current_schema() LOOP
    EXECUTE 'DROP FUNCTION IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
END $$;
"""


def _postgresql_restore(connection: BaseDatabaseWrapper, staged: Path) -> None:
    """Empty the schema and restore the dump in one transaction: all of it, or nothing.

    ``pg_restore`` writes the dump as SQL, which is streamed into ``psql`` between our own
    BEGIN and COMMIT: the COMMIT is sent only when ``pg_restore`` finished without error,
    and ``psql`` stops at the first failing statement (ON_ERROR_STOP). In every other case
    (an unreadable dump, a refused statement, this process killed) the transaction is
    never committed, and PostgreSQL rolls it back: the old data stays.
    """
    pg_restore, psql = pg_tool("pg_restore"), pg_tool("psql")
    environment = _pg_environment(connection)
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as psql_errors:
        applier = subprocess.Popen(
            [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=environment,
        )
        script = subprocess.Popen(
            [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(staged)],
            stdout=subprocess.PIPE,
            stderr=script_errors,
            env=environment,
        )
        assert applier.stdin is not None
        assert script.stdout is not None
        try:
            applier.stdin.write(b"BEGIN;\n" + PG_EMPTY_SCHEMA.encode() + b"\n")
            shutil.copyfileobj(script.stdout, applier.stdin, CHUNK)
            script.wait()
            applier.stdin.write(b"COMMIT;\n" if script.returncode == 0 else b"ROLLBACK;\n")
            applier.stdin.close()
        except BrokenPipeError:  # psql stopped at an error: nothing was committed
            script.kill()
        finally:
            script.stdout.close()
            script.wait()
            with contextlib.suppress(BrokenPipeError):
                applier.stdin.close()
            applier.wait()
        if script.returncode == 0 and applier.returncode == 0:
            return
        script_errors.seek(0)
        psql_errors.seek(0)
        detail = (script_errors.read() + psql_errors.read()).decode(errors="replace").strip()
    raise BackupFailed(
        _("PostgreSQL refused the restore; the old data is kept. It said: %(detail)s")
        % {"detail": detail[-2000:]}
    )


def _files_restore(path: Path, manifest: Manifest, storage: Storage) -> None:
    """Put back every file of the backup, then delete the files it does not hold."""
    expected = {m.path: m for m in manifest.files}
    with _open_backup(path) as tar:
        for info in tar:
            member = expected.get(info.name)
            if member is None:
                continue
            name = _storage_name(member)
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
                _copy_checked(_extract(tar, info), spool, member)
                spool.seek(0)
                if storage.exists(name):
                    storage.delete(name)
                saved = storage.save(name, File(spool, name=PurePosixPath(name).name))
            if saved != name:
                raise BackupFailed(
                    _("the storage saved %(name)s as %(saved)s") % {"name": name, "saved": saved}
                )
    kept = {_storage_name(m) for m in manifest.files}
    for name in list(storage_names(storage)):
        if name not in kept:
            storage.delete(name)


# --- Helpers ----------------------------------------------------------------------------


def _engine(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupFailed(
            _("Backups support SQLite and PostgreSQL; this database is %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return str(connection.vendor)


def _sqlite_path(connection: BaseDatabaseWrapper) -> Path:
    if connection.is_in_memory_db():  # type: ignore[attr-defined]
        raise BackupFailed(_("The database is in memory: there is no file to back up or restore."))
    return Path(connection.settings_dict["NAME"])


def pg_tool(name: str) -> str:
    """A PostgreSQL client tool, from PATH or else the newest in /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found

    def version(candidate: str) -> tuple[int, ...]:
        number = Path(candidate).parent.parent.name
        return tuple(int(p) for p in number.split(".") if p.isdigit())

    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if installed:
        return installed[-1]
    raise BackupFailed(
        _(
            "%(tool)s was not found on PATH nor in /usr/lib/postgresql/*/bin. Install "
            "PostgreSQL's client tools, of the server's version or newer (Debian and "
            "Ubuntu: apt install postgresql-client), then try again."
        )
        % {"tool": name}
    )


#: Connection options Django passes to psycopg that the client tools read from PG*.
PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def _pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The client tools' connection, from Django's settings (the password never on a
    command line, where ``ps`` shows it)."""
    settings = connection.settings_dict
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, variable in (
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if settings.get(key):
            environment[variable] = str(settings[key])
    for option, variable in PG_OPTIONS.items():
        if settings.get("OPTIONS", {}).get(option):
            environment[variable] = str(settings["OPTIONS"][option])
    return environment


def _run(command: list[str], connection: BaseDatabaseWrapper, failure: str) -> None:
    done = subprocess.run(
        command, capture_output=True, env=_pg_environment(connection), check=False
    )
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip()[-2000:]
        raise BackupFailed(f"{failure}: {detail}")


def _open_backup(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError) as error:
        raise BackupFailed(str(error)) from None


def _extract(tar: tarfile.TarFile, info: tarfile.TarInfo) -> IO[bytes]:
    member = tar.extractfile(info)
    if member is None:  # not a regular file
        raise BackupRefused(_not_a_backup())
    return member


def _copy_checked(source: IO[bytes], target: IO[bytes], member: Member) -> None:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    if (size, digest.hexdigest()) != (member.size, member.sha256):
        raise BackupFailed(
            _("%(name)s changed since the backup was checked: it no longer matches its checksum")
            % {"name": member.path}
        )


def _storage_name(member: Member) -> str:
    name = member.path[len(FILES) :]
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or any(p in ("..", ".", "") for p in parts):
        raise BackupRefused(_damaged(_("%(name)s is not a file name") % {"name": member.path}))
    return name


def _open_for_writing(path: str, *, compressed: bool) -> tarfile.TarFile:
    if compressed:
        return tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT)
    return tarfile.open(path, "w", format=tarfile.PAX_FORMAT)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _app_version() -> str:
    try:
        return metadata.version("efficacy")
    except metadata.PackageNotFoundError:
        return "unknown"


def _not_a_backup() -> str:
    return _(
        "This file is not an Efficacy backup (one is made by `efficacy backup PATH`). "
        "Check the path."
    )


def _damaged(why: str) -> str:
    return _(
        "This backup is damaged (%(why)s). Restore another backup, e.g. the one before it."
    ) % {"why": why}
