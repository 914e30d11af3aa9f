from __future__ import annotations

from django.urls import path

from efficacy.roster import views, views_import

app_name = "roster"

urlpatterns = [
    path("district/", views.district, name="district"),
    path("time-zones/", views.time_zones, name="time_zones"),
    path("schools/<int:school_id>/staff/", views.school_staff, name="staff"),
    path("schools/<int:school_id>/students/", views.school_students, name="students"),
    path("schools/<int:school_id>/teams/new/", views.team_new, name="team_new"),
    path("teams/<int:team_id>/members/", views.team_members, name="team_members"),
    path("classes/<int:class_id>/", views.school_class, name="class"),
    path("students/<int:student_id>/", views.student, name="student"),
    path("staff/<int:user_id>/", views.staff_member, name="staff_member"),
]

urlpatterns += [
    path("roster/import/", views_import.roster_import_page, name="import"),
    path("roster/import/<int:run_id>/", views_import.import_run, name="import_run"),
    path(
        "roster/import/<int:run_id>/status/",
        views_import.import_run_status,
        name="import_run_status",
    ),
    path(
        "roster/import/<int:run_id>/again/",
        views_import.import_run_start_again,
        name="import_run_start_again",
    ),
]
