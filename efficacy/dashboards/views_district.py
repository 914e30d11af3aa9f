"""The district dashboard (analysts' landing page) and its downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from efficacy.access.roster import can_see_district_overview
from efficacy.dashboards import exports
from efficacy.dashboards.district import TABLE_KEYS, district_dashboard
from efficacy.dashboards.tables import table_response
from efficacy.downloads import file_response


def _require_district_reader(request: HttpRequest) -> None:
    if not can_see_district_overview(request.user):
        raise PermissionDenied(_("The district dashboard is for district analysts."))


def _filters(request: HttpRequest) -> dict[str, str]:
    """The filters only: the export's ``format`` is not one of them."""
    return {k: v for k, v in request.GET.dict().items() if k != "format"}


@login_required
def district(request: HttpRequest) -> HttpResponse:
    _require_district_reader(request)
    dashboard = district_dashboard(request.user, _filters(request), today=timezone.localdate())
    query = request.GET.urlencode()
    return render(
        request,
        "dashboards/district.html",
        {"d": dashboard, "district": getattr(request.user, "district", None), "query": query},
    )


@login_required
def district_export(request: HttpRequest, key: str) -> HttpResponse:
    """One of the dashboard's tables (``key``), rebuilt with the same filters."""
    _require_district_reader(request)
    if key not in TABLE_KEYS:
        raise Http404
    dashboard = district_dashboard(
        request.user, _filters(request), today=timezone.localdate(), whole_board=key == "board"
    )
    return table_response(
        dashboard.tables[key], request.GET.get("format", ""), filename_stem=f"district-{key}"
    )


@login_required
def district_evidence(request: HttpRequest) -> HttpResponse:
    """The filtered closed cycles' evidence as Parquet, for analysts only."""
    _require_district_reader(request)
    body = exports.evidence_parquet(request.user, _filters(request))
    return file_response(body, "district-evidence.parquet", exports.PARQUET_TYPE)
