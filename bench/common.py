"""Small helpers shared by the benchmarks."""

from __future__ import annotations

import os
import resource
import socket
import statistics
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
