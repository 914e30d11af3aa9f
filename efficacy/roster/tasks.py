"""Background work of the roster: the web roster import (django-tasks).

A worker runs these: ``efficacy worker``, on this machine or another. The task
reads the upload from the storage, and records its progress and a heartbeat
through :mod:`efficacy.progress`, so the progress page can show how far it got
and notice when the worker died (killed, restarted) in the middle. It runs in
the language of the person who queued it, since the run keeps its stage and its
problems as text.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from efficacy import progress
from efficacy.access import roster as access
from efficacy.audit.models import Action as Audit
from efficacy.audit.models import Via
from efficacy.audit.services import record
from efficacy.roster.models import ImportRun
from efficacy.tabular import Problem

logger = logging.getLogger(__name__)
Status = ImportRun.RunStatus
Failure = ImportRun.Failure


def progress_read(run: ImportRun) -> dict | None:
    """The progress the run's worker last reported, or None."""
    return progress.read(run.progress_key)


def worker_is_silent(run: ImportRun) -> bool:
    """A running import whose worker stopped beating: it died and will never finish."""
    if run.status != Status.RUNNING:
        return False
    return progress.is_silent(run.progress_key, started_at=run.started_at)


@contextmanager
def local_copy(name: str, suffix: str = "") -> Iterator[Path]:
    """A copy of the stored file ``name`` on this machine's disk, removed afterwards.

    The importer reads a zip by path (random access into its members); the copy is
    made in chunks, so a district's export of tens of MB never sits whole in memory.
    """
    with tempfile.TemporaryDirectory(prefix="efficacy-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with default_storage.open(name, "rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        yield path


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
    with in_language, progress.beating(run.progress_key):
        runs.update(status=Status.RUNNING, stage=_("reading the export"), started_at=timezone.now())
        status = _import(run)
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

    def report(stage: str, done: int, total: int) -> None:
        progress.write(run.progress_key, stage=stage, done=done, total=total)

    def succeeded(summary: ImportSummary) -> None:
        fields = {"summary": summary.to_dict(), "stage": "", "problems": [], "failure": ""}
        _finish(run, Status.SUCCEEDED, fields)

    if not run.stored_name or not default_storage.exists(run.stored_name):
        problem = run_problem(
            run,
            _("The uploaded file is no longer on the server."),
            _("Upload the export again."),
        )
        return _finish(run, Status.FAILED, {"problems": [problem], "failure": Failure.INVALID})
    try:
        with local_copy(run.stored_name, suffix=".zip") as path:
            roster_import(source=path, scope=scope, progress=report, on_written=succeeded)
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
