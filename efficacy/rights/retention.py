"""How long each kind of record is kept, and the purge of what has expired.

The policy is ``settings.EFFICACY_RETENTION`` (days per kind, read and checked at start
by :func:`efficacy.config.envretention`; the kinds and their defaults are
:data:`efficacy.config.RETENTION_DEFAULTS`). Each kind that this installation holds has
a :class:`Purger`; a kind registered by a part that is not installed (the audit log,
API tokens) is listed by ``efficacy purge`` as "not held here". A part adds its kind in
one line, e.g. the audit log::

    register_purger("audit", lambda cutoff: [(AuditEvent.objects.filter(at__lt=cutoff), "at")],
                    purge=purge_before)

A retired student past retention is *erased* (:func:`efficacy.rights.services.student_erase`),
never deleted, so the cycles their scores belong to keep their figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone

from efficacy.audit.models import Action, AuditEvent, Via
from efficacy.audit.services import purge_before, record
from efficacy.config import RETENTION_DEFAULTS
from efficacy.cycles.evidence.uploads import evidence_upload_files_delete
from efficacy.cycles.models import EvidenceUpload
from efficacy.cycles.stories.pdf import story_files, story_files_delete
from efficacy.roster.models import ImportRun, Status, Student
from efficacy.voice.models.tickets import TicketAnswer

#: What has expired: querysets, each with the field that dates its rows.
Expired = Callable[[dt.datetime], list[tuple[QuerySet[Any], str]]]
#: For a kind kept as files, not rows: how many are past the cutoff, and the oldest's date.
Tally = Callable[[dt.datetime], tuple[int, dt.datetime | None]]


@dataclass(frozen=True)
class Purger:
    kind: str
    expired: Expired
    #: Deletes what expired before the cutoff, returns how many; default: delete the querysets.
    purge: Callable[[dt.datetime], int] | None = None
    #: Counts what expired when it is not in ``expired``'s querysets (files).
    tally: Tally | None = None


@dataclass(frozen=True)
class KindReport:
    """One line of ``efficacy purge``: a kind, its policy, and what is (or was) past it."""

    kind: str
    days: int
    cutoff: dt.datetime
    held: bool  # False: no part of this installation holds this kind
    count: int = 0
    oldest: dt.date | dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "days": self.days,
            "cutoff": self.cutoff.isoformat(),
            "held": self.held,
            "count": self.count,
            "oldest": self.oldest.isoformat() if self.oldest else None,
        }


_PURGERS: dict[str, Purger] = {}


def register_purger(
    kind: str,
    expired: Expired,
    *,
    purge: Callable[[dt.datetime], int] | None = None,
    tally: Tally | None = None,
) -> None:
    if kind not in RETENTION_DEFAULTS:
        raise ValueError(f"{kind!r} is not a kind of efficacy.config.RETENTION_DEFAULTS")
    _PURGERS[kind] = Purger(kind, expired, purge, tally)


def retention_policy() -> dict[str, int]:
    return dict(getattr(settings, "EFFICACY_RETENTION", RETENTION_DEFAULTS))


def retention_plan(*, now: dt.datetime | None = None) -> list[KindReport]:
    """Per kind: how many records are past their retention, and the oldest one's date."""
    now = now or timezone.now()
    reports = []
    for kind, days in sorted(retention_policy().items()):
        cutoff = now - dt.timedelta(days=days)
        purger = _PURGERS.get(kind)
        if purger is None:
            reports.append(KindReport(kind, days, cutoff, held=False))
            continue
        count, oldest = (purger.tally or _tally_rows(purger.expired))(cutoff)
        reports.append(KindReport(kind, days, cutoff, held=True, count=count, oldest=oldest))
    return reports


def _tally_rows(expired: Expired) -> Tally:
    def tally(cutoff: dt.datetime) -> tuple[int, Any]:
        count, oldest = 0, None
        for queryset, date_field in expired(cutoff):
            count += queryset.count()
            first = queryset.aggregate(oldest=Min(date_field))["oldest"]
            if first is not None and (oldest is None or first < oldest):
                oldest = first
        return count, oldest

    return tally


