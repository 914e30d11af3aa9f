"""Real server and worker processes for the fault tests, and the moment to kill them.

Each process is started in a session of its own (its own process group), so that
``kill()`` sends SIGKILL to it and every process it forked (gunicorn's workers) at
once, as a power cut or the kernel's out-of-memory killer would. Each one is
bounded: started on 127.0.0.1, waited for at most a few seconds, always killed by
the fixture that made it.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests

from tests.ops.processes import REPOSITORY, efficacy

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def database_url() -> str:
    """The URL of the database this test process uses, for the processes it starts."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    login = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{login}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


@dataclass
class Process:
    """One started process (and its process group), with its log file."""

    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group: nothing gets to clean up, roll back or say goodbye."""
        with suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        """SIGTERM (a clean stop), then SIGKILL if it takes more than a few seconds."""
        if self.alive():
            with suppress(ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(8)
        self.kill()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass
class Processes:
    """Starts the app's processes against the test's database; stops every one at the end."""

    env: dict[str, str]
    folder: Path
    started: list[Process] = field(default_factory=list)
    #: Whether a server has collected the static files yet (the first one does).
    collected: bool = False

    def _start(self, name: str, argv: list[str]) -> Process:
        log = self.folder / f"{name}-{len(self.started)}.log"
        with log.open("w", encoding="utf-8") as out:
            popen = subprocess.Popen(
                argv, cwd=REPOSITORY, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        process = Process(name, popen, log)
        self.started.append(process)
        return process

    def server(self, port: int, *, workers: int = 1) -> Process:
        """``efficacy serve`` on 127.0.0.1:``port``, answering before this returns."""
        argv = efficacy("serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers))
        if self.collected:  # restarted: the static files are there
            argv.append("--no-collectstatic")
        server = self._start("server", argv)
        self.collected = True
        wait_until(
            lambda: _answers(f"http://127.0.0.1:{port}/accounts/login/"),
            seconds=60,
            what="the server to answer",
            alive=server,
        )
        return server

    def worker(self) -> Process:
        """``efficacy worker``, taking tasks from the database's queue (and marking failed
        those of workers that went silent)."""
        return self._start("worker", efficacy("worker", "--no-startup-delay", "--interval", "0.2"))

    def stop_all(self) -> None:
        for process in self.started:
            process.stop()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_until(
    condition: Callable[[], object],
    *,
    seconds: float,
    what: str,
    every: float = 0.05,
    alive: Process | None = None,
) -> object:
    """Poll ``condition`` until it is true; fail saying ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if alive is not None and not alive.alive():
            raise AssertionError(
                f"{alive.name} stopped while waiting for {what}:\n{alive.output()}"
            )
        if time.monotonic() > deadline:
            detail = f"\n{alive.output()}" if alive is not None else ""
            raise AssertionError(f"waited {seconds} s for {what}{detail}")
        time.sleep(every)


# --- who is writing ---------------------------------------------------------------


def writer_busy(table: str) -> bool:
    """Whether another connection is inside a write transaction that wrote to ``table``.

    PostgreSQL says it exactly: a transaction that inserted into a table holds a
    RowExclusiveLock on it until it ends. SQLite has one lock for the whole
    database: whoever holds it is inside a write transaction, of whatever table
    (:func:`busy_for` asks for it to be held a while, which a short write never is).
    """
    from django.db import connection

    if connection.vendor == "sqlite":
        probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                return True
            raise
        else:
            probe.execute("ROLLBACK")
            return False
        finally:
            probe.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.granted "
            "AND l.pid <> pg_backend_pid()",
            [table],
        )
        return cursor.fetchone() is not None


def busy_for(table: str, seconds: float) -> Callable[[], bool]:
    """A condition: :func:`writer_busy` has held for ``seconds`` without a break."""
    since: list[float] = []

    def check() -> bool:
        if not writer_busy(table):
            since.clear()
            return False
        if not since:
            since.append(time.monotonic())
        return time.monotonic() - since[0] >= seconds

    return check


def sqlite_integrity() -> str:
    """``PRAGMA integrity_check`` of the SQLite file, from a new connection (which first
    recovers what the write-ahead log holds), or "ok" on PostgreSQL, which recovers itself."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return "ok"
    check = sqlite3.connect(connection.settings_dict["NAME"])
    try:
        return "; ".join(row[0] for row in check.execute("PRAGMA integrity_check"))
    finally:
        check.close()


def close_other_connections() -> None:
    """On PostgreSQL, end the sessions killed processes may have left: the flush after a
    transactional test must not wait for them."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


# --- a signed-in browser without a browser ------------------------------------------


@contextmanager
def signed_in(user) -> Iterator[requests.Session]:
    """A ``requests`` session carrying a session cookie for ``user``, made in the database
    (no Argon2 sign-in, no lockout in the way)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    http = requests.Session()
    http.cookies.set("sessionid", client.cookies["sessionid"].value)
    try:
        yield http
    finally:
        http.close()


def csrf_token(page: requests.Response) -> str:
    found = CSRF.search(page.text)
    assert found, f"no CSRF token on {page.url} ({page.status_code})"
    return found.group(1)
