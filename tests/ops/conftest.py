"""Fixtures of the operations tests: the test's database shared with real processes."""

from __future__ import annotations

import os

import pytest

from tests.ops.processes import Processes, close_other_connections, database_url


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


@pytest.fixture
def processes(shared_database, settings, tmp_path):
    """Starts servers and workers on the shared database (:class:`Processes`); every
    one of them is stopped when the test ends, whatever happened."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"EFFICACY_TASKS_IMMEDIATE", "DEBUG", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        DATABASE_URL=database_url(),
        EFFICACY_DATA_DIR=str(tmp_path),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        # Sessions the test makes are signed with this process's key.
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )
    started = Processes(env=env, folder=tmp_path)
    try:
        yield started
    finally:
        started.stop_all()
        close_other_connections()
