"""The round pages (:mod:`.views`) and the coverage scheduler's (:mod:`.views_schedule`)."""

from __future__ import annotations

from efficacy.practice import views, views_schedule

app_name = "practice"

urlpatterns = views.urlpatterns + views_schedule.urlpatterns
