"""Site-wide response rules of the shell."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreWhenSignedIn:
    """Nothing shown to a signed-in person is kept by a browser or a proxy.

    Every page and download behind sign-in may hold student-level data (a grid,
    an export, a story), and a shared laptop's cache or a school proxy must not
    keep a copy: ``Cache-Control: no-store`` (with ``private`` and ``no-cache``,
    and ``Pragma: no-cache`` for HTTP/1.0 proxies) on every response to a
    signed-in request. Static files are served before this runs (WhiteNoise)
    and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
            response["Pragma"] = "no-cache"
        return response
