"""``efficacy worker`` as a real process: it beats while it runs and stops cleanly on SIGTERM."""

from __future__ import annotations

import json

import pytest
from django.core.files.storage import FileSystemStorage

from efficacy.ops import workers
from tests.ops.processes import Started, run

pytestmark = pytest.mark.slow


def test_the_worker_beats_while_it_runs_and_stops_cleanly_on_sigterm(tmp_path, settings):
    settings.EFFICACY_WORKER_SILENCE_SECONDS = 8
    # Its own SQLite database, with the task queue's table only.
    migrated = run(tmp_path, "migrate", "django_tasks_database", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    media = FileSystemStorage(location=tmp_path / "media")

    worker = Started(tmp_path, "worker", "--no-startup-delay", EFFICACY_WORKER_SILENCE_SECONDS="8")
    try:
        worker.wait_for(lambda: workers.alive_workers(storage=media), seconds=90, what="heartbeat")
        (worker_id,) = workers.alive_workers(storage=media)
        first = workers.last_beats(storage=media)[worker_id]
        # Beats keep coming (every 2 s with an 8 s silence limit).
        worker.wait_for(
            lambda: workers.last_beats(storage=media).get(worker_id, first) > first,
            seconds=30,
            what="second beat",
        )
        assert worker.terminate(seconds=30) == 0
    finally:
        worker.kill()

    assert workers.last_beats(storage=media) == {}  # it said it was leaving
    lines = [json.loads(line) for line in (worker.stdout + worker.stderr).splitlines() if line]
    assert any(f"worker_id={worker_id}" in line["message"] for line in lines)
    assert any("shutting down gracefully" in line["message"] for line in lines)
