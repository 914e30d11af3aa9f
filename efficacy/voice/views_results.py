"""The results of closed survey windows: the list, one window's results, its export,
and the trend across windows with each team's cycles before and after.

Every page gets its window through :func:`efficacy.access.surveys.access_window_results`
(an open window, or one the person may not read, is a 404) and its figures from
:mod:`efficacy.voice.services.results`, filtered by
:func:`~efficacy.access.surveys.can_see_team_results`. No view computes a statistic.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from efficacy.access.roster import Person, is_active_account
from efficacy.access.surveys import (
    access_window_results,
    can_see_group_results,
    can_see_team_results,
    result_windows_for,
)
from efficacy.analysis.survey import ALPHA_CI_LOW, ALPHA_LOW, LOW_RESPONSE_RATE
from efficacy.charts import Chart, Point, trend
from efficacy.charts import Series as ChartSeries
from efficacy.downloads import file_response
from efficacy.roster.models import Team
from efficacy.tabular import write_csv, write_xlsx
from efficacy.tabular.writing import XLSX_TYPE
from efficacy.voice.models import SurveyWindow
from efficacy.voice.services.results import (
    Series,
    Trend,
    WindowResults,
    results_table,
    results_trend,
    window_results,
)


def _viewer_filter(user: Person, window: SurveyWindow) -> Callable[[Team | None], bool]:
    return partial(can_see_group_results, user, window)


def _results_for(user: Person, window: SurveyWindow, **kwargs: Any) -> WindowResults:
    return window_results(window=window, **kwargs).visible_to(_viewer_filter(user, window))


def _rules() -> dict[str, Any]:
    return {
        "alpha_low": ALPHA_LOW,
        "alpha_ci_low": ALPHA_CI_LOW,
        "low_rate_percent": round(100 * LOW_RESPONSE_RATE),
    }


@login_required
def results_list(request: HttpRequest) -> HttpResponse:
    if not is_active_account(request.user):
        raise PermissionDenied  # a retired account reads nothing
    windows = (
        result_windows_for(request.user, today=timezone.localdate())
        .select_related("school", "team", "instrument")
        .order_by("school__name", "-opens_on", "title")
    )
    return render(request, "voice/results_list.html", {"windows": windows})


@login_required
def results(request: HttpRequest, window_id: int) -> HttpResponse:
    window = access_window_results(request.user, window_id, today=timezone.localdate())
    found = _results_for(request.user, window)
    shape = window.instrument.parsed
    context = {
        "window": window,
        "results": found,
        "scale_min": shape.scale_min,
        "scale_max": shape.scale_max,
        **_rules(),
    }
    return render(request, "voice/results_window.html", context)


@login_required
def results_export(request: HttpRequest, window_id: int, fmt: str) -> HttpResponse:
    window = access_window_results(request.user, window_id, today=timezone.localdate())
    if fmt not in ("csv", "xlsx"):
        raise Http404
    columns, rows = results_table(_results_for(request.user, window))
    name = f"survey-results-{window.pk}.{fmt}"
    if fmt == "csv":
        body, content_type = write_csv(columns, rows), "text/csv; charset=utf-8"
    else:
        body, content_type = write_xlsx(columns, rows, title=_("Results")), XLSX_TYPE
    return file_response(body, name, content_type)


# --- the trend -------------------------------------------------------------------------


def _chart(series: Series, scale_min: int, scale_max: int, index_name: str) -> Chart | None:
    """The school's index at each window with its interval (efficacy.charts draws it; the
    figures come from the service). A suppressed window keeps its place, with no point."""
    if len([p for p in series.points if p.figure.index is not None]) < 2:
        return None
    return trend(
        [
            ChartSeries(
                series.label,
                [
                    Point(
                        p.window.title,
                        p.figure.index.mean,
                        p.figure.index.ci.low,
                        p.figure.index.ci.high,
                    )
                    if p.figure.index is not None
                    else Point(p.window.title, None)
                    for p in series.points
                ],
            )
        ],
        categories=[p.window.title for p in series.points],
        title=_("%(index)s at each window") % {"index": index_name},
        description=_("The school's index at each window with its likely range."),
        axis_label=index_name,
        y_range=(scale_min, scale_max),
    )


@login_required
def results_trend_page(request: HttpRequest, window_id: int) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    window = access_window_results(user, window_id, today=today)
    trend: Trend = results_trend(
        user=user,
        window=window,
        today=today,
        can_see=lambda w, team: team is not None and can_see_team_results(user, w, team),
    )
    shape = window.instrument.parsed
    cycle_rows = [
        {"team": series.label, "comparison": comparison}
        for series in trend.teams
        if series.team is not None
        for comparison in trend.cycles.get(series.team.pk, ())
    ]
    context = {
        "window": window,
        "trend": trend,
        "cycle_rows": cycle_rows,
        "chart": _chart(trend.school, shape.scale_min, shape.scale_max, trend.index_name),
        "scale_min": shape.scale_min,
        "scale_max": shape.scale_max,
    }
    return render(request, "voice/results_trend.html", context)


urlpatterns = [
    path("results/", results_list, name="results_list"),
    path("results/<int:window_id>/", results, name="results"),
    path("results/<int:window_id>/trend/", results_trend_page, name="results_trend"),
    path("results/<int:window_id>/export.<str:fmt>", results_export, name="results_export"),
]
