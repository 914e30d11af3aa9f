"""The dashboards' addresses (every view fetches its objects through efficacy.access)."""

from efficacy.dashboards import views_reports, views_school, views_team

app_name = "dashboards"

urlpatterns: list = [
    *views_school.urlpatterns,
    *views_team.urlpatterns,
    *views_reports.urlpatterns,
]