def retention_purge(*, now: dt.datetime | None = None) -> list[KindReport]:
    """Purge every kind of what :func:`retention_plan` lists; returns that plan."""
    plan = retention_plan(now=now)
    for report in plan:
        if not report.held or not report.count:
            continue
        purger = _PURGERS[report.kind]
        with transaction.atomic():
            if purger.purge is not None:
                purger.purge(report.cutoff)
            else:
                for queryset, _field in purger.expired(report.cutoff):
                    queryset.delete()
            record(
                actor=None,
                action=Action.RECORDS_PURGED,
                detail={
                    "kind": report.kind,
                    "count": report.count,
                    "before": report.cutoff.isoformat(),
                },
                via=Via.COMMAND,
                actor_label="efficacy purge",
            )
    return plan


# --- the kinds this installation holds ----------------------------------------


def _retired_students(cutoff: dt.datetime) -> list[tuple[QuerySet[Any], str]]:
    # Retired (left the roster) before the cutoff: the import dates the change.
    expired = Student.objects.filter(
        status=Status.RETIRED, date_last_modified__lt=cutoff, erasure__isnull=True
    )
    return [(expired, "date_last_modified")]


def _erase_retired_students(cutoff: dt.datetime) -> int:
    from efficacy.rights.models import Erasure
    from efficacy.rights.services import student_erase

    erased = 0
    for queryset, _field in _retired_students(cutoff):
        for student in queryset:
            student_erase(student=student, by=None, reason=Erasure.Reason.RETENTION)
            erased += 1
    return erased


def _import_files(cutoff: dt.datetime) -> list[tuple[QuerySet[Any], str]]:
    """Roster exports and score files still kept: a finished score upload's files go at
    once, so those left are of a run whose worker died unseen (or never started)."""
    return [
        (ImportRun.objects.filter(created_at__lt=cutoff).exclude(stored_name=""), "created_at"),
        (EvidenceUpload.objects.filter(created_at__lt=cutoff).exclude(stored_names=[]), "created_at"),
    ]  # fmt: skip


def _delete_import_files(cutoff: dt.datetime) -> int:
    """The uploaded files go; the runs (who imported what, when, the outcome) stay."""
    runs, uploads = (queryset for queryset, _field in _import_files(cutoff))
    deleted = 0
    for run in runs:
        # A run started again shares its upload: deleting it twice is harmless.
        default_storage.delete(run.stored_name)
        run.stored_name = ""
        run.save(update_fields=["stored_name"])
        deleted += 1
    for upload in uploads:
        evidence_upload_files_delete(upload)
        deleted += 1
    return deleted


def _story_files(cutoff: dt.datetime) -> tuple[int, dt.datetime | None]:
    files = story_files(before=cutoff)
    return len(files), (files[0][1] if files else None)


register_purger(
    "signin_failures",
    lambda cutoff: [
        (AccessFailureLog.objects.filter(attempt_time__lt=cutoff), "attempt_time"),
        (AccessAttempt.objects.filter(attempt_time__lt=cutoff), "attempt_time"),
    ],
)
register_purger(
    "exit_ticket_answers",
    lambda cutoff: [
        (TicketAnswer.objects.filter(ticket__opened_on__lt=cutoff.date()), "ticket__opened_on")
    ],
)
register_purger("retired_students", _retired_students, purge=_erase_retired_students)
register_purger("import_files", _import_files, purge=_delete_import_files)
# Story PDFs are a cache of what a reader was shown: made again when asked for.
register_purger(
    "story_pdfs",
    lambda cutoff: [],
    tally=_story_files,
    purge=lambda cutoff: story_files_delete(before=cutoff),
)
# The audit log goes only through its own purge (its database refuses any other delete).
register_purger(
    "audit", lambda cutoff: [(AuditEvent.objects.filter(at__lt=cutoff), "at")], purge=purge_before
)
