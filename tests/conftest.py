"""Shared test configuration.

Each area keeps its own fixtures in ``tests/<area>/conftest.py``; only what
every area needs lives here.
"""

from __future__ import annotations

import os

import pytest

# The cycle fixtures (a ready cycle, its measure and occasions) serve the cycle tests
# and the browser walk-throughs alike.
pytest_plugins = ["tests.cycles.fixtures", "tests.practice.fixtures", "tests.practice.log_fixtures"]


@pytest.fixture(autouse=True)
def _isolated_data_dir(settings, tmp_path):
    """Uploads, media and exports written by a test stay in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path


@pytest.fixture
def immediate_tasks(settings):
    """Run background tasks inside the request, so a test sees their outcome at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _no_progress_remembered():
    """What this process last wrote of a run's progress (efficacy.progress keeps it to
    beat and to space its writes) never carries over to a later test's run of the same id."""
    from efficacy import progress

    progress._last.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a figure kept by an earlier test (its ids
    reused after a rollback) never answers for this one's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A French page activates French for the worker's thread (LocaleMiddleware does not
    switch back); later tests in that worker start in English again, whatever ran before."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _audit_log_purged_before_flush(request):
    """A transactional test ends with a flush, a DELETE on SQLite, which the audit log's
    trigger refuses (it is append-only): its events are purged first, the one way they go."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")  # set up first, so torn down after this
    yield
    if transactional:
        import datetime as dt

        from efficacy.audit.services import purge_before

        purge_before(dt.datetime(9999, 1, 1, tzinfo=dt.UTC))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def world(db):
    """The named people and places of ``tests/world.py`` (school A, school B, every role)."""
    from tests.world import World

    return World()


@pytest.fixture
def today(world):
    """School A's date, read when the test runs: a module-level date read at collection
    is yesterday's for the tests that run after midnight (CI on 2026-12-02 failed so)."""
    return world.school_a.today()


@pytest.fixture
def sqlite_file_db(transactional_db, tmp_path):
    """The test database copied to a file and used as in production (WAL, a busy timeout).

    For tests where another connection must really wait on SQLite's write lock: the
    in-memory test database shares one cache between connections, which locks
    differently. The busy timeout is shortened to keep the tests quick.
    """
    import re
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "efficacy.sqlite3"
    target = sqlite3.connect(path)
    memory.backup(target)
    target.close()
    settings_dict = connection.settings_dict
    saved = {"NAME": settings_dict["NAME"], "OPTIONS": settings_dict["OPTIONS"]}
    connection.connection = None  # the in-memory database stays alive, set aside
    settings_dict["NAME"] = str(path)
    init = re.sub(r"busy_timeout\s*=\s*\d+", "busy_timeout=300", saved["OPTIONS"]["init_command"])
    settings_dict["OPTIONS"] = {**saved["OPTIONS"], "init_command": init}
    try:
        yield path
    finally:
        connection.close()
        settings_dict.update(saved)
        connection.connection = memory


@pytest.fixture
def write_lock_held(sqlite_file_db):
    """``with write_lock_held():`` another connection (a thread) holds SQLite's write lock."""
    import threading
    from contextlib import contextmanager

    from django.db import connection, transaction

    @contextmanager
    def held():
        locked, release = threading.Event(), threading.Event()

        def hold() -> None:
            try:
                with transaction.atomic():  # BEGIN IMMEDIATE: the database's write lock
                    locked.set()
                    release.wait(30)
            finally:
                connection.close()

        thread = threading.Thread(target=hold)
        thread.start()
        assert locked.wait(10), "the other writer never got the lock"
        try:
            yield
        finally:
            release.set()
            thread.join()

    return held


@pytest.fixture
def strategy_library(transactional_db):
    """Transactional tests (browser tests, live servers) end with a flush, which empties the
    strategy library the migrations filled: a test that needs it installs it again."""
    from efficacy.cycles.models import LookFor, Strategy
    from efficacy.cycles.plan.strategy_library import library_install

    library_install(Strategy, LookFor)
