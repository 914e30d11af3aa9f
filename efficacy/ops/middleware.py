"""Each request gets an id: on its answer (``X-Request-ID``) and on every log line it writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from efficacy.ops.logs import request_id, request_id_from


class RequestId:
    """Takes a safe ``X-Request-ID`` from the proxy (or makes one), for the logs and the answer.

    A reverse proxy that sets the header (nginx: ``proxy_set_header X-Request-ID
    $request_id``) lets one id follow a request through its logs and ours. The id stays
    set until the answer is sent (``request_finished``), not just while the middleware
    runs: Django logs a 4xx or 5xx answer after the last middleware has returned.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        current = request_id_from(request.headers.get("X-Request-ID"))
        request_id.set(current)
        response = self.get_response(request)
        response["X-Request-ID"] = current
        return response


def _forget_request_id(**kwargs: Any) -> None:
    request_id.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="efficacy.ops.request_id")
