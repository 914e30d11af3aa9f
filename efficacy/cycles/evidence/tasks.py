"""Background work of the evidence pages: a score upload applied by the worker (django-tasks).

A worker runs it (``efficacy worker``), on this machine or another: it reads the
file from the storage, validates the whole of it and writes every score or none,
beating through :mod:`efficacy.progress` so the page notices a worker that died.
It runs in the language of the person who uploaded the file, since the run keeps its
problems as text.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from efficacy import progress
from efficacy.cycles.evidence.rows import ImportResult
from efficacy.cycles.evidence.uploads import (
    evidence_upload_files_delete,
    evidence_upload_problem,
)
from efficacy.cycles.models import EvidenceUpload, Score
from efficacy.database import refresh_statistics
from efficacy.forms import database_busy, database_busy_message

logger = logging.getLogger(__name__)
Status = EvidenceUpload.RunStatus
Failure = EvidenceUpload.Failure


@task()
def evidence_upload_run(upload_id: int, language: str | None = None) -> str:
    """Validate and apply the file(s) kept for ``upload_id``, as the person who uploaded them."""
    upload = EvidenceUpload.objects.select_related("cycle__team", "created_by").get(pk=upload_id)
    runs = EvidenceUpload.objects.filter(pk=upload_id)
    in_language = translation.override(language) if language else nullcontext()
    with in_language, progress.beating(upload.progress_key):
        runs.update(status=Status.RUNNING, started_at=timezone.now())
        progress.write(upload.progress_key, stage=_("checking the file"), done=0, total=1)
        status, fields = _apply(upload)
        if fields is not None:  # not recorded with the scores already
            # The outcome is the truth even if the page had given this worker up for dead.
            runs.update(status=status, finished_at=timezone.now(), **fields)
    evidence_upload_files_delete(upload)
    if status == Status.SUCCEEDED:
        refresh_statistics(Score)
    return status


def _apply(upload: EvidenceUpload) -> tuple[str, dict[str, object] | None]:
    """Run the import; the run's status and the fields to record with it (None when a
    success was recorded inside the scores' transaction, so a worker killed just after
    the scores committed never leaves them under a run the page calls failed)."""
    from efficacy.cycles.evidence.gradebook import (
        line_items_found,
        scores_import_oneroster_gradebook,
    )
    from efficacy.cycles.evidence.imports import scores_import

    def failed(message: str, hint: str, failure: str = Failure.INVALID) -> tuple[str, dict]:
        problem = evidence_upload_problem(upload, message, hint)
        return Status.FAILED, {"problems": [problem], "failure": failure}

    def succeeded(result: ImportResult) -> None:
        summary = {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "blank": result.blank,
        }
        EvidenceUpload.objects.filter(pk=upload.pk).update(
            status=Status.SUCCEEDED, finished_at=timezone.now(),
            summary=summary, problems=[], failure="",
        )  # fmt: skip

    user, cycle = upload.created_by, upload.cycle
    if user is None:
        return failed(
            _("The account that uploaded this file no longer exists."),
            _("Upload the file again."),
        )
    try:
        contents = [_read(name) for name in upload.stored_names]
    except FileNotFoundError:
        return failed(_("The uploaded file is no longer on the server."), _("Upload it again."))
    try:
        if upload.kind == EvidenceUpload.Kind.GRADEBOOK:
            line_items, results = contents
            result = scores_import_oneroster_gradebook(
                user=user, cycle=cycle, line_items=line_items, results=results,
                on_written=succeeded,
            )  # fmt: skip
        else:
            (content,) = contents
            result = scores_import(
                user=user, cycle=cycle, content=content, filename=upload.file_name,
                on_written=succeeded,
            )  # fmt: skip
    except (ValidationError, PermissionDenied) as refused:
        texts = refused.messages if isinstance(refused, ValidationError) else [str(refused)]
        problems = [evidence_upload_problem(upload, text, "") for text in texts]
        return Status.FAILED, {"problems": problems, "failure": Failure.INVALID}
    except OperationalError as error:
        if not database_busy(error):
            raise
        return failed(database_busy_message(), _("Upload the file again."), Failure.ERROR)
    except Exception:
        # The person sees a plain message; the traceback goes to the log for the administrator.
        logger.exception("evidence upload %s failed", upload.pk)
        return failed(
            _("Checking the file stopped on an unexpected error, so no score was saved."),
            _("Try again; if it happens again, send the file to your Efficacy support."),
            Failure.ERROR,
        )
    if not result.ok:
        fields: dict[str, object] = {
            "problems": [{**p.to_dict(), "text": str(p)} for p in result.problems],
            "problems_more": result.problems.more,
            "failure": Failure.INVALID,
        }
        if upload.kind == EvidenceUpload.Kind.GRADEBOOK:
            fields["line_items"] = line_items_found(contents[0])
        return Status.FAILED, fields
    return Status.SUCCEEDED, None  # recorded with the scores


def _read(name: str) -> bytes:
    """A stored score file, whole: the readers take bytes, and the upload's size limit
    (EFFICACY_MAX_SCORE_UPLOAD_BYTES) bounds it."""
    if not default_storage.exists(name):
        raise FileNotFoundError(name)
    with default_storage.open(name, "rb") as handle:
        return handle.read()
