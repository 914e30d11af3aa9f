"""Evidence of student learning: the score grid, uploads, templates, exports, deletion."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path


def _todo(request, **kwargs):  # replaced by the evidence pages
    return HttpResponse(status=501)


urlpatterns = [
    path("cycles/<int:cycle_id>/evidence/", _todo, name="evidence"),
    path("cycles/<int:cycle_id>/evidence/grid/", _todo, name="grid"),
    path("cycles/<int:cycle_id>/evidence/cell/", _todo, name="score_cell"),
    path("cycles/<int:cycle_id>/evidence/upload/", _todo, name="upload"),
    path("cycles/<int:cycle_id>/evidence/template.<str:fmt>", _todo, name="template"),
    path("cycles/<int:cycle_id>/evidence/export.<str:fmt>", _todo, name="export"),
    path("cycles/<int:cycle_id>/evidence/gradebook/", _todo, name="gradebook"),
    path("cycles/<int:cycle_id>/evidence/delete/", _todo, name="evidence_delete"),
]
