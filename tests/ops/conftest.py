"""Fixtures of the operations tests: the test's database shared with real processes."""

from __future__ import annotations

import pytest

from tests.ops.fault_processes import (
    Processes,
    close_other_connections,
    database_url,
)
from tests.ops.processes import environment


@pytest.fixture
def shared_database(request, transactional_db):
    """The test's database, committed as it is written, where other processes reach it.

    On SQLite the in-memory test database is copied to a file used as in production
    (``sqlite_file_db``: WAL, a busy timeout); on PostgreSQL it is the test database
    itself. Either way the test's writes commit at once (a transactional test), so
    a server started afterwards sees them.
    """
    from django.db import connection

    if connection.vendor == "sqlite":
        request.getfixturevalue("sqlite_file_db")
    yield
    close_other_connections()


#: A worker silent this long is dead: short, so that the tests do not wait a minute for it,
#: and long enough for a busy machine not to miss a beat (every second).
SILENCE_SECONDS = 4


@pytest.fixture
def processes(shared_database, settings, tmp_path):
    """Starts servers and workers on the shared database (:class:`Processes`); every
    one of them is stopped when the test ends, whatever happened."""
    env = environment(
        tmp_path,
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        # Sessions the test makes are signed with this process's key.
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        EFFICACY_WORKER_SILENCE_SECONDS=str(SILENCE_SECONDS),
    )
    # The test's own judgement of silence (the import page) too.
    settings.EFFICACY_WORKER_SILENCE_SECONDS = SILENCE_SECONDS
    started = Processes(env=env, folder=tmp_path)
    try:
        yield started
    finally:
        started.stop_all()
        close_other_connections()
