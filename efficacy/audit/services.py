"""Writing the audit log: :func:`record` is the one home; :func:`purge_before` the one way out.

A change and its audit row are written in the same transaction: if the row cannot be
written, the change fails too. A read is recorded after its successful response
(:mod:`efficacy.audit.middleware`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest

from efficacy.audit.models import AuditEvent, PurgePermit, Via
from efficacy.net import client_ip
from efficacy.roster.models import School, Student, User

#: The request being answered, for the events recorded while it is (see :func:`during`).
_REQUEST: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)

#: A target as a model instance, or as (type, id, label) for something not in the database.
Target = Model | tuple[str, object, str]


def _actor_label(actor: Any) -> str:
    username = getattr(actor, "username", "") if actor is not None else ""
    return str(username or "")[:150]


def _target_fields(target: Target | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_label": ""}
    if isinstance(target, tuple):
        kind, pk, label = target
        return {"target_type": kind[:60], "target_id": str(pk)[:64], "target_label": label[:300]}
    # A student's name never goes into the log: it outlives the student's erasure.
    label = "" if isinstance(target, Student) else str(target)
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_label": label[:300],
    }


@contextmanager
def during(request: HttpRequest) -> Iterator[None]:
    """Events recorded while ``request`` is answered are recorded as coming from it (its
    address, and ``page`` or ``api``) unless :func:`record` is given another request."""
    token = _REQUEST.set(request)
    try:
        yield
    finally:
        _REQUEST.reset(token)


def via_of(request: HttpRequest | None) -> str:
    """How an action came: the API (its URL namespace ``api``), a page, or a command."""
    if request is None:
        return Via.COMMAND
    match = getattr(request, "resolver_match", None)
    if match is not None and "api" in match.namespaces:
        return Via.API
    return Via.PAGE


def record(
    *,
    actor: User | None,
    action: str,
    school: School | int | None = None,
    target: Target | None = None,
    detail: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    via: str | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Write one audit event and return it.

    ``actor`` is who did it (``None`` for nobody signed in; ``actor_label`` then says who
    was tried, e.g. the username of a failed sign-in). ``detail`` holds ids and counts,
    never a student's name. ``via`` defaults to what ``request`` says (``api`` under the
    API's namespace, else ``page``; ``command`` without a request).

    Call it inside the transaction of the change it records: if it fails, the change is
    rolled back with it.
    """
    if request is None:
        request = _REQUEST.get()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # an AnonymousUser
    school_id = school.pk if isinstance(school, School) else school
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=(actor_label if actor_label is not None else _actor_label(actor))[:150],
        action=action,
        school_id=school_id,
        detail=dict(detail or {}),
        ip=client_ip(request) if request is not None else None,
        via=via or via_of(request),
        **_target_fields(target),
    )


def purge_before(cutoff: dt.datetime) -> int:
    """Delete the audit events recorded before ``cutoff``; the number deleted.

    The retention policy's one way to remove audit rows. The database refuses any other
    delete (migration 0001's triggers): a :class:`PurgePermit` row for ``cutoff`` lets
    these rows go, and is removed in the same transaction.
    """
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with transaction.atomic():
        permit = PurgePermit.objects.create(cutoff=cutoff)
        with connection.cursor() as cursor:
            # SQL, not the queryset: AuditEventQuerySet.delete refuses on purpose.
            cursor.execute(
                f"DELETE FROM {table} WHERE at < %s",
                [connection.ops.adapt_datetimefield_value(cutoff)],
            )
            deleted = cursor.rowcount
        PurgePermit.objects.filter(pk=permit.pk).delete()
    return max(deleted, 0)
