"""Background workers: their heartbeats, which of them are alive, and the tasks they left.

A worker (``efficacy worker``) writes a heartbeat every few seconds for as long as it
runs. The heartbeat goes through Django's storage (``default_storage``: the media folder
on one machine, the S3-compatible store when one is configured), not the database, so
any web process on any machine reads it, and so it never waits: on SQLite a long import
holds the database's write lock for its whole transaction, and a heartbeat row written
beside it would wait for the import to end.

Each beat is a new small file, ``ops/workers/<worker id>.<milliseconds since 1970>.json``
(holding the worker's host, pid, start and beat times, for a person looking); the beat
before it is deleted once the new one is written, so a reader never finds a worker
without its beat, whatever the storage's overwrite rules. The time of a beat is read from
its name: a half-written file is never parsed.

A worker that dies mid-task (killed, out of memory, its machine gone) leaves the task's
``DBTaskResult`` RUNNING for ever. :func:`reap_abandoned` marks FAILED each running task
whose worker has been silent for ``EFFICACY_WORKER_SILENCE_SECONDS``; every worker runs it
when it starts and every little while after.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import socket
import threading
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

#: The folder of the heartbeats in the storage.
HEARTBEATS = "ops/workers"
#: A worker id: what a heartbeat's name can hold unambiguously (no dot), at most 64
#: characters (django-tasks-db's limit).
WORKER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: Heartbeats of workers silent this long are deleted: /healthz has long said so.
FORGOTTEN_AFTER = timedelta(days=1)


class WorkerStopped(Exception):
    """The worker running this task stopped (its heartbeat went silent)."""


def silence_limit() -> timedelta:
    """A worker silent for this long is taken for dead."""
    return timedelta(seconds=settings.EFFICACY_WORKER_SILENCE_SECONDS)


def beat_interval() -> float:
    """Seconds between two beats: several beats fit in the silence limit."""
    return min(5.0, settings.EFFICACY_WORKER_SILENCE_SECONDS / 4)


def new_worker_id() -> str:
    """``<host>-<pid>-<random>``: unique across machines and restarts (a container's worker
    is often pid 1 on the same host name after a restart, and must not pass for the one
    that died)."""
    host = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "worker"
    return f"{host}-{os.getpid()}-{secrets.token_hex(4)}"


def _beat_name(worker_id: str, at: datetime) -> str:
    return f"{HEARTBEATS}/{worker_id}.{round(at.timestamp() * 1000)}.json"


def _parse_beat_name(name: str) -> tuple[str, datetime] | None:
    """(worker id, beat time) from a heartbeat's file name, or None for another file."""
    parts = name.split(".")
    if len(parts) != 3 or parts[2] != "json" or not WORKER_ID.fullmatch(parts[0]):
        return None
    # The storage may have added a suffix to a name taken ("..._a1b2c3d.json").
    milliseconds = parts[1].split("_")[0]
    if not milliseconds.isdigit():
        return None
    return parts[0], datetime.fromtimestamp(int(milliseconds) / 1000, tz=UTC)


def _beat_files(storage: Storage) -> list[tuple[str, str, datetime]]:
    """Every heartbeat file: (file name, worker id, beat time)."""
    try:
        _, files = storage.listdir(HEARTBEATS)
    except FileNotFoundError:  # no worker has ever beaten here
        return []
    found = []
    for name in files:
        parsed = _parse_beat_name(name)
        if parsed is not None:
            found.append((name, *parsed))
    return found


def beat(
    worker_id: str,
    *,
    started: datetime,
    now: datetime | None = None,
    storage: Storage = default_storage,
) -> None:
    """Record that ``worker_id`` is alive at ``now``, then delete its earlier beats."""
    now = now or timezone.now()
    earlier = [name for name, owner, _ in _beat_files(storage) if owner == worker_id]
    content = {
        "worker_id": worker_id,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started": started.isoformat(),
        "beat": now.isoformat(),
    }
    written = storage.save(_beat_name(worker_id, now), ContentFile(json.dumps(content).encode()))
    for name in earlier:
        if f"{HEARTBEATS}/{name}" != written:
            storage.delete(f"{HEARTBEATS}/{name}")


