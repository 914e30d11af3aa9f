from __future__ import annotations

from django.urls import path

from efficacy.front import views

app_name = "front"

urlpatterns = [
    path("schools/<int:school_id>/", views.school, name="school"),
    path("teams/<int:team_id>/", views.team, name="team"),
]
