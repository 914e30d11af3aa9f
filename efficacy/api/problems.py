"""Every error of the API as an RFC 9457 problem (``application/problem+json``): the
one place that turns an exception into an answer.

A body always holds ``type`` (a stable code, ``urn:efficacy:problem:<code>``),
``title``, ``status``, ``detail`` and ``instance`` (the path asked for); a
validation problem adds ``errors``, one ``{field, message, hint}`` (or ``row`` and
``column`` for a file) per mistake. A hidden object answers exactly as a missing one
(``Http404`` from :mod:`efficacy.access`), and a server error says nothing of its
cause: it is logged.

Endpoints raise :class:`Problem` (or Django's ``Http404`` / ``PermissionDenied``,
or ninja's ``HttpError``); :func:`install` registers the handlers on the API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"


def _titles() -> dict[int, str]:
    # Translated when asked, in the language of the request.
    return {
        400: _("Bad request"),
        401: _("Authentication needed"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Request too large"),
        422: _("Invalid request"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


_CODES = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "too-large",
    422: "validation",
    429: "rate-limited",
    500: "server-error",
}


class Problem(Exception):
    """An error an endpoint answers with: ``raise Problem(409, detail, code="duplicate")``.

    ``errors`` is a list of ``{"field" (or "row"/"column"), "message", "hint"}``;
    ``headers`` are added to the answer (``Retry-After``).
    """

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or _CODES.get(status, "error")
        self.errors = list(errors) if errors is not None else None
        self.headers = dict(headers or {})


def problem_response(
    request: HttpRequest,
    status: int,
    detail: str,
    *,
    code: str | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The ``application/problem+json`` answer for ``status``."""
    body: dict[str, Any] = {
        "type": f"urn:efficacy:problem:{code or _CODES.get(status, 'error')}",
        "title": _titles().get(status, _("Error")),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = list(errors)
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="efficacy"'
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- validation (pydantic and ninja) ------------------------------------------


def _hint(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind.startswith("int_") or kind == "int_parsing":
        return _("Give a whole number, such as an id from another list of the API.")
    if kind.startswith(("date", "datetime")):
        return _("Give a date as YYYY-MM-DD (or a date and time in ISO 8601).")
    if kind in {"less_than_equal", "greater_than_equal", "less_than", "greater_than"}:
        return _("Give a number within the limits the documentation names.")
    if kind == "missing":
        return _("Add this field; the documentation at /api/docs/ lists what is needed.")
    if kind.startswith("enum") or kind == "literal_error":
        return _("Use one of the values the documentation lists.")
    return _("Correct this value and send the request again.")


def validation_errors(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """pydantic's errors as ``{field, message, hint}``: ``field`` is the parameter's
    dotted name without where it came from (``school``, ``items.3.value``)."""
    errors = []
    for error in raw:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] in {"query", "path", "body", "header", "form", "cookie"}:
            location = location[1:]
        if location and location[0] in {"payload", "filters", "page"} and len(location) > 1:
            location = location[1:]  # the name of the schema parameter, not the client's field
        errors.append(
            {
                "field": ".".join(location),
                "message": str(error.get("msg", "")),
                "hint": _hint(error),
            }
        )
    return errors


# --- handlers -----------------------------------------------------------------


def _on_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(
        request, exc.status, exc.detail, code=exc.code, errors=exc.errors, headers=exc.headers
    )


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The same words for a missing and a hidden object: the message of the exception
    # (which may name a model) is never shown.
    return problem_response(request, 404, not_found_detail())


def not_found_detail() -> str:
    return _("There is nothing here, or you may not see it.")


def _on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, 403, _("Your role does not allow this."))


def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem_response(
        request,
        422,
        _("The request has values that cannot be used; each is listed in errors."),
        errors=validation_errors(exc.errors),
    )


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc, AuthenticationError):
        return problem_response(
            request,
            401,
            _(
                "Sign in, or send a personal access token as 'Authorization: Bearer TOKEN'"
                " (create one on your account's tokens page)."
            ),
        )
    if isinstance(exc, Throttled):
        # ninja adds Retry-After to this answer from the throttle's wait().
        return problem_response(
            request,
            429,
            _("Too many requests in this minute; wait the seconds Retry-After names."),
        )
    if status == 403:
        return problem_response(request, 403, str(exc.message) or _("Not allowed."))
    if status == 400:
        return problem_response(
            request, 400, _("The request could not be read: send valid JSON."), code="bad-request"
        )
    return problem_response(request, status, str(exc.message))


def _on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(
        request, 413, _("The request is larger than the server accepts; send it in smaller parts.")
    )


def _on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return problem_response(
        request, 500, _("Something went wrong on the server; it has been logged.")
    )


HANDLERS: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
    (Exception, _on_error),
    (Problem, _on_problem),
    (Http404, _on_not_found),
    (PermissionDenied, _on_permission_denied),
    (RequestDataTooBig, _on_too_big),
    (ValidationError, _on_validation),
    (HttpError, _on_http_error),
]


def install(api: NinjaAPI) -> None:
    """Answer every exception of ``api``'s operations with a problem."""
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, handler)


# --- the schema -------------------------------------------------------------------

#: The answers any operation may give besides its own: in the OpenAPI schema of each.
DOCUMENTED = (400, 401, 403, 404, 405, 409, 413, 422, 429, 500)

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem: every error of the API.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string", "description": "urn:efficacy:problem:<code>"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "One entry per mistake: field (or row and column), message, hint.",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "row": {"type": "integer"},
                    "column": {"type": "string"},
                    "message": {"type": "string"},
                    "hint": {"type": "string"},
                },
            },
        },
    },
}


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (ninja's OpenAPI) with the problem answers of every operation."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    problem = {
        "content": {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in DOCUMENTED:
                responses.setdefault(status, {"description": HTTPStatus(status).phrase, **problem})
    return schema


def method_not_allowed(request: HttpRequest, allowed: Sequence[str]) -> HttpResponse:
    return problem_response(
        request,
        405,
        _("This address does not answer %(method)s; it answers %(allowed)s.")
        % {"method": request.method, "allowed": ", ".join(sorted(allowed))},
        headers={"Allow": ", ".join(sorted(allowed))},
    )


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any address under /api/ that names no endpoint."""
    return problem_response(request, 404, not_found_detail())
