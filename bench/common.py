"""Small helpers shared by the benchmarks."""

from __future__ import annotations

import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def peak_memory_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1, for a server a benchmark starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_ensure(url: str, *, drop: bool = False) -> None:
    """Create (or drop) the PostgreSQL database ``url`` names, on its server."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if drop and exists:
            db.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        elif not drop and not exists:
            db.execute(f'CREATE DATABASE "{name}"')


def timed(fn: Callable[[], object], *, repeat: int = 1) -> tuple[float, object]:
    """Median wall time in seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def setup_django_on_a_fresh_database(name: str, *, workdir: Path | None = None) -> Path:
    """Django on a migrated database in a new temporary folder (SQLite there, or
    ``BENCH_DATABASE_URL``), which is also the data folder. Returns the folder; the
    caller removes it. Given ``workdir`` (created if missing), that folder is used instead
    and a database already in it is kept (migrated, not emptied)."""
    if workdir is None:
        workdir = Path(tempfile.mkdtemp(prefix=f"efficacy-bench-{name}-"))
    else:
        workdir.mkdir(parents=True, exist_ok=True)
    # Settings read DATABASE_URL at import: set it before Django starts.
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"
    )
    os.environ["EFFICACY_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "efficacy.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return workdir


def child_figures(
    argv: list[str],
    run: Callable[[int, Path | None], dict],
    *,
    schools: int,
    kept_as: str,
    marker: str,
) -> dict:
    """The part of a two-database benchmark (``--child``) that runs on one database:
    ``run(schools, keep)`` on SQLite, or on the PostgreSQL database ``BENCH_DATABASE_URL``
    names (created first; dropped after with ``--drop-database``, with what ``--keep``
    remembered of it, ``<kept_as>-postgresql-<name>.json``). ``--json`` prints the
    figures after ``marker``."""
    schools = int(argv[argv.index("--schools") + 1]) if "--schools" in argv else schools
    keep = Path(argv[argv.index("--keep") + 1]).resolve() if "--keep" in argv else None
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url.startswith("postgres"):
        postgres_ensure(url)
    try:
        figures = run(schools, keep)
    finally:
        if url.startswith("postgres") and "--drop-database" in argv:
            from django.db import connections

            connections.close_all()
            postgres_ensure(url, drop=True)
            if keep is not None:
                name = urlsplit(url).path.lstrip("/")
                (keep / f"{kept_as}-postgresql-{name}.json").unlink(missing_ok=True)
    if "--json" in argv:
        print(f"{marker} " + json.dumps(figures))
    return figures


def on_each_database(module: str, argv: list[str]) -> int:
    """Run ``python -m module --child`` on SQLite, then on PostgreSQL when
    ``BENCH_DATABASE_URL`` is set, each in its own process (Django is set up once a
    process); 1 when either failed."""
    command = [sys.executable, "-m", module, "--child", *argv]
    sqlite_env = {k: v for k, v in os.environ.items() if k != "BENCH_DATABASE_URL"}
    failed = subprocess.call(command, env=sqlite_env) != 0
    if os.environ.get("BENCH_DATABASE_URL"):
        print(flush=True)
        failed |= subprocess.call(command) != 0
    return 1 if failed else 0
