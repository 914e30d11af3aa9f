"""The API's writes: evidence in bulk, and roster changes through the scoped import.

* ``POST /api/v1/cycles/{id}/evidence/`` takes a batch of scores, checked whole by the
  same code as a file upload (:mod:`efficacy.cycles.evidence.batches`): every problem
  answers 422 with ``errors`` (``row`` counts the scores from 1, ``column`` names the
  field) and nothing is written unless the batch is clean. It is idempotent by its
  ``external_id`` (or the ``Idempotency-Key`` header): the same batch again answers the
  first result (200, nothing written twice); other scores under the same id, 409.
* ``POST /api/v1/roster/imports/`` takes a OneRoster zip and queues the same import as
  the Import page, limited to the importer's scope; ``GET /api/v1/roster/imports/{id}/``
  follows it.

Who may do what is the pages' rule: the cycle through ``access_cycle`` (404 when out of
scope), adding evidence through ``require_contributor`` (403 for an analyst or a
reader), imports through ``can_import_roster`` and ``access_import_run``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from efficacy.access.cycles import access_cycle, require_contributor
from efficacy.access.roster import access_import_run
from efficacy.api.auth import ApiRequest
from efficacy.api.problems import Problem
from efficacy.api.routers.cycles import router as cycles_router
from efficacy.api.types import Id
from efficacy.cycles.evidence.batches import EvidenceBatchConflict, evidence_batch_apply
from efficacy.cycles.models import EvidenceBatch
from efficacy.roster import services as roster_services
from efficacy.roster.models import ImportRun

#: The roster import's routes; the evidence batch shares the cycles router's path
#: ``/cycles/{id}/evidence/`` (two routers with one path would hide one of them).
router = Router(tags=["writes"])

#: The longest external id kept.
EXTERNAL_ID_LENGTH = 200


class ScoreIn(Schema):
    student: str | int = Field(
        ..., description="The student's number (as in the roster) or OneRoster sourcedId."
    )
    school_class: str | int | None = Field(
        None,
        alias="class",
        description="The class's code, sourcedId or title (optional: the student's class).",
    )
    measure: str | int = Field(..., description="The measure's name or id.")
    occasion: str | int = Field(..., description="The occasion's name or id.")
    score: float | str | None = Field(
        ..., description="The score, in the measure's scale; empty (null) skips the row."
    )


class EvidenceBatchIn(Schema):
    external_id: str | None = Field(
        None,
        max_length=EXTERNAL_ID_LENGTH,
        description=(
            "Your name for this batch, unique in the cycle: sending it again writes nothing."
            " Or send the Idempotency-Key header."
        ),
    )
    scores: list[ScoreIn]


class EvidenceBatchOut(Schema):
    id: int
    cycle: int
    external_id: str
    rows: int
    created: int
    updated: int
    unchanged: int
    blank: int
    created_at: dt.datetime
    #: True when this batch had been applied before: nothing was written this time.
    replayed: bool


class ImportRunOut(Schema):
    id: int
    file_name: str
    status: str
    stage: str
    done: int
    total: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    summary: dict[str, Any]
    problems: list[dict[str, Any]]
    problems_more: int
    status_url: str


def batch_out(batch: EvidenceBatch, *, replayed: bool) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "cycle": batch.cycle_id,
        "external_id": batch.external_id,
        "rows": batch.rows,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "blank": batch.blank,
        "created_at": batch.created_at,
        "replayed": replayed,
    }


def _external_id(request: HttpRequest, body: EvidenceBatchIn) -> str:
    external_id = (body.external_id or request.headers.get("Idempotency-Key", "")).strip()
    if not external_id:
        raise Problem(
            422,
            _("Name the batch, so that sending it twice writes it once."),
            errors=[
                {
                    "field": "external_id",
                    "message": _("The batch has no external id."),
                    "hint": _("Send external_id in the body, or an Idempotency-Key header."),
                }
            ],
        )
    if len(external_id) > EXTERNAL_ID_LENGTH:
        raise Problem(
            422,
            _("The external id is too long."),
            errors=[
                {
                    "field": "Idempotency-Key",
                    "message": _("At most %(n)d characters.") % {"n": EXTERNAL_ID_LENGTH},
                    "hint": _("Use a shorter id, such as a UUID."),
                }
            ],
        )
    return external_id


@cycles_router.post(
    "/cycles/{cycle_id}/evidence/",
    response={200: EvidenceBatchOut, 201: EvidenceBatchOut},
    url_name="evidence-batch",
    tags=["writes"],
)
def evidence_batch(
    request: ApiRequest, cycle_id: Id, body: EvidenceBatchIn
) -> Status[dict[str, Any]]:
    """Send scores in bulk (a read-write token). Answers 201 when written, 200 when the
    same batch was written before; 422 lists every problem (nothing written); 409 for
    other scores under an external id already used, or a closed cycle; 413 beyond
    ``EFFICACY_MAX_SCORE_ROWS`` scores."""
    cycle = access_cycle(request.auth, cycle_id)
    require_contributor(request.auth, cycle.team)
    external_id = _external_id(request, body)
    limit = settings.EFFICACY_MAX_SCORE_ROWS
    if len(body.scores) > limit:
        raise Problem(
            413,
            _("A batch holds at most %(limit)d scores; this one has %(n)d. Send it in parts.")
            % {"limit": limit, "n": len(body.scores)},
        )
    scores = [score.model_dump(by_alias=True) for score in body.scores]
    try:
        outcome = evidence_batch_apply(
            user=request.auth, cycle=cycle, external_id=external_id, scores=scores
        )
    except EvidenceBatchConflict:
        raise Problem(
            409,
            _(
                "The external id “%(id)s” was used before for other scores. Use a new id for"
                " a new batch."
            )
            % {"id": external_id},
            code="external-id-reused",
        ) from None
    except ValidationError as closed:
        raise Problem(409, " ".join(closed.messages), code="cycle-closed") from None
    if not outcome.ok:
        problems = outcome.problems
        detail = _("The batch has %(n)d problem(s); nothing was written.") % {"n": problems.total}
        if problems.more:
            detail += " " + _("The first %(shown)d are listed.") % {"shown": len(problems)}
        raise Problem(
            422,
            detail,
            code="invalid-scores",
            errors=[
                {"row": p.line, "column": p.column, "message": p.message, "hint": p.hint}
                for p in problems
            ],
        )
    assert outcome.batch is not None
    status = 200 if outcome.replayed else 201
    return Status(status, batch_out(outcome.batch, replayed=outcome.replayed))


def import_run_out(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "file_name": run.file_name,
        "status": run.status,
        "stage": run.stage,
        "done": run.done,
        "total": run.total,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "summary": run.summary or {},
        "problems": run.problems or [],
        "problems_more": run.problems_more,
        "status_url": reverse("api:roster-import", args=[run.pk]),
    }


@router.post("/roster/imports/", response={202: ImportRunOut}, url_name="roster-imports")
def roster_import(request: ApiRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Import a OneRoster export (a .zip, as the field ``file``) with the same scoped
    import as the Import page: an administrator changes only their school's (or
    district's) records. Answers 202 with the run, whose ``status_url`` follows it."""
    try:
        run = roster_services.import_run_start(by=request.auth, upload=file)
    except ValidationError as refused:
        raise Problem(
            422,
            " ".join(refused.messages),
            errors=[{"field": "file", "message": m, "hint": ""} for m in refused.messages],
        ) from None
    return Status(202, import_run_out(run))


@router.get("/roster/imports/{run_id}/", response=ImportRunOut, url_name="roster-import")
def roster_import_status(request: ApiRequest, run_id: Id) -> dict[str, Any]:
    """Where a roster import stands: queued, running (``done`` of ``total``), succeeded
    (``summary``) or failed (``problems``)."""
    return import_run_out(access_import_run(request.auth, run_id))
