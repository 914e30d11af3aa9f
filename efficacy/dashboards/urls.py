"""The dashboards' addresses (every view fetches its objects through efficacy.access)."""

from django.urls import path

from efficacy.dashboards import views_district, views_home, views_reports, views_school, views_team

app_name = "dashboards"

urlpatterns: list = [
    *views_school.urlpatterns,
    *views_team.urlpatterns,
    # The teacher home is the site's root ("home", in efficacy/urls.py).
    path("accounts/digest/", views_home.digest_settings, name="digest"),
    path("district/dashboard/", views_district.district, name="district"),
    path(
        "district/dashboard/export/<slug:key>/",
        views_district.district_export,
        name="district_export",
    ),
    path(
        "district/dashboard/evidence.parquet",
        views_district.district_evidence,
        name="district_evidence",
    ),
    *views_reports.urlpatterns,
]
