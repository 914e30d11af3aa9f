"""Creating, planning, moving and closing a cycle (the team's side of the loop)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path


def _todo(request, **kwargs):  # replaced by the cycle pages
    return HttpResponse(status=501)


urlpatterns = [
    path("teams/<int:team_id>/cycles/new/", _todo, name="new"),
    path("cycles/<int:cycle_id>/", _todo, name="detail"),
    path("cycles/<int:cycle_id>/edit/", _todo, name="edit"),
    path("cycles/<int:cycle_id>/strategies/", _todo, name="strategies"),
    path("cycles/<int:cycle_id>/milestones/", _todo, name="milestones"),
    path("cycles/<int:cycle_id>/milestones/<int:milestone_id>/", _todo, name="milestone"),
    path("cycles/<int:cycle_id>/measures/", _todo, name="measures"),
    path("cycles/<int:cycle_id>/occasions/", _todo, name="occasions"),
    path("cycles/<int:cycle_id>/status/", _todo, name="status"),
    path("cycles/<int:cycle_id>/reflection/", _todo, name="reflection"),
    path("schools/<int:school_id>/strategies/", _todo, name="strategy_library"),
    path("schools/<int:school_id>/strategies/new/", _todo, name="strategy_new"),
]
