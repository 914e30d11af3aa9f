"""The progress and heartbeat of a background run, where web and workers both reach them.

A run (a roster import, an evidence upload) is worked on by a task in a worker, maybe
on another machine, while its page polls. The worker writes how far it got
(:func:`write`) and, every few seconds, that it is still alive (:func:`beat`,
:func:`beating`); the page reads both (:func:`read`, :func:`is_silent`).

They go through Django's storage API (the folder MEDIA_ROOT, or the S3-compatible
store), one small JSON object per run, replaced whole on each write; the time
inside it is the heartbeat. Not the database: a run's work writes in one
transaction, and on SQLite no other connection may write meanwhile (nor would the
page see rows before the commit).

Progress is a courtesy: a write that fails is logged, never fails the run.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

#: Write progress at most this often, so a large run is not slowed by its own bookkeeping.
WRITE_EVERY_SECONDS = 0.5
#: A running run's worker beats at most this many seconds apart...
HEARTBEAT_SECONDS = 5.0


def silence_limit() -> timedelta:
    """...and a run that has not beaten for longer than this has lost its worker: the
    limit every worker is held to (``EFFICACY_WORKER_SILENCE_SECONDS``)."""
    return timedelta(seconds=settings.EFFICACY_WORKER_SILENCE_SECONDS)


def heartbeat_seconds() -> float:
    """How often a running run beats: several beats fit in the silence limit."""
    return min(HEARTBEAT_SECONDS, settings.EFFICACY_WORKER_SILENCE_SECONDS / 4)


FOLDER = "progress"

# What this process last wrote for each run, and when: a beat rewrites it with a new
# time, and a write of the same stage soon after the last one is skipped.
_lock = threading.Lock()
_last: dict[str, tuple[dict[str, Any], float]] = {}


def name_of(key: str) -> str:
    """The storage name of a run's progress object (``key`` as ``"roster-import-12"``)."""
    return f"{FOLDER}/{key}.json"


def write(key: str, *, stage: str, done: int, total: int, force: bool = False) -> None:
    """Record that the run ``key`` is at ``stage``, ``done`` of ``total``; also a beat.

    Within a stage, a write sooner than :data:`WRITE_EVERY_SECONDS` after the last one
    is skipped unless the stage is complete (or ``force``).
    """
    now = time.monotonic()
    with _lock:
        last = _last.get(key)
        if (
            not force
            and last is not None
            and last[0].get("stage") == stage
            and done < total
            and now - last[1] < WRITE_EVERY_SECONDS
        ):
            return
        state = {"stage": stage, "done": done, "total": total}
        _last[key] = (state, now)
        _put(key, state)


def beat(key: str) -> None:
    """Record that the run ``key``'s worker is alive, keeping its last progress."""
    with _lock:
        state = _last.get(key, ({}, 0.0))[0]
        _put(key, state)


@contextmanager
def beating(key: str, *, every: float | None = None) -> Iterator[None]:
    """Beat for the run ``key`` now and every ``every`` seconds while the block runs.

    The thread dies with the worker, and the beats stop: that is how a page knows.
    The progress object is removed at the end.
    """
    stop = threading.Event()
    every = heartbeat_seconds() if every is None else every

    def loop() -> None:
        while not stop.wait(every):
            beat(key)

    beat(key)
    thread = threading.Thread(target=loop, name=f"{key}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        clear(key)


def read(key: str) -> dict[str, Any] | None:
    """The last progress of the run ``key`` (``stage``, ``done``, ``total``, ``at``), or None."""
    try:
        with default_storage.open(name_of(key), "rb") as handle:
            data = json.loads(handle.read())
    except Exception:  # missing, unreadable or not JSON: the page falls back on the run
        return None
    return data if isinstance(data, dict) else None


def last_beat(key: str) -> datetime | None:
    """When the run ``key``'s worker last said it was alive, or None if never (or gone)."""
    data = read(key) or {}
    try:
        return datetime.fromisoformat(str(data["at"]))
    except (KeyError, ValueError):
        return None


def is_silent(key: str, *, started_at: datetime | None) -> bool:
    """Whether a run that started at ``started_at`` has not beaten within :func:`silence_limit`.

    A run started just now counts as alive until its first beat is due.
    """
    beats = [b for b in (started_at, last_beat(key)) if b is not None]
    if not beats:
        return True
    return timezone.now() - max(beats) > silence_limit()


def clear(key: str) -> None:
    """Remove the run ``key``'s progress (it has finished: the database has the outcome)."""
    with _lock:
        _last.pop(key, None)
        try:
            default_storage.delete(name_of(key))
        except Exception:
            logger.warning("could not remove the progress of %s", key)


def _put(key: str, state: dict[str, Any]) -> None:
    """Replace the run's progress object whole, stamped with the time (the heartbeat)."""
    body = json.dumps({**state, "at": datetime.now(UTC).isoformat()}).encode()
    name = name_of(key)
    try:
        if isinstance(default_storage, FileSystemStorage):
            _replace_file(Path(default_storage.path(name)), body)
        else:
            # An object store replaces an object whole on a put; if this one would
            # rather keep both (file_overwrite off), the old one goes first.
            if default_storage.get_available_name(name) != name:
                default_storage.delete(name)
            default_storage.save(name, ContentFile(body))
    except Exception:
        logger.warning("could not record the progress of %s", key, exc_info=True)


def _replace_file(path: Path, body: bytes) -> None:
    """Write beside, then rename: a reader never sees half an object, nor none at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(body)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


class BackgroundRun(models.Model):
    """What every run a worker carries out for a page keeps (a roster import, a score
    upload): its status, the file's name, its outcome (a summary, or every problem) and
    when it was queued, started and finished. Its progress and heartbeat are above."""

    class RunStatus(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    file_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    summary = models.JSONField(default=dict, blank=True)
    # Each problem as data (file, line, column, message, hint) and as text.
    problems = models.JSONField(default=list, blank=True)
    # The problems found past the ones kept in ``problems`` (see efficacy.tabular.Problems).
    problems_more = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker started it; its heartbeat beats from then on.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.RunStatus.SUCCEEDED, self.RunStatus.FAILED)

    @property
    def problems_total(self) -> int:
        return len(self.problems) + self.problems_more
