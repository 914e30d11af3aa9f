"""Background work of the roster: the web roster import (django-tasks).

A worker runs these: ``efficacy db_worker``. The task records its progress in
the :class:`ImportRun` so the progress page can show it.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from efficacy.access import roster as access
from efficacy.roster.models import ImportRun

logger = logging.getLogger(__name__)
Status = ImportRun.RunStatus

#: Write progress at most this often, so a large import is not slowed by its own bookkeeping.
PROGRESS_EVERY_SECONDS = 0.5


def progress_path(run: ImportRun) -> Path:
    return Path(f"{run.stored_path}.progress.json")


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


@task()
def roster_import_run(run_id: int) -> str:
    """Import the export saved for ``run_id`` with the OneRoster importer."""
    from efficacy.roster.oneroster import RosterImportInvalid, roster_import

    run = ImportRun.objects.select_related("created_by__school").get(pk=run_id)
    runs = ImportRun.objects.filter(pk=run_id)
    runs.update(status=Status.RUNNING, stage=_("reading the export"))
    # The scope is the uploader's as the import runs, not as it was queued.
    scope = access.roster_import_scope_for(run.created_by)
    if scope is None:
        problem = {
            "file": run.file_name,
            "line": None,
            "column": None,
            "message": _("The person who uploaded this export may no longer import a roster."),
            "hint": _("An administrator can upload it again."),
        }
        problem["text"] = f"{problem['file']}::: {problem['message']} ({problem['hint']})"
        runs.update(status=Status.FAILED, problems=[problem], finished_at=timezone.now())
        return Status.FAILED
    last = {"stage": None, "at": 0.0}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == last["stage"] and done < total and now - last["at"] < PROGRESS_EVERY_SECONDS:
            return
        last.update(stage=stage, at=now)
        try:
            progress_write(run, stage=stage, done=done, total=total)
        except OSError:  # progress is a courtesy: never fail an import for it
            logger.warning("could not record progress of import run %s", run_id)

    try:
        summary = roster_import(source=run.stored_path, scope=scope, progress=progress)
    except RosterImportInvalid as invalid:
        progress_path(run).unlink(missing_ok=True)
        problems = [{**p.to_dict(), "text": str(p)} for p in invalid.problems]
        runs.update(status=Status.FAILED, problems=problems, finished_at=timezone.now())
        return Status.FAILED
    except Exception:
        progress_path(run).unlink(missing_ok=True)
        # The person sees a plain message; the traceback goes to the log for the administrator.
        logger.exception("roster import run %s failed", run_id)
        problem = {
            "file": run.file_name,
            "line": None,
            "column": None,
            "message": _("The import stopped on an unexpected error."),
            "hint": _("Try again; if it happens again, send the file to your Efficacy support."),
        }
        problem["text"] = f"{problem['file']}::: {problem['message']} ({problem['hint']})"
        runs.update(status=Status.FAILED, problems=[problem], finished_at=timezone.now())
        return Status.FAILED
    progress_path(run).unlink(missing_ok=True)
    runs.update(
        status=Status.SUCCEEDED,
        summary=summary.to_dict(),
        stage="",
        finished_at=timezone.now(),
    )
    return Status.SUCCEEDED
