"""Background work of the roster: the web roster import (django-tasks).

A worker runs these: ``efficacy db_worker``. The task records its progress and
a heartbeat in files beside the upload, so the progress page can show how far
it got and notice when the worker died (killed, restarted) in the middle. It
runs in the language of the person who queued it, since the run keeps its stage
and its problems as text.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from efficacy.access import roster as access
from efficacy.audit.models import Action as Audit
from efficacy.audit.models import Via
from efficacy.audit.services import record
from efficacy.roster.models import ImportRun
from efficacy.tabular import Problem

logger = logging.getLogger(__name__)
Status = ImportRun.RunStatus
Failure = ImportRun.Failure

#: Write progress at most this often, so a large import is not slowed by its own bookkeeping.
PROGRESS_EVERY_SECONDS = 0.5


def silence_limit() -> timedelta:
    """A run whose heartbeat is older than this has lost its worker: the limit any worker
    is held to (``EFFICACY_WORKER_SILENCE_SECONDS``)."""
    return timedelta(seconds=settings.EFFICACY_WORKER_SILENCE_SECONDS)


def heartbeat_seconds() -> float:
    """A running import's worker touches its heartbeat this often: several beats fit
    in the silence limit."""
    return min(5.0, settings.EFFICACY_WORKER_SILENCE_SECONDS / 4)


# Beside the upload, per run: a run started again shares its upload, never these.
def progress_path(run: ImportRun) -> Path:
    return Path(f"{run.stored_path}.{run.pk}.progress.json")


def heartbeat_path(run: ImportRun) -> Path:
    return Path(f"{run.stored_path}.{run.pk}.heartbeat")


def progress_write(run: ImportRun, *, stage: str, done: int, total: int) -> None:
    """Progress goes to a file beside the upload, not to the database: the importer
    writes in one transaction, and on SQLite no other connection may write meanwhile
    (nor would the page see the rows before the commit)."""
    path = progress_path(run)
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps({"stage": stage, "done": done, "total": total}))
    os.replace(scratch, path)  # atomic: the page never reads half a file


def progress_read(run: ImportRun) -> dict | None:
    try:
        data = json.loads(progress_path(run).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def last_heartbeat(run: ImportRun) -> datetime | None:
    """When the run's worker was last known alive: its heartbeat, or when it started."""
    beats = [run.started_at] if run.started_at else []
    try:
        mtime = heartbeat_path(run).stat().st_mtime
    except OSError:
        pass
    else:
        beats.append(datetime.fromtimestamp(mtime, tz=timezone.get_current_timezone()))
    return max(beats) if beats else None


def worker_is_silent(run: ImportRun) -> bool:
    """A running import whose worker stopped beating: it died and will never finish."""
    if run.status != Status.RUNNING:
        return False
    beat = last_heartbeat(run)
    if beat is None:
        return True
    return timezone.now() - beat > silence_limit()


@contextmanager
def _heartbeat(run: ImportRun) -> Iterator[None]:
    """Touch the run's heartbeat file every few seconds for as long as the import runs.

    A file, not the database: on SQLite the import's write transaction would make a
    heartbeat row wait. The thread dies with the worker, and the beats stop.
    """
    path = heartbeat_path(run)
    stop = threading.Event()

    def touch() -> None:
        try:
            path.touch()
        except OSError:  # a heartbeat is a courtesy: never fail an import for it
            logger.warning("could not record the heartbeat of import run %s", run.pk)

    def beat() -> None:
        while not stop.wait(heartbeat_seconds()):
            touch()

    touch()

    thread = threading.Thread(target=beat, name=f"import-run-{run.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        path.unlink(missing_ok=True)


def run_problem(run: ImportRun, message: str, hint: str) -> dict[str, object]:
    """A problem of the whole run (not of a line of the export), as a run stores it."""
    problem = Problem(file=run.file_name, line=None, column=None, message=message, hint=hint)
    return {**problem.to_dict(), "text": str(problem)}


@task()
def roster_import_run(run_id: int, language: str | None = None) -> str:
    """Import the export saved for ``run_id`` with the OneRoster importer, its stage and
    problems worded in ``language`` (the uploader's; the worker has no request's)."""
    run = ImportRun.objects.select_related("created_by__school").get(pk=run_id)
    runs = ImportRun.objects.filter(pk=run_id)
    in_language = translation.override(language) if language else nullcontext()
    with in_language, _heartbeat(run):
        runs.update(status=Status.RUNNING, stage=_("reading the export"), started_at=timezone.now())
        status = _import(run)
    progress_path(run).unlink(missing_ok=True)
    return status


def _finish(run: ImportRun, status: str, fields: dict[str, object]) -> str:
    """Record the run's outcome and its audit event, in the transaction of the import's
    rows when it succeeded (so a worker killed in between leaves neither)."""
    # The outcome is the truth even if the page had given this worker up for dead.
    with transaction.atomic():
        ImportRun.objects.filter(pk=run.pk).update(
            status=status, finished_at=timezone.now(), **fields
        )
        record(
            actor=run.created_by,
            action=Audit.ROSTER_IMPORT_FINISHED,
            school=run.created_by.school_id if run.created_by else None,
            target=run,
            detail={"status": status, "problems": len(fields.get("problems") or [])},  # type: ignore[arg-type]
            via=Via.PAGE,  # the continuation of the upload page's action
        )
    return status


def _import(run: ImportRun) -> str:
    """Run the import and record its outcome; returns the run's status."""
    from efficacy.roster.oneroster import ImportSummary, RosterImportInvalid, roster_import

    # The scope is the uploader's as the import runs, not as it was queued.
    scope = access.roster_import_scope_for(run.created_by)
    if scope is None:
        problem = run_problem(
            run,
            _("The person who uploaded this export may no longer import a roster."),
            _("An administrator can upload it again."),
        )
        return _finish(run, Status.FAILED, {"problems": [problem], "failure": Failure.INVALID})
    last = {"stage": None, "at": 0.0}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == last["stage"] and done < total and now - last["at"] < PROGRESS_EVERY_SECONDS:
            return
        last.update(stage=stage, at=now)
        try:
            progress_write(run, stage=stage, done=done, total=total)
        except OSError:  # progress is a courtesy: never fail an import for it
            logger.warning("could not record progress of import run %s", run.pk)

    def succeeded(summary: ImportSummary) -> None:
        fields = {"summary": summary.to_dict(), "stage": "", "problems": [], "failure": ""}
        _finish(run, Status.SUCCEEDED, fields)

    try:
        roster_import(source=run.stored_path, scope=scope, progress=progress, on_written=succeeded)
    except RosterImportInvalid as invalid:
        problems = [{**p.to_dict(), "text": str(p)} for p in invalid.problems]
        return _finish(run, Status.FAILED, {
            "problems": problems,
            "problems_more": invalid.problems.more,
            "failure": Failure.INVALID,
        })  # fmt: skip
    except Exception:
        # The person sees a plain message; the traceback goes to the log for the administrator.
        # Nothing was written: the rows and the outcome commit together or not at all.
        logger.exception("roster import run %s failed", run.pk)
        problem = run_problem(
            run,
            _("The import stopped on an unexpected error."),
            _("Try again; if it happens again, send the file to your Efficacy support."),
        )
        return _finish(run, Status.FAILED, {"problems": [problem], "failure": Failure.ERROR})
    return Status.SUCCEEDED
