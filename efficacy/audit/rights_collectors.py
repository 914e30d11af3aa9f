"""The audit log in a person's data export and in the retention policy (:mod:`efficacy.rights`).

What a staff member did (the events they are the actor of) is theirs to read; the
log's rows go only by :func:`efficacy.audit.services.purge_before`, the retention
policy's kind ``audit``.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from efficacy.audit.models import AuditEvent
from efficacy.audit.services import purge_before
from efficacy.rights.collectors import STAFF, Row, register, rows
from efficacy.rights.retention import register_purger
from efficacy.roster.models import User


@register(STAFF, "audit_events", _("What the audit log recorded the person doing: sign-ins, changes, student-level data read or exported."))  # fmt: skip
def _events(user: User) -> list[Row]:
    return rows(AuditEvent.objects.filter(actor=user).order_by("pk"))


def _expired(cutoff: dt.datetime):
    return [(AuditEvent.objects.filter(at__lt=cutoff), "at")]


register_purger("audit", _expired, purge=purge_before)
