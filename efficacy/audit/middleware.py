"""Records each successful GET of a student-level URL (:mod:`efficacy.audit.student_level`).

After the view answered 2xx, so a refused or missing page is not "viewed". If the
audit row cannot be written the response is not sent (the error propagates): nobody
reads student-level data unrecorded.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from efficacy.audit.models import Action
from efficacy.audit.services import during, record
from efficacy.audit.student_level import EXPORT, kind_of
from efficacy.roster.models import SchoolClass, Student, Team

#: URL keyword → the roster rows whose school the event is filed under.
_SCHOOL_OF: dict[str, QuerySet] = {
    "student_id": Student.objects.all(),
    "class_id": SchoolClass.objects.all(),
    "team_id": Team.objects.all(),
}


def _school_id(request: HttpRequest, kwargs: dict[str, object]) -> int | None:
    """The school of what was seen, when a URL keyword says it cheaply; else the reader's."""
    if isinstance(kwargs.get("school_id"), int):
        return kwargs["school_id"]  # type: ignore[return-value]
    for key, rows in _SCHOOL_OF.items():
        if isinstance(kwargs.get(key), int):
            found = rows.filter(pk=kwargs[key]).values_list("school_id", flat=True)
            return next(iter(found), None)
    return getattr(request.user, "school_id", None)


def _target(kwargs: dict[str, object]) -> tuple[str, object, str] | None:
    """The first ``<thing>_id`` of the URL as a generic target (``student``, 42)."""
    for key, value in kwargs.items():
        if key.endswith("_id"):
            return (key.removesuffix("_id"), value, "")
    return None


class StudentLevelAudit:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The services' events (a score saved, a role changed) say how they came and from
        # which address without each service taking the request.
        with during(request):
            response = self.get_response(request)
        if request.method != "GET" or not 200 <= response.status_code < 300:
            return response
        match = request.resolver_match
        kind = kind_of(match.view_name if match is not None else None)
        if kind is None or match is None:
            return response
        kwargs = dict(match.kwargs)
        detail: dict[str, object] = {"url": match.view_name, **kwargs}
        record(
            actor=getattr(request, "user", None),
            action=Action.STUDENT_DATA_EXPORTED if kind == EXPORT else Action.STUDENT_DATA_VIEWED,
            school=_school_id(request, kwargs),
            target=_target(kwargs),
            detail=detail,
            request=request,
        )
        return response
