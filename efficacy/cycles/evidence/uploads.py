"""Score uploads on a page (a CSV/XLSX file, a gradebook export), run in the background.

The request checks only the file's size and type (the forms), keeps the file in the
storage and queues :func:`efficacy.cycles.evidence.tasks.evidence_upload_run`; a worker,
on this machine or another, validates the whole file and writes every score or none
(:mod:`efficacy.cycles.evidence.imports`, :mod:`efficacy.cycles.evidence.gradebook`),
while the progress page polls the run (:class:`~efficacy.cycles.models.EvidenceUpload`).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from efficacy import progress
from efficacy.access.cycles import require_contributor
from efficacy.cycles.models import EvidenceUpload, InquiryCycle
from efficacy.tabular import Problem

Status = EvidenceUpload.RunStatus


def evidence_upload_start(
    *,
    user: Any,
    cycle: InquiryCycle,
    kind: str,
    file_name: str,
    files: list[File | bytes],
) -> EvidenceUpload:
    """Keep ``files`` in the storage and queue their import as a background run.

    ``files`` is the scores file, or a gradebook's lineItems.csv and results.csv.
    """
    require_contributor(user, cycle.team)
    names = []
    for content in files:
        suffix = Path(getattr(content, "name", "") or "").suffix.lower()[:5] or ".csv"
        body = ContentFile(content) if isinstance(content, bytes) else content
        # Never the uploaded name as a path: a random one, the original kept for display.
        names.append(default_storage.save(f"evidence/{uuid.uuid4().hex}{suffix}", body))
    upload = EvidenceUpload.objects.create(
        cycle=cycle,
        created_by=user,
        kind=kind,
        file_name=Path(file_name or "scores.csv").name[:255],
        stored_names=names,
    )
    from efficacy.cycles.evidence.tasks import evidence_upload_run

    # The worker words the run's problems in the language of whoever uploaded the file.
    evidence_upload_run.enqueue(upload.pk, language=translation.get_language())
    upload.refresh_from_db()
    return upload


def evidence_upload_problem(upload: EvidenceUpload, message: str, hint: str) -> dict[str, object]:
    """A problem of the whole run (not of a row of the file), as a run stores it."""
    problem = Problem(file=upload.file_name, line=None, column=None, message=message, hint=hint)
    return {**problem.to_dict(), "text": str(problem)}


def evidence_upload_files_delete(upload: EvidenceUpload) -> None:
    """The run has finished: its files go (they hold students' scores); the outcome stays."""
    for name in upload.stored_names:
        default_storage.delete(name)
    EvidenceUpload.objects.filter(pk=upload.pk).update(stored_names=[])


def evidence_upload_notice_silent_worker(upload: EvidenceUpload) -> EvidenceUpload:
    """Record as failed a running upload whose worker died: it would say "Checking…" forever.

    No score was saved: the scores are written in one transaction, which a dead worker
    never commits.
    """
    if upload.status != Status.RUNNING or not progress.is_silent(
        upload.progress_key, started_at=upload.started_at
    ):
        return upload
    problem = evidence_upload_problem(
        upload,
        _("The worker checking this file stopped before it finished, so no score was saved."),
        _("Upload the file again; if it stops again, tell your Efficacy support."),
    )
    # Only if it is still running: a worker that did finish meanwhile has the last word.
    EvidenceUpload.objects.filter(pk=upload.pk, status=Status.RUNNING).update(
        status=Status.FAILED,
        failure=EvidenceUpload.Failure.INTERRUPTED,
        problems=[problem],
        finished_at=timezone.now(),
    )
    upload.refresh_from_db()
    if upload.failure == EvidenceUpload.Failure.INTERRUPTED:
        evidence_upload_files_delete(upload)
        upload.refresh_from_db()
    return upload
