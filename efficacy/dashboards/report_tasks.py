"""Background work of the dashboards: building a school's report (django-tasks).

A worker runs it (``efficacy worker``); the reports page polls the report's status.
"""

from __future__ import annotations

from django_tasks import task

from efficacy.dashboards import reports
from efficacy.dashboards.models import Report


@task()
def build_report(*, report_id: int) -> str:
    """Build one queued report; its status says how it ended (done or failed, never running)."""
    report = Report.objects.select_related("school", "requested_by").get(pk=report_id)
    if report.status != Report.ReportStatus.QUEUED:
        # Delivered twice, or failed as lost meanwhile: the first outcome stands.
        return report.status
    reports.build(report)
    return report.status
