"""Mastery moments: the school's feed and the cycle story (page and PDF)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path


def _todo(request, **kwargs):  # replaced by the feed and story pages
    return HttpResponse(status=501)


urlpatterns = [
    path("schools/<int:school_id>/mastery-moments/", _todo, name="feed"),
    path("mastery-moments/<int:moment_id>/", _todo, name="story"),
    path("mastery-moments/<int:moment_id>/story.pdf", _todo, name="story_pdf"),
    path("mastery-moments/<int:moment_id>/publish/", _todo, name="publish"),
]
