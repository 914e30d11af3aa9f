"""The impact panel: what the evidence says, with n, CI and caveats beside each figure."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path


def _todo(request, **kwargs):  # replaced by the impact panel
    return HttpResponse(status=501)


urlpatterns = [
    path("cycles/<int:cycle_id>/impact/", _todo, name="impact_panel"),
]
