"""The administrators' audit log page and its export (rules in ``efficacy.access.audit``)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from efficacy.access.audit import audit_events_for, audit_schools_for, can_see_audit_log
from efficacy.audit.forms import AuditFilterForm
from efficacy.audit.models import AuditEvent
from efficacy.tabular import write_csv, write_xlsx

PAGE_SIZE = 50
#: An export holds at most this many events (the newest): narrow the filters for more.
MAX_EXPORT_ROWS = 100_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    user = request.user
    if not can_see_audit_log(user):
        raise PermissionDenied(_("The audit log is for administrators."))
    district_wide = getattr(user, "school_id", None) is None
    form = AuditFilterForm(
        request.GET or None, schools=audit_schools_for(user) if district_wide else None
    )
    events = form.filter(audit_events_for(user)).select_related("school")
    return form, events


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "district_wide": "school" in form.fields,
    }
    return render(request, "audit/log.html", context)


def _columns() -> list[str]:
    return [_("When"), _("Who"), _("Action"), _("School"), _("Target type"), _("Target id"),
            _("Target"), _("Detail"), _("Address"), _("Via")]  # fmt: skip


def _row(event: AuditEvent) -> list[object]:
    return [
        timezone.localtime(event.at).replace(tzinfo=None),
        event.actor_label,
        event.get_action_display(),
        event.school.name if event.school else "",
        event.target_type,
        event.target_id,
        event.target_label,
        json.dumps(event.detail, sort_keys=True),
        event.ip or "",
        event.get_via_display(),
    ]


@login_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Choose a format: csv or xlsx."))
    _form, events = _filtered(request)
    rows = (_row(event) for event in events[:MAX_EXPORT_ROWS].iterator(chunk_size=2000))
    if fmt == "csv":
        body, content_type = write_csv(_columns(), rows), "text/csv; charset=utf-8"
    else:
        body, content_type = write_xlsx(_columns(), rows, title=_("Audit log")), XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    name = f"audit-log-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["Cache-Control"] = "no-store"
    return response
