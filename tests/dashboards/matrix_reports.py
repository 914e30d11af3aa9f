"""The URL-wide matrix's rows for a school's reports (see ``tests/web/test_url_matrix.py``).

A school's reports are asked for by its leaders, its administrators and its district's
analysts; each report is its requester's alone (built as they see the school), so only
leader_a reads the finished report ``things`` makes, and everyone else gets a 404.
"""

from __future__ import annotations

from django.utils import timezone

from efficacy.dashboards.models import Report
from tests.web.matrix_base import ADMINS, Row, answers, school_a

#: Who may ask for school A's reports.
REPORTERS = {"leader_a", "analyst", *ADMINS}


def the_report(world, things):
    return [things["report"].pk]


ROWS: dict[str, Row] = {
    "dashboards:reports": Row(args=school_a, answers=answers(REPORTERS)),
    "dashboards:report": Row(args=the_report, answers=answers({"leader_a"})),
    "dashboards:report_status": Row(args=the_report, answers=answers({"leader_a"})),
    "dashboards:report_pdf": Row(args=the_report, answers=answers({"leader_a"})),
    "dashboards:report_print": Row(args=the_report, answers=answers({"leader_a"})),
}  # fmt: skip


def things(world, made: dict) -> dict:
    report = Report.objects.create(
        school=world.school_a, kind=Report.Kind.IMPACT, language="en",
        requested_by=world.leader_a, status=Report.ReportStatus.DONE,
        html="<article class='report'><h1>School impact report</h1></article>",
        pdf=b"%PDF-1.7 made up", finished_at=timezone.now(),
    )  # fmt: skip
    return {"report": report}
