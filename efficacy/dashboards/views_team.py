"""The team dashboard and its tables' downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from efficacy import privacy
from efficacy.access.roster import access_team_dashboard, dashboard_names_people
from efficacy.dashboards.tables import pick, table_response
from efficacy.dashboards.team import TeamDashboard, team_dashboard


def _dashboard(request: HttpRequest, team_id: int) -> TeamDashboard:
    team = access_team_dashboard(request.user, team_id)
    return team_dashboard(request.user, team, today=timezone.localdate())


@login_required
@require_GET
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    dashboard = _dashboard(request, team_id)
    context = {
        "team": dashboard.team,
        "school": dashboard.team.school,
        "dashboard": dashboard,
        "names": dashboard_names_people(request.user, dashboard.team.school_id),
        "min_n": privacy.min_student_n(),
        "min_staff_n": privacy.min_staff_n(),
        "today": timezone.localdate(),
    }
    return render(request, "dashboards/team.html", context)


@login_required
@require_GET
def team_export(request: HttpRequest, team_id: int, key: str) -> HttpResponse:
    """One of the team dashboard's tables, rebuilt for the same person, as CSV or XLSX."""
    dashboard = _dashboard(request, team_id)
    return table_response(
        pick(dashboard.tables, key),
        request.GET.get("format"),
        filename_stem=f"team-{dashboard.team.pk}",
    )


urlpatterns = [
    path("teams/<int:team_id>/dashboard/", team, name="team"),
    path("teams/<int:team_id>/dashboard/export/<slug:key>/", team_export, name="team_export"),
]
