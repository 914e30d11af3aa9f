"""The round pages (:mod:`.views`)."""

from __future__ import annotations

from efficacy.practice import views

app_name = "practice"

urlpatterns = views.urlpatterns
