"""A school's reports: ask for one, follow it while the worker builds it, download it."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from efficacy.access import roster as access
from efficacy.dashboards import reports
from efficacy.dashboards.models import Report
from efficacy.downloads import file_response

#: The reports listed on the page (older ones stay downloadable by their address).
LISTED = 20


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Report"),
        choices=Report.Kind.choices,
        widget=forms.RadioSelect,
        initial=Report.Kind.IMPACT,
    )


@login_required
def reports_page(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school's reports the person asked for, and the form to ask for another."""
    user = request.user
    school = access.access_school_dashboard(user, school_id)
    form = ReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = reports.report_request(user=user, school=school, kind=form.cleaned_data["kind"])
        return redirect("dashboards:report", report_id=report.pk)
    listed = [reports.report_notice_lost(r) for r in reports.reports_of(user, school)[:LISTED]]
    context = {"school": school, "form": form, "reports": listed}
    return render(request, "dashboards/reports.html", context)


def _report(request: HttpRequest, report_id: int) -> Report:
    return reports.report_notice_lost(reports.access_report(request.user, report_id))


@login_required
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    """One report: its progress while it is built, then its downloads."""
    report = _report(request, report_id)
    return render(request, "dashboards/report_status.html", {"report": report})


@login_required
@never_cache
def report_status(request: HttpRequest, report_id: int) -> HttpResponse:
    """The part of the report's page htmx polls until the report is done or failed."""
    report = _report(request, report_id)
    return render(request, "dashboards/_report_status.html", {"report": report})


def _done(request: HttpRequest, report_id: int) -> Report:
    report = _report(request, report_id)
    if report.status != Report.ReportStatus.DONE:
        raise Http404("This report is not ready.")
    return report


@login_required
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _done(request, report_id)
    filename = reports.report_filename(report, "pdf")
    return file_response(bytes(report.pdf), filename, "application/pdf")


@login_required
def report_print(request: HttpRequest, report_id: int) -> HttpResponse:
    """The report's body as built, in the site's layout: it prints as the PDF does."""
    report = _done(request, report_id)
    # The body was rendered (and escaped) by our own templates when the report was built.
    context = {"report": report, "body": mark_safe(report.html)}
    return render(request, "dashboards/report_print.html", context)


urlpatterns = [
    path("schools/<int:school_id>/reports/", reports_page, name="reports"),
    path("reports/<int:report_id>/", report_page, name="report"),
    path("reports/<int:report_id>/status/", report_status, name="report_status"),
    path("reports/<int:report_id>/report.pdf", report_pdf, name="report_pdf"),
    path("reports/<int:report_id>/print/", report_print, name="report_print"),
]
