"""A school's reports: the school impact report and the board summary, as HTML and PDF.

A person asks for a report (:func:`report_request`); the worker builds it
(:func:`build`, run by :func:`efficacy.dashboards.report_tasks.build_report`) in that
person's language and as that person sees the school: the context comes from the same
builders as the school dashboard and the body from the same partial templates, so a
figure in the PDF is the figure on the page. The body is kept (``Report.html``) beside
the PDF, and the printable page shows that same body.

A report never names a student: it is made of the dashboard's aggregates (small groups
suppressed, their size never shown) and of the mastery moments' evidence headlines,
never of a team's free-text reflection, which may name one.

The PDF is rendered by WeasyPrint with the cycle story's fetcher, which serves our own
static files and refuses every other address (no network fetch while building).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.cycles.models import CycleStatus, MasteryMoment
from efficacy.cycles.stories import story
from efficacy.dashboards.models import Report
from efficacy.dashboards.school import school_dashboard
from efficacy.privacy import min_staff_n, min_student_n
from efficacy.roster.models import School, User

logger = logging.getLogger(__name__)

Kind = Report.Kind
Status = Report.ReportStatus
Stage = Report.Stage
Failure = Report.Failure

#: The report's body template, by kind.
BODY_TEMPLATES = {
    Kind.IMPACT: "dashboards/report_school.html",
    Kind.BOARD: "dashboards/report_board.html",
}
#: The standalone document (no site navigation) around a body, for the PDF.
DOCUMENT_TEMPLATE = "dashboards/_report_document.html"
#: A link of our templates to a page of the site (text a person typed is escaped: no quote).
SITE_LINK = re.compile(r'\shref="/[^"]*"')
#: The static stylesheets the PDF reads, in order (the printable page has the site's and these).
STYLESHEETS = ("css/dash_school.css", "css/dash_print.css")
#: How many of the latest published mastery stories each report tells.
STORIES = {Kind.IMPACT: 10, Kind.BOARD: 3}


# --- who sees which report -----------------------------------------------------------


def reports_of(user: Any, school: School) -> QuerySet[Report]:
    """The reports of ``school`` that ``user`` may read, newest first, without their bytes."""
    reports = access.reports_for(user, Report.objects.filter(school=school))
    return reports.defer("html", "pdf").select_related("school")


def access_report(user: Any, report_id: int) -> Report:
    return access.get_or_404(access.reports_for(user, Report.objects.all()), report_id)


# --- asking for one, and noticing a lost one -------------------------------------------


def report_request(*, user: access.Person, school: School, kind: str) -> Report:
    """Queue a report of ``school`` in ``user``'s current language, built by the worker."""
    from efficacy.dashboards.report_tasks import build_report

    if not access.is_active_account(user):
        raise PermissionDenied(_("Sign in to ask for a report."))
    if not access.report_schools_for(user).filter(pk=school.pk).exists():
        raise PermissionDenied(_("You may not ask for this school's reports."))
    report = Report.objects.create(
        school=school,
        kind=Kind(kind),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        requested_by=user,
    )
    build_report.enqueue(report_id=report.pk)
    report.refresh_from_db()
    return report


def report_notice_lost(report: Report) -> Report:
    """Fail a report whose worker died while building it, so it is never "being built" for ever."""
    if not report.is_lost:
        return report
    # Only if it is still running: a worker that did finish meanwhile has the last word.
    Report.objects.filter(pk=report.pk, status=Status.RUNNING).update(
        status=Status.FAILED, failure=Failure.LOST, finished_at=timezone.now()
    )
    report.refresh_from_db()
    return report


# --- building it ----------------------------------------------------------------------


def build(report: Report) -> None:
    """Build ``report``: its body and its PDF, in its language, as its requester sees.

    Whatever happens it ends done or failed with a reason (never left running); the
    traceback of an unexpected error goes to the log, the person reads a plain message.
    The bench times this function directly.
    """
    reports = Report.objects.filter(pk=report.pk)
    # No request in the worker: the report's dates and times are the school's.
    language = report.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(report.school.zone):
        _stage(report, Stage.GATHERING, status=Status.RUNNING)
        try:
            fields = _build(report)
        except Exception:
            logger.exception("report %s of school %s failed", report.pk, report.school_id)
            fields = {"status": Status.FAILED, "failure": Failure.ERROR}
        fields.update(finished_at=timezone.now(), updated_at=timezone.now(), stage="")
        reports.update(**fields)
    report.refresh_from_db()


