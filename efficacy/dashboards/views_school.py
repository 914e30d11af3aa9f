"""The school dashboard (a school leader's landing page) and its tables' downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from efficacy import privacy
from efficacy.access.roster import access_school_dashboard
from efficacy.dashboards.school import SchoolDashboard, school_dashboard
from efficacy.dashboards.tables import pick, table_response


def _dashboard(request: HttpRequest, school_id: int) -> SchoolDashboard:
    user = request.user
    school = access_school_dashboard(user, school_id)
    return school_dashboard(
        user,
        school,
        today=timezone.localdate(),
        group_a=request.GET.get("a", ""),
        group_b=request.GET.get("b", ""),
    )


@login_required
@require_GET
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    dashboard = _dashboard(request, school_id)
    context = {
        "school": dashboard.school,
        "dashboard": dashboard,
        "names": dashboard.names,
        "min_n": privacy.min_student_n(),
        "min_staff_n": privacy.min_staff_n(),
        "group_a": dashboard.gap.group_a.key if dashboard.gap else "",
        "group_b": dashboard.gap.group_b.key if dashboard.gap else "",
    }
    return render(request, "dashboards/school.html", context)


@login_required
@require_GET
def school_export(request: HttpRequest, school_id: int, key: str) -> HttpResponse:
    """One of the dashboard's tables, rebuilt for the same person, as CSV or XLSX."""
    dashboard = _dashboard(request, school_id)
    table = pick(dashboard.tables, key)
    return table_response(
        table, request.GET.get("format"), filename_stem=f"school-{dashboard.school.pk}"
    )


urlpatterns = [
    path("schools/<int:school_id>/dashboard/", school, name="school"),
    path(
        "schools/<int:school_id>/dashboard/export/<slug:key>/", school_export, name="school_export"
    ),
]
