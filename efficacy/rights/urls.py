from __future__ import annotations

from django.urls import path

from efficacy.rights import views

app_name = "rights"

urlpatterns = [
    path("", views.index, name="index"),
    path("students/<int:student_id>/", views.student, name="student"),
    path("students/<int:student_id>/export/", views.student_export, name="student_export"),
    path("students/<int:student_id>/erase/", views.student_erase, name="student_erase"),
    path("staff/<int:user_id>/", views.staff, name="staff"),
    path("staff/<int:user_id>/export/", views.staff_export, name="staff_export"),
    path("staff/<int:user_id>/erase/", views.staff_erase, name="staff_erase"),
]
