"""The dashboards' addresses (every view fetches its objects through efficacy.access)."""

from django.urls import path

from efficacy.dashboards import views_reports

app_name = "dashboards"

urlpatterns: list = [
    # --- reports (views_reports) ---
    path("schools/<int:school_id>/reports/", views_reports.reports_page, name="reports"),
    path("reports/<int:report_id>/", views_reports.report_page, name="report"),
    path("reports/<int:report_id>/status/", views_reports.report_status, name="report_status"),
    path("reports/<int:report_id>/report.pdf", views_reports.report_pdf, name="report_pdf"),
    path("reports/<int:report_id>/print/", views_reports.report_print, name="report_print"),
]
