"""How large a file may be, before and after unzipping, and how many rows, columns and
characters it may hold: one guard for every file a person gives Efficacy."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    """The bounds a reader enforces; it refuses a file past any of them, unread.

    The defaults suit a file on the analyst's own disk (``efficacy analyze``);
    uploads from the web use :func:`score_upload_limits` or :func:`roster_limits`.
    """

    #: the file as given (an upload, a file on disk)
    file_bytes: int = 2 * GiB
    #: all members of a zip (an XLSX is one) once decompressed
    unzipped_bytes: int = 2 * GiB
    #: how many times a zip member may expand; real CSV and XLSX stay far below
    zip_ratio: int = 200
    #: lines of a CSV or rows of a sheet, the header and blank ones included
    rows: int = 5_000_000
    columns: int = 1_000
    cell_chars: int = 100_000
    line_bytes: int = 1_000_000


# Members this small cannot be a bomb whatever their ratio (a sheet of one
# repeated value compresses a thousand times).
RATIO_FLOOR_BYTES = MiB


def score_upload_limits() -> Limits:
    """Score files from the web (uploads and gradebook exports): any team member can
    send one, so they are held to the size of a real class's or cycle's scores."""
    from django.conf import settings

    return Limits(
        file_bytes=settings.EFFICACY_MAX_SCORE_UPLOAD_BYTES,
        unzipped_bytes=settings.EFFICACY_MAX_SCORE_UNZIPPED_BYTES,
        zip_ratio=100,
        rows=settings.EFFICACY_MAX_SCORE_ROWS,
        columns=200,
        cell_chars=10_000,
        line_bytes=100_000,
    )


def roster_limits() -> Limits:
    """A OneRoster export: a district's enrollments run to millions of lines."""
    from django.conf import settings

    return Limits(
        file_bytes=settings.EFFICACY_MAX_UPLOAD_BYTES,
        unzipped_bytes=getattr(settings, "EFFICACY_ROSTER_MAX_UNZIPPED_BYTES", 2 * GiB),
        zip_ratio=getattr(settings, "EFFICACY_ROSTER_MAX_ZIP_RATIO", 200),
        rows=20_000_000,
    )