def forget(worker_id: str, *, storage: Storage = default_storage) -> None:
    """Delete a worker's heartbeats: it stopped cleanly, or long ago."""
    for name, owner, _ in _beat_files(storage):
        if owner == worker_id:
            storage.delete(f"{HEARTBEATS}/{name}")


def last_beats(*, storage: Storage = default_storage) -> dict[str, datetime]:
    """Each known worker's last beat."""
    beats: dict[str, datetime] = {}
    for _, worker_id, at in _beat_files(storage):
        if worker_id not in beats or at > beats[worker_id]:
            beats[worker_id] = at
    return beats


def alive_workers(
    *, now: datetime | None = None, storage: Storage = default_storage
) -> dict[str, datetime]:
    """The workers heard from within the silence limit, with their last beat."""
    now = now or timezone.now()
    return {
        worker_id: at
        for worker_id, at in last_beats(storage=storage).items()
        if now - at <= silence_limit()
    }


def reap_abandoned(*, now: datetime | None = None, storage: Storage = default_storage) -> int:
    """Mark FAILED the running tasks whose worker is silent; returns how many.

    A task is left alone while its worker (the last to claim it) beats, and for the
    silence limit after it started, so a worker that has just claimed it is never
    mistaken for a dead one. The update is conditional on the task still running: a
    task that finishes meanwhile keeps its outcome.
    """
    now = now or timezone.now()
    beats = last_beats(storage=storage)
    alive = {w for w, at in beats.items() if now - at <= silence_limit()}
    reaped = 0
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - silence_limit()
    ).only("id", "worker_ids", "task_path")
    for result in running:
        worker_id = result.worker_ids[-1] if result.worker_ids else None
        if worker_id in alive:
            continue
        error = WorkerStopped(
            f"the worker running this task stopped (worker {worker_id or 'unknown'}, "
            f"silent for more than {settings.EFFICACY_WORKER_SILENCE_SECONDS} s)"
        )
        reaped += DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}",
            traceback=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}: {error}\n",
        )
        logger.warning("task %s (%s): %s", result.pk, result.task_path, error)
    for worker_id, at in beats.items():
        if now - at > FORGOTTEN_AFTER:
            forget(worker_id, storage=storage)
    return reaped


class Heartbeat:
    """While a worker runs: its beats, and the reaping of tasks left by dead workers.

    Each runs in a daemon thread of its own, so neither waits on the other nor on the
    task the worker is running: a reap that waits for SQLite's write lock delays no beat.
    :meth:`start` beats and reaps once before returning.
    """

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.started = timezone.now()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        beat(self.worker_id, started=self.started)
        self._reap_once()
        for target, name in ((self._beat_loop, "heartbeat"), (self._reap_loop, "reaper")):
            thread = threading.Thread(target=target, name=f"{name}-{self.worker_id}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop beating and delete the beats: the worker is gone, and says so."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)
        try:
            forget(self.worker_id)
        except Exception:
            logger.warning("could not delete the heartbeat of worker %s", self.worker_id)

    def _beat_loop(self) -> None:
        while not self._stop.wait(beat_interval()):
            try:
                beat(self.worker_id, started=self.started)
            except Exception:  # a storage hiccup: the next beat may pass
                logger.warning("could not write the heartbeat of worker %s", self.worker_id)

    def _reap_once(self) -> None:
        try:
            reap_abandoned()
        except DatabaseError:  # SQLite's write lock held by a long task: next time
            logger.info("could not look for abandoned tasks now", exc_info=True)
        except Exception:
            logger.warning("could not look for abandoned tasks", exc_info=True)

    def _reap_loop(self) -> None:
        try:
            while not self._stop.wait(max(beat_interval(), silence_limit().total_seconds() / 2)):
                close_old_connections()
                self._reap_once()
        finally:
            connection.close()  # this thread's own connection