def _stage(report: Report, stage: str, **fields: Any) -> None:
    Report.objects.filter(pk=report.pk).update(stage=stage, updated_at=timezone.now(), **fields)


def _build(report: Report) -> dict[str, Any]:
    user = report.requested_by
    # The scope is the requester's as the report is built, not as it was asked for.
    if user is None or not access.report_schools_for(user).filter(pk=report.school_id).exists():
        return {"status": Status.FAILED, "failure": Failure.NO_ACCESS}
    context = report_context(report, user)
    _stage(report, Stage.WRITING)
    body = render_body(report, context)
    _stage(report, Stage.PDF)
    pdf = story.render_pdf(render_document(report, body=body))
    return {"status": Status.DONE, "failure": "", "html": body, "pdf": pdf}


@dataclass(frozen=True)
class Headline:
    """The report's figures in words: counts of what the school's teams did (the pooled
    estimate's sentence comes with the dashboard's ``pooled``)."""

    cycles_closed: int
    cycles_with_effect: int
    mastery_moments: int


@dataclass(frozen=True)
class StoryLine:
    """One mastery story of a report: its evidence in words, never its reflection."""

    team: str
    cycle: str
    headline: str
    grade: str
    strategies: list[str]


def report_context(report: Report, user: User, *, today: dt.date | None = None) -> dict[str, Any]:
    """What a report's body shows, as ``user`` sees the school on ``today``: the school
    dashboard's own context (:func:`efficacy.dashboards.school.school_dashboard`), the
    figures the dashboard shows, plus the report's headline and published mastery stories."""
    school = report.school
    today = today or school.today()
    dashboard = school_dashboard(user, school, today=today)
    closed = [row for row in dashboard.board if row.status == CycleStatus.CLOSED]
    published = story.feed_moments(user, school).filter(published=True)
    return {
        "report": report,
        "school": school,
        "today": today,
        "dashboard": dashboard,
        "headline": Headline(
            cycles_closed=len(closed),
            cycles_with_effect=sum(1 for row in closed if row.effect is not None),
            mastery_moments=published.count(),
        ),
        "stories": report_stories(published, limit=STORIES[Kind(report.kind)]),
        # What the dashboard's partials read beside ``dashboard``.
        "min_n": min_student_n(),
        "min_student_n": min_student_n(),
        "min_staff_n": min_staff_n(),
    }


def report_stories(moments: QuerySet[MasteryMoment], *, limit: int) -> list[StoryLine]:
    """The latest published mastery moments, told by their evidence (no reflection text)."""
    lines = []
    for moment in moments[:limit]:
        item = story.feed_item(moment)
        lines.append(
            StoryLine(
                team=moment.cycle.team.name,
                cycle=moment.cycle.title,
                headline=item.headline,
                grade=item.grade,
                strategies=[use.strategy.shown_name for use in item.strategies],
            )
        )
    return lines


def render_body(report: Report, context: dict[str, Any]) -> str:
    return render_to_string(BODY_TEMPLATES[Kind(report.kind)], context)


def render_document(report: Report, *, body: str) -> str:
    """The standalone document WeasyPrint prints: ``body`` with the report's stylesheets,
    reached through the story's fetcher (the printable page wraps the same body in the site's
    layout instead: ``dashboards/report_print.html``)."""
    # The site's own links would point at the fetcher's made-up origin in a PDF that travels
    # by email: the PDF keeps their text, not their address.
    body = SITE_LINK.sub("", body)
    with translation.override(report.language or settings.LANGUAGE_CODE):
        return render_to_string(
            DOCUMENT_TEMPLATE,
            {
                "report": report,
                "body": mark_safe(body),  # rendered by our templates, escaped when it was made
                "stylesheets": [story.pdf_static_url(name) for name in STYLESHEETS],
            },
        )


def report_filename(report: Report, extension: str) -> str:
    slug = slugify(report.school.name)[:60].strip("-") or "school"
    kind = "impact-report" if report.kind == Kind.IMPACT else "board-summary"
    day = report.school.today(report.finished_at or report.created_at).isoformat()
    return f"{slug}-{kind}-{day}.{extension}"
