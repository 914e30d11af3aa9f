"""Who may read the audit log, and which of its events (one condition per line).

* only an administrator opens the audit log;
* a school's administrator sees the events of their school and those of its staff
  (whatever school the event names, e.g. a sign-in);
* a district's administrator (no school) sees the events of the district's schools
  and of the district's staff;
* nobody changes an event (the log is append-only: :mod:`efficacy.audit.models`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from efficacy.access.roster import Person, is_administrator, schools_for
from efficacy.audit.models import AuditEvent
from efficacy.roster.models import School


def can_see_audit_log(user: Person) -> bool:
    """Open the audit log page and its export."""
    return is_administrator(user)


def audit_events_for(user: Person) -> QuerySet[AuditEvent]:
    """The audit events of the administrator's scope, newest first."""
    if not is_administrator(user):
        return AuditEvent.objects.none()
    if user.school_id is not None:
        scope = Q(school_id=user.school_id)
        scope |= Q(actor__school_id=user.school_id)
    else:
        scope = Q(school__district_id=user.district_id)
        scope |= Q(actor__district_id=user.district_id)
        scope |= Q(actor__school__district_id=user.district_id)
    return AuditEvent.objects.filter(scope)


def audit_schools_for(user: Person) -> QuerySet[School]:
    """The schools an administrator may filter the log by (their scope's)."""
    if not can_see_audit_log(user):
        return School.objects.none()
    return schools_for(user)
