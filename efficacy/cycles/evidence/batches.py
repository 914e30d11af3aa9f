"""A batch of scores sent by another system (the API's ``POST .../evidence/``).

The batch goes through the same code as a file upload: its scores become a table,
read by :func:`~efficacy.cycles.evidence.imports.scores_rows` and checked and written by
:func:`~efficacy.cycles.evidence.rows.evidence_rows_apply`, so it gets the same
problems, and nothing is written unless the whole batch is clean.

A batch is idempotent by its external id: the same id with the same scores answers the
first result again and writes nothing; the same id with other scores is a conflict
(:class:`EvidenceBatchConflict`), never half-applied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from efficacy.access.cycles import require_contributor
from efficacy.cycles.evidence.imports import scores_rows
from efficacy.cycles.evidence.rows import evidence_rows_apply
from efficacy.cycles.models import EvidenceBatch, InquiryCycle
from efficacy.tabular import Problems, Table

#: The batch's fields, named as a file upload's columns (the problems name them).
COLUMNS = ["student", "class", "measure", "occasion", "score"]
#: What the problems call the batch (a file upload gives its file name).
BATCH_FILE = "scores"


class EvidenceBatchConflict(Exception):
    """The external id was used before for other scores."""

    def __init__(self, batch: EvidenceBatch) -> None:
        super().__init__(batch.external_id)
        self.batch = batch


@dataclass
class BatchOutcome:
    #: The stored batch; None when the batch had problems (and nothing was written).
    batch: EvidenceBatch | None
    #: True when this answers a batch already applied (nothing written this time).
    replayed: bool = False
    problems: Problems = field(default_factory=Problems)

    @property
    def ok(self) -> bool:
        return self.batch is not None


def evidence_batch_digest(scores: Sequence[Mapping[str, Any]]) -> str:
    """SHA-256 of the scores in a canonical JSON form (key order and spacing do not count)."""
    canonical = json.dumps(list(scores), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def evidence_batch_apply(
    *, user: Any, cycle: InquiryCycle, external_id: str, scores: Sequence[Mapping[str, Any]]
) -> BatchOutcome:
    """Apply a batch once: check it whole, write all of it or nothing, remember it.

    Raises ``PermissionDenied`` for someone who may not add to the cycle,
    ``ValidationError`` for a closed cycle, :class:`EvidenceBatchConflict` for an
    external id already used with other scores.
    """
    require_contributor(user, cycle.team)
    digest = evidence_batch_digest(scores)
    earlier = _earlier(cycle, external_id, digest)
    if earlier is not None:
        return earlier
    cycle.require_open()
    problems = Problems()
    record = _Records(cycle)
    table = Table(
        file=BATCH_FILE,
        columns=COLUMNS,
        header_line=0,
        rows=[(number, record(score)) for number, score in enumerate(scores, start=1)],
    )
    rows = scores_rows(table, cycle, problems)
    try:
        with transaction.atomic():
            result = evidence_rows_apply(user=user, cycle=cycle, rows=rows, problems=problems)
            if not result.ok:
                return BatchOutcome(batch=None, problems=result.problems)
            batch = EvidenceBatch.objects.create(
                cycle=cycle,
                external_id=external_id,
                sent_by=user,
                digest=digest,
                rows=len(scores),
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                blank=result.blank,
            )
    except IntegrityError:
        # The same batch sent twice at once: the other request wrote it (ours is undone).
        earlier = _earlier(cycle, external_id, digest)
        if earlier is None:
            raise
        return earlier
    return BatchOutcome(batch=batch)


def _earlier(cycle: InquiryCycle, external_id: str, digest: str) -> BatchOutcome | None:
    batch = EvidenceBatch.objects.filter(cycle=cycle, external_id=external_id).first()
    if batch is None:
        return None
    if not batch.is_same_body(digest):
        raise EvidenceBatchConflict(batch)
    return BatchOutcome(batch=batch, replayed=True)


class _Records:
    """Scores as a file's rows; a measure or occasion may be given by its id as well as
    by its name (a name wins: a measure may be called "2")."""

    def __init__(self, cycle: InquiryCycle) -> None:
        self.measures = _names_and_ids(cycle.measures.all())
        self.occasions = _names_and_ids(cycle.occasions.all())

    def __call__(self, score: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "student": _text(score.get("student")),
            "class": _text(score.get("class")),
            "measure": _by_name_or_id(self.measures, score.get("measure")),
            "occasion": _by_name_or_id(self.occasions, score.get("occasion")),
            "score": score.get("score"),
        }


def _names_and_ids(things: Any) -> tuple[set[str], dict[str, str]]:
    things = list(things)
    return {t.name.strip().lower() for t in things}, {str(t.pk): t.name for t in things}


def _by_name_or_id(known: tuple[set[str], dict[str, str]], value: Any) -> str:
    names, by_id = known
    text = _text(value)
    if text.lower() in names:
        return text
    return by_id.get(text, text)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
