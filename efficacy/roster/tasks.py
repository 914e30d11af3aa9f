"""Background work of the roster: the web roster import (django-tasks).

A worker runs these: ``efficacy db_worker``. The task records its progress in
the :class:`ImportRun` so the progress page can show it.
"""

from __future__ import annotations

import logging
import time

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from efficacy.roster.models import ImportRun

logger = logging.getLogger(__name__)
Status = ImportRun.RunStatus

#: Write progress at most this often, so a large import is not slowed by its own bookkeeping.
PROGRESS_EVERY_SECONDS = 0.5


@task()
def roster_import_run(run_id: int) -> str:
    """Import the export saved for ``run_id`` with the OneRoster importer."""
    from efficacy.roster.oneroster import RosterImportInvalid, roster_import

    run = ImportRun.objects.get(pk=run_id)
    runs = ImportRun.objects.filter(pk=run_id)
    runs.update(status=Status.RUNNING, stage=_("reading the export"))
    last = {"stage": None, "at": 0.0}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == last["stage"] and done < total and now - last["at"] < PROGRESS_EVERY_SECONDS:
            return
        last.update(stage=stage, at=now)
        runs.update(stage=stage[:100], done=max(done, 0), total=max(total, 0))

    try:
        summary = roster_import(source=run.stored_path, progress=progress)
    except RosterImportInvalid as invalid:
        problems = [{**p.to_dict(), "text": str(p)} for p in invalid.problems]
        runs.update(status=Status.FAILED, problems=problems, finished_at=timezone.now())
        return Status.FAILED
    except Exception:
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
    runs.update(
        status=Status.SUCCEEDED,
        summary=summary.to_dict(),
        stage="",
        finished_at=timezone.now(),
    )
    return Status.SUCCEEDED
