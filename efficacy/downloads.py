"""Every file the site hands over (exports, templates, PDFs, calendars): one place that
names it.

The file name goes through Django's ``content_disposition_header``, which quotes it
and writes a non-ASCII name as RFC 6266's ``filename*``, so that no name (a
school's, a survey's) can break the header or smuggle another one in. Downloads
shown to a signed-in person are kept out of caches by the shell's
``NoStoreWhenSignedIn`` middleware; this sets ``no-store`` itself too, so that a
download never depends on the middleware's order.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header


def file_response(
    body: bytes | str, filename: str, content_type: str, *, inline: bool = False
) -> HttpResponse:
    """``body`` as a file called ``filename``: saved (an attachment) or, ``inline``, shown."""
    response = HttpResponse(body, content_type=content_type)
    disposition = content_disposition_header(not inline, filename)
    response["Content-Disposition"] = disposition or ("inline" if inline else "attachment")
    patch_cache_control(response, private=True, no_store=True)
    return response
