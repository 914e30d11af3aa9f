"""Survey results: the closed windows whose results you may read
(:func:`efficacy.access.surveys.result_windows_for`), with the figures of the results
page (:func:`efficacy.voice.services.results.window_results`) for the groups you may
see. A group below the staff threshold (``EFFICACY_MIN_STAFF_N``), or hidden so that
a smaller one cannot be worked out, is absent: its size is never given."""

from __future__ import annotations

import datetime as dt
import math
from functools import partial
from typing import Any

from ninja import Query, Router, Schema

from efficacy.access.surveys import (
    access_window_results,
    can_see_group_results,
    result_windows_for,
)
from efficacy.api.auth import ApiRequest
from efficacy.api.pagination import Page, PageParams, each, paginate
from efficacy.api.types import Id
from efficacy.roster.selectors import today_for
from efficacy.voice.models import SurveyWindow
from efficacy.voice.services.results import Figure, GroupResult, window_results

router = Router(tags=["surveys"])


class WindowOut(Schema):
    id: int
    title: str
    school: int
    team: int | None
    instrument: str
    opens_on: dt.date
    closes_on: dt.date


class IndexOut(Schema):
    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    method: str


class SubscaleOut(Schema):
    key: str
    name: str
    index: IndexOut


class GroupOut(Schema):
    key: str
    label: str
    team: int | None
    n: int
    index: IndexOut
    subscales: list[SubscaleOut]


class ResultsOut(Schema):
    window: WindowOut
    threshold: int
    index_name: str
    responded: int | None
    response_rate: float | None
    groups: list[GroupOut]


def window_out(window: SurveyWindow) -> dict[str, Any]:
    return {
        "id": window.pk,
        "title": window.title,
        "school": window.school_id,
        "team": window.team_id,
        "instrument": str(window.instrument),
        "opens_on": window.opens_on,
        "closes_on": window.closes_on,
    }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _index(figure: Figure) -> dict[str, Any] | None:
    index = figure.index
    if index is None:
        return None
    return {
        "n": index.n,
        "mean": _finite(index.mean),
        "sd": _finite(index.sd),
        "ci_low": _finite(index.ci.low),
        "ci_high": _finite(index.ci.high),
        "method": index.method,
    }


def group_out(group: GroupResult) -> dict[str, Any] | None:
    """A group whose figure may be shown, else None (left out, size and all)."""
    overall = _index(group.overall)
    if group.size.suppressed or overall is None:
        return None
    subscales = []
    for key, name, figure in group.subscales:
        index = _index(figure)
        if index is not None:
            subscales.append({"key": key, "name": name, "index": index})
    return {
        "key": group.key,
        "label": group.label,
        "team": group.team.pk if group.team is not None else None,
        "n": group.size.n,
        "index": overall,
        "subscales": subscales,
    }


class WindowFilters(Schema):
    school: Id | None = None
    team: Id | None = None


@router.get("/survey-results/", response=Page[WindowOut], url_name="survey-results")
def survey_windows(
    request: ApiRequest, page: Query[PageParams], filters: Query[WindowFilters]
) -> dict[str, Any]:
    """The closed survey windows whose results you may read."""
    items = result_windows_for(request.auth, today=today_for(request.auth)).select_related(
        "instrument"
    )
    if filters.school is not None:
        items = items.filter(school_id=filters.school)
    if filters.team is not None:
        items = items.filter(team_id=filters.team)
    return paginate(request, items, page, each(window_out))


@router.get("/survey-results/{window_id}/", response=ResultsOut, url_name="survey-result")
def survey_result(request: ApiRequest, window_id: Id) -> dict[str, Any]:
    """One window's collective-efficacy index, for the whole window and each group you
    may see, above the anonymity threshold only."""
    window = access_window_results(request.auth, window_id, today=today_for(request.auth))
    results = window_results(window=window, details=False).visible_to(
        partial(can_see_group_results, request.auth, window)
    )
    groups = [found for found in map(group_out, results.groups) if found is not None]
    return {
        "window": window_out(window),
        "threshold": results.threshold,
        "index_name": results.index_name,
        "responded": results.responded.shown,
        "response_rate": results.rate,
        "groups": groups,
    }
