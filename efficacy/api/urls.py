"""``/api/``: the API's endpoints, its schema and documentation, and a problem for
any other address or method under it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, re_path

from efficacy.api.app import api
from efficacy.api.problems import method_not_allowed, not_found_view

app_name = "api"


def _problem_for_wrong_method(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    # ninja answers a method no operation takes with a plain 405; answer a problem.
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = [method.strip() for method in response["Allow"].split(",")]
            return method_not_allowed(request, allowed)
        return response

    return wrapped


def _patterns() -> list[Any]:
    patterns, _app, _namespace = api.urls
    wrapped = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name == "api-root":
            # ninja's root (/api/) raises a bare 404 whose message names the docs' path.
            pattern.callback = not_found_view
        elif isinstance(pattern, URLPattern):
            pattern.callback = _problem_for_wrong_method(pattern.callback)
        wrapped.append(pattern)
    return wrapped


urlpatterns = [
    *_patterns(),
    re_path(r"^.*$", not_found_view, name="not-found"),
]
